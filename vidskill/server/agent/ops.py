"""What a user asked for, as values: one create request and the edits, in the order said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Workflow = Literal["product", "slideshow", "promo", "animated", "script"]
MotionStyle = Literal["none", "dynamic", "gentle", "zoom_in", "zoom_out", "pan"]
LogoPlace = Literal["end", "corner", "remove"]


@dataclass(frozen=True)
class Duration:
    """Set the length ("set"), change it by ms ("shift") or a factor ("scale"), or set each
    picture's length ("per"); `value` is in ms except for "scale"."""

    mode: Literal["set", "shift", "scale", "per"]
    value: float


@dataclass(frozen=True)
class Aspect:
    """Change the canvas to "16:9", "9:16" or "1:1"."""

    ratio: str


@dataclass(frozen=True)
class AddMusic:
    """Add background music, or change its mood when there is some (None keeps the mood)."""

    mood: str | None = None


@dataclass(frozen=True)
class RemoveMusic:
    """Remove the background music."""


@dataclass(frozen=True)
class MusicVolume:
    """Set the music volume in percent ("set") or move it by points ("shift")."""

    mode: Literal["set", "shift"]
    value: int


@dataclass(frozen=True)
class SetTitle:
    """Set the title text; None means a title from the video's name."""

    text: str | None


@dataclass(frozen=True)
class RemoveTitle:
    """Remove the title."""


@dataclass(frozen=True)
class AddCaption:
    """Add one caption with this text over the whole video."""

    text: str


@dataclass(frozen=True)
class AutoCaptions:
    """Add a caption to each picture from its name."""


@dataclass(frozen=True)
class RemoveCaptions:
    """Remove every caption."""


@dataclass(frozen=True)
class Transition:
    """Use this transition between pictures ("none" for hard cuts)."""

    kind: str


@dataclass(frozen=True)
class Motion:
    """Change how the pictures move."""

    style: MotionStyle


@dataclass(frozen=True)
class Move:
    """Move picture `item` (1-based, -1 last) to position `to` (1-based, -1 end)."""

    item: int
    to: int


@dataclass(frozen=True)
class Swap:
    """Swap two pictures (1-based, -1 last)."""

    first: int
    second: int


@dataclass(frozen=True)
class Reverse:
    """Reverse the picture order."""


@dataclass(frozen=True)
class RemoveItem:
    """Remove one picture (1-based, -1 last)."""

    item: int


@dataclass(frozen=True)
class Logo:
    """Put the logo at the end, in a corner (`corner`), or remove it."""

    place: LogoPlace
    corner: str = "top_right"


@dataclass(frozen=True)
class PlaceUploads:
    """Put the uploaded pictures on the timeline (the ones the video does not show yet)."""


@dataclass(frozen=True)
class RemoveVoiceover:
    """Remove the voiceover."""


@dataclass(frozen=True)
class Help:
    """The user asked what the agent can do."""


Edit = (
    Duration
    | Aspect
    | AddMusic
    | RemoveMusic
    | MusicVolume
    | SetTitle
    | RemoveTitle
    | AddCaption
    | AutoCaptions
    | RemoveCaptions
    | Transition
    | Motion
    | Move
    | Swap
    | Reverse
    | RemoveItem
    | Logo
    | PlaceUploads
    | RemoveVoiceover
    | Help
)


@dataclass(frozen=True)
class Create:
    """Make a new video with one of the five workflows; `script` is text given in the message."""

    workflow: Workflow
    script: str | None = None
    voiceover: bool = True


@dataclass(frozen=True)
class Request:
    """Everything a message asked for: an optional create and the edits in the order said."""

    create: Create | None
    edits: tuple[Edit, ...]
