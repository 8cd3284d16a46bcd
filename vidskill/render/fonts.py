"""The text font: Noto Sans CJK (OFL) from the `cvttf-NotoSansCJK-Regular` package.

It draws Latin and Chinese alike. A character the font lacks would come out as the font's
.notdef box, so every text is checked first and a missing glyph is an error, never a box.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from vidskill.render.model import RenderError

_PROBE_PX = 32
# Characters that draw nothing by design: controls, format marks, separators, combining marks.
_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
_NOT_A_CHARACTER = "\uffff"


@functools.lru_cache(maxsize=1)
def font_path() -> str:
    """The font file's path; a `RenderError` says how to install it when it is missing."""
    try:
        import cvttf_NotoSansCJK_Regular as package

        path: str = package.get_TTF_path()
    except (ImportError, FileNotFoundError) as exc:
        raise RenderError(
            "the text font is missing: install it with "
            "`pip install cvttf-NotoSansCJK-Regular` (or `pip install 'vidskill[local]'`)"
        ) from exc
    return path


@functools.lru_cache(maxsize=32)
def font(px: int) -> Any:
    """The font at a pixel size (a Pillow `FreeTypeFont`)."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype(font_path(), px)
    except OSError as exc:
        raise RenderError(f"the text font at {font_path()} cannot be read: {exc}") from exc


def _signature(char: str) -> tuple[tuple[int, int], bytes]:
    mask = font(_PROBE_PX).getmask(char)
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """True when the font draws `char` as itself rather than as the .notdef box."""
    if unicodedata.category(char) in _INVISIBLE:
        return True
    return _signature(char) != _signature(_NOT_A_CHARACTER)


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of `text` the font cannot draw, in order of appearance."""
    return [char for char in dict.fromkeys(text) if not has_glyph(char)]


def require_glyphs(text: str) -> None:
    """Raise `RenderError` naming any character of `text` the font would draw as a box."""
    missing = missing_glyphs(text)
    if missing:
        names = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing[:8])
        raise RenderError(
            f"the text {text[:40]!r} has characters the font cannot draw: {names}; "
            "remove or replace them (emoji are not supported)"
        )
