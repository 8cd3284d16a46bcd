"""What the uploads are: photos, clips, sound, scripts, the logo, and names fit to show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vidskill.server.agent.model import AgentAsset

_LOGO = re.compile(r"logo|标志|商标|徽标|brand[-_ ]?mark", re.IGNORECASE)
_GENERIC = re.compile(
    r"(?:img|dsc[fn]?|dcim|pxl|mvimg|photo|image|pic|picture|screenshot|screen shot|wechat|"
    r"mmexport|untitled|file|upload|asset|scan|video|clip|audio|voice|music|track|script|vid|mov|"
    r"照片|图片|微信图片|截图|相片|视频|音频)?[\s\d_.()-]*(?:copy|副本|edited)?[\s\d_.()-]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Media:
    """The session's uploads sorted by use, each list in upload order."""

    pictures: tuple[AgentAsset, ...]
    audio: tuple[AgentAsset, ...]
    scripts: tuple[AgentAsset, ...]
    logo: AgentAsset | None

    @property
    def photos(self) -> tuple[AgentAsset, ...]:
        """Pictures other than the logo."""
        return tuple(asset for asset in self.pictures if asset is not self.logo)


def sort_media(assets: Sequence[AgentAsset]) -> Media:
    """The uploads by use; the logo is a picture named like one, else a much smaller last one."""
    pictures = tuple(a for a in assets if a.file_type in ("image", "video"))
    audio = tuple(a for a in assets if a.file_type == "audio" and not a.id.startswith("music:"))
    scripts = tuple(a for a in assets if a.file_type == "text" and (a.text or "").strip())
    return Media(pictures, audio, scripts, find_logo(pictures))


def find_logo(pictures: Sequence[AgentAsset]) -> AgentAsset | None:
    """The logo among the pictures: named "logo" (or 标志/商标/徽标), else the smallest image
    when there are three or more and it has at most a quarter of the largest one's area."""
    named = [a for a in pictures if a.file_type == "image" and _LOGO.search(a.filename)]
    if named:
        return named[-1]
    images = [a for a in pictures if a.file_type == "image" and a.width and a.height]
    if len(images) < 3:
        return None
    areas = [(a.width or 0) * (a.height or 0) for a in images]
    smallest = min(range(len(images)), key=lambda i: (areas[i], -i))
    return images[smallest] if areas[smallest] * 4 <= max(areas) else None


def is_logo_name(name: str) -> bool:
    """True when a file or segment name says it is a logo."""
    return _LOGO.search(name) is not None


def stem(filename: str) -> str:
    """The file name without folders and extension."""
    base = re.split(r"[\\/]", filename)[-1]
    return base.rsplit(".", 1)[0] if "." in base.strip(".") else base


def pretty_name(filename: str) -> str | None:
    """A name fit to show ("red_sneaker-02.jpg" → "Red Sneaker"), None for camera names."""
    words = re.sub(r"[_\-.]+", " ", stem(filename))
    words = re.sub(r"(?<=\D)\s*\d+$|^\d+\s*", "", words).strip()
    if not words or _GENERIC.fullmatch(stem(filename)) or len(words) < 2:
        return None
    if re.fullmatch(r"[0-9a-f]{8,}|[0-9a-f-]{20,}", words, re.IGNORECASE):
        return None
    return " ".join(w[:1].upper() + w[1:] if w.isascii() else w for w in words.split())


def product_name(photos: Sequence[AgentAsset]) -> str | None:
    """The words the photo names share at their start ("Sneaker" for "sneaker front/side")."""
    names = [name for name in (pretty_name(p.filename) for p in photos) if name]
    if not names:
        return None
    split = [name.split() for name in names]
    common: list[str] = []
    for column in zip(*split, strict=False):
        if len({word.lower() for word in column}) != 1:
            break
        common.append(column[0])
    return " ".join(common) if common and len(names) > 1 else names[0]


def is_portrait(asset: AgentAsset) -> bool:
    """True for a picture taller than it is wide."""
    return bool(asset.width and asset.height and asset.height > asset.width)
