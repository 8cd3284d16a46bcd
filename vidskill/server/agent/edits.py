"""Edits of the whole video: length, canvas, transitions and motion, and the edit dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from vidskill.server.agent import edit_order, edit_sound, edit_text, ops
from vidskill.server.agent.build import DYNAMIC
from vidskill.server.agent.draft import (
    AUDIO,
    CANVASES,
    MAX_DURATION_MS,
    MIN_DURATION_MS,
    Draft,
    Seg,
    aspect_of,
)
from vidskill.server.agent.layout import MIN_SEG_MS, allocate, attachments, rearrange
from vidskill.server.agent.replies import duration, say
from vidskill.server.agent.step import Context, Step, call

VOICE_ROOM_MS = 250


def set_duration(edit: ops.Duration, draft: Draft, ctx: Context) -> Step:
    """Change the length: pictures rescaled in proportion, captions and voices kept on them."""
    lang, items, card = ctx.language, edit_order.pictures(draft), edit_order.end_card(draft)
    current = draft.d
    wanted = _target(edit, current, len(items), card)
    record = call("set_duration", {"duration_ms": wanted})
    too_short = edit.mode == "per" and edit.value < MIN_SEG_MS
    if too_short or not MIN_DURATION_MS <= wanted <= MAX_DURATION_MS:
        return Step(
            draft, (replace(record, response={"ok": False}),), notes=(say("bad_duration", lang),)
        )
    main = draft.main
    if main is None or not main.sg:
        return Step(
            draft, (replace(record, response={"ok": False}),), notes=(say("no_pictures", lang),)
        )
    segs = list(main.sg)
    if edit.mode == "per":
        shares = [round(edit.value) if seg is not card else seg.d for seg in segs]
    else:
        lows, highs = _bounds(draft, segs, ctx)
        shares = allocate(wanted, [seg.d for seg in segs], lows, highs)
    resized = [replace(seg, d=ms) for seg, ms in zip(segs, shares, strict=True)]
    out = rearrange(draft, resized, sum(shares) / current if current else 1.0)
    record = replace(record, response={"ok": True, "duration_ms": out.d})
    if out == draft:
        kept = (say("duration_kept", lang, duration=duration(out.d, lang)),)
        return Step(draft, (record,), notes=kept if out.d > wanted else ())
    key = "duration_voice" if out.d > wanted + 100 else "duration"
    return Step(out, (record,), (say(key, lang, duration=duration(out.d, lang)),))


def _target(edit: ops.Duration, current: int, count: int, card: Seg | None) -> int:
    if edit.mode == "set":
        return round(edit.value)
    if edit.mode == "shift":
        return current + round(edit.value)
    if edit.mode == "scale":
        return round(current * edit.value / 100) * 100
    return round(edit.value) * count + (card.d if card else 0)


def _bounds(draft: Draft, segs: list[Seg], ctx: Context) -> tuple[list[int], list[int | None]]:
    """Each picture's shortest length (its voice must fit) and longest (a clip's own length)."""
    need = {seg.id: MIN_SEG_MS for seg in segs}
    voices = {seg.id: seg for t in draft.t if t.tt == AUDIO for seg in t.sg}
    for seg_id, (host, offset) in attachments(draft).items():
        if seg_id in voices:
            need[host] = max(need[host], offset + voices[seg_id].d + VOICE_ROOM_MS)
    highs: list[int | None] = []
    for seg in segs:
        asset = ctx.assets.get(str(seg.m.get("src")))
        length = asset.duration if asset and asset.file_type == "video" and asset.duration else None
        in_ms = seg.m.get("in", 0) if isinstance(seg.m.get("in", 0), int) else 0
        highs.append(max(MIN_SEG_MS, round(length * 1000) - in_ms) if length else None)
    return [need[seg.id] for seg in segs], highs


def set_aspect(edit: ops.Aspect, draft: Draft, ctx: Context) -> Step:
    """Change the canvas to 16:9, 9:16 or 1:1."""
    width, height = CANVASES[edit.ratio]
    record = call("set_aspect", {"aspect": edit.ratio, "width": width, "height": height})
    if aspect_of(draft) == edit.ratio and draft.m.get("width") == width:
        return Step(draft, (record,))
    out = replace(draft, m={**draft.m, "width": width, "height": height})
    return Step(out, (record,), (say(f"aspect.{edit.ratio}", ctx.language),))


def _restyle(draft: Draft, change: Callable[[int, Seg], Seg]) -> Draft:
    main = draft.main
    if main is None:
        return draft
    return rearrange(draft, [change(i, seg) for i, seg in enumerate(main.sg)])


def set_transition(edit: ops.Transition, draft: Draft, ctx: Context) -> Step:
    """Use one transition between all pictures (the first comes in with none)."""
    out = _restyle(draft, lambda i, seg: seg.meta(transition="none" if i == 0 else edit.kind))
    record = call("set_transition", {"transition": edit.kind})
    said = (say(f"transition.{edit.kind}", ctx.language),) if out != draft else ()
    return Step(out, (record,), said)


_STYLES: dict[str, tuple[str, ...]] = {
    "none": ("none",),
    "dynamic": DYNAMIC,
    "gentle": ("zoom_in", "zoom_out"),
    "zoom_in": ("zoom_in",),
    "zoom_out": ("zoom_out",),
    "pan": ("pan_left", "pan_right"),
}


def set_motion(edit: ops.Motion, draft: Draft, ctx: Context) -> Step:
    """Change how the still pictures move (logo cards and clips stay still)."""
    cycle = _STYLES[edit.style]

    def change(i: int, seg: Seg) -> Seg:
        if seg.m.get("kind", "image") != "image" or edit_order.is_card(seg):
            return seg
        return seg.meta(motion=cycle[i % len(cycle)])

    out = _restyle(draft, change)
    said = (say(f"motion.{edit.style}", ctx.language),) if out != draft else ()
    return Step(out, (call("set_motion", {"style": edit.style}),), said)


def show_help(edit: ops.Help, draft: Draft, ctx: Context) -> Step:
    """Say what the agent can do."""
    return Step(draft, notes=(say("help", ctx.language),))


Handler = Callable[[Any, Draft, Context], Step]
HANDLERS: dict[type, Handler] = {
    ops.Duration: set_duration,
    ops.Aspect: set_aspect,
    ops.Transition: set_transition,
    ops.Motion: set_motion,
    ops.Help: show_help,
    ops.AddMusic: edit_sound.add_music,
    ops.RemoveMusic: edit_sound.remove_music,
    ops.MusicVolume: edit_sound.music_volume,
    ops.RemoveVoiceover: edit_sound.remove_voiceover,
    ops.SetTitle: edit_text.set_title,
    ops.RemoveTitle: edit_text.remove_title,
    ops.AddCaption: edit_text.add_caption,
    ops.AutoCaptions: edit_text.auto_captions,
    ops.RemoveCaptions: edit_text.remove_captions,
    ops.Move: edit_order.reorder,
    ops.Swap: edit_order.reorder,
    ops.Reverse: edit_order.reorder,
    ops.RemoveItem: edit_order.reorder,
    ops.Logo: edit_order.logo,
    ops.PlaceUploads: edit_order.place_uploads,
}


def apply(edit: ops.Edit, draft: Draft, ctx: Context) -> Step:
    """Apply one edit to the draft."""
    return HANDLERS[type(edit)](edit, draft, ctx)
