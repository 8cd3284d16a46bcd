"""The draft's vocabulary (our local backend's extension of the wire contract's §4).

One place for the values a draft may hold, read by the agent that writes drafts and by the
renderer that draws them, so the two cannot drift apart. Pure data, no imports.
"""

from __future__ import annotations

VIDEO, AUDIO, TEXT = 0, 1, 7  # track types (`tt`)
CANVASES: dict[str, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
}
FPS = 30
MOODS: tuple[str, ...] = ("upbeat", "calm", "corporate", "cinematic", "lofi")
MUSIC_PREFIX = "music:"  # an audio `src` from the built-in music library: "music:<mood>"
KINDS = ("image", "video", "color")
FITS = ("cover", "contain")
MOTIONS = ("none", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down")
TRANSITIONS = ("none", "crossfade", "fade_black", "slide_left", "wipe_left")
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right", "center")  # overlay places
ROLES = ("bgm", "voiceover", "clip")
STYLES = ("title", "caption", "lower_third")
TEXT_POSITIONS = ("top", "center", "bottom")
MAX_DURATION_MS = 10 * 60 * 1000
MAX_SEGMENTS = 2000
TEXT_LIMIT = 500  # characters in one text segment
