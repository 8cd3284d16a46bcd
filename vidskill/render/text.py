"""Text segments drawn once with Pillow into an RGBA picture and its place in the frame.

Latin text wraps at spaces, Chinese between characters (never before closing punctuation).
Titles get a thin outline and a soft shadow, captions a dark rounded box by default, so text
reads on any picture.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vidskill.render.fonts import font, require_glyphs
from vidskill.render.model import Caption

_NO_LINE_START = set("，。！？、；：”’）》」』】,.!?;:)]}%")
_LINE_HEIGHT = 1.3


@dataclass(frozen=True)
class TextPicture:
    """A drawn text segment: RGBA pixels and the top-left corner where they go."""

    rgba: npt.NDArray[np.uint8]
    x: int
    y: int


def _tokens(text: str) -> list[str]:
    """Words and spaces as units, each wide (CJK) character a unit of its own."""
    tokens: list[str] = []
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        joins = tokens and not wide and not char.isspace()
        joins = joins and not tokens[-1].isspace() and not _is_wide(tokens[-1])
        if joins or (tokens and char in _NO_LINE_START):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _is_wide(token: str) -> bool:
    return unicodedata.east_asian_width(token[-1]) in ("W", "F")


def wrap(text: str, face: Any, max_width: float) -> list[str]:
    """Lines of `text` that fit `max_width` pixels in `face`, keeping explicit line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph.strip()):
            if line and face.getlength(line + token) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return [line for line in lines if line] or [""]


def _layout(caption: Caption, width: int, height: int) -> tuple[Any, list[str], int, int]:
    px = max(8, round(caption.size * min(width, height) / 1080))
    face = font(px)
    share = 0.6 if caption.style == "lower_third" else 0.84
    return face, wrap(caption.text, face, width * share), px, round(px * _LINE_HEIGHT)


def draw_caption(caption: Caption, width: int, height: int) -> TextPicture:
    """The text segment drawn for a width x height frame, placed as its style says."""
    from PIL import Image, ImageDraw, ImageFilter

    require_glyphs(caption.text)
    face, lines, px, line_h = _layout(caption, width, height)
    pad_x, pad_y = (round(px * 0.45), round(px * 0.2)) if caption.box else (px // 3, px // 4)
    widths = [round(face.getlength(line)) for line in lines]
    size = (max(widths) + 2 * pad_x, len(lines) * line_h + 2 * pad_y)
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    ink = Image.new("L", size, 0)
    pen = ImageDraw.Draw(ink)
    ascent, descent = face.getmetrics()
    lead = (line_h - ascent - descent) // 2
    left = caption.style == "lower_third"
    bold = max(1, px // 40) if caption.style == "title" else 0
    for i, (line, line_w) in enumerate(zip(lines, widths, strict=True)):
        x = pad_x if left else (size[0] - line_w) // 2
        y = pad_y + i * line_h + lead
        pen.text((x, y), line, font=face, fill=255, stroke_width=bold, stroke_fill=255)
    if caption.box:
        ImageDraw.Draw(picture).rounded_rectangle(
            (0, 0, size[0] - 1, size[1] - 1), radius=px // 4, fill=(0, 0, 0, 150)
        )
    else:
        shadow = ink.filter(ImageFilter.GaussianBlur(max(1, px // 16)))
        picture.putalpha(shadow.point(lambda v: v * 170 // 255))
    picture.paste(Image.new("RGBA", size, (*caption.color, 255)), (0, 0), ink)
    x, y = _place(caption, size, width, height, pad_x)
    return TextPicture(np.asarray(picture, dtype=np.uint8), x, y)


def _place(
    caption: Caption, size: tuple[int, int], width: int, height: int, pad_x: int
) -> tuple[int, int]:
    w, h = size
    x = round(width * 0.06) - pad_x if caption.style == "lower_third" else (width - w) // 2
    margin = round(height * (0.16 if caption.style == "lower_third" else 0.08))
    y = {"top": margin, "center": (height - h) // 2, "bottom": height - margin - h}
    return x, y[caption.position]
