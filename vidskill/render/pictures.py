"""Pictures prepared once per segment: images shrunk for the output, colours, overlay sprites.

An image is decoded at reduced size where the format allows (JPEG draft mode), shrunk once so
that its largest zoom maps it about 1:1 to the frame, and then only warped per frame; a still
picture is drawn once and reused for every frame of its segment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import cv2
import numpy as np

from vidskill.render.model import RGB, RenderError, Visual
from vidskill.render.motion import Matrix, Move, affine, plan_move, prescale
from vidskill.render.paint import Frame, Sprite, blank, flatten, make_sprite, u8, warp

Size = tuple[int, int]
_heif_lock = threading.Lock()
_heif_ready = False
_SWAPPED_ORIENTATIONS = (5, 6, 7, 8)


def _register_heif() -> None:
    global _heif_ready
    with _heif_lock:
        if not _heif_ready:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
            except ImportError:
                pass
            _heif_ready = True


def load_rgba(path: str, scale_for: Callable[[Size], float]) -> Frame:
    """An image file as RGBA pixels, upright, shrunk by `scale_for(its upright size)`."""
    from PIL import Image, ImageOps

    _register_heif()
    try:
        with Image.open(path) as image:
            w, h = image.size
            if image.getexif().get(0x0112) in _SWAPPED_ORIENTATIONS:
                w, h = h, w
            scale = min(1.0, scale_for((w, h)))
            if image.format == "JPEG":
                wanted = (
                    max(1, round(image.size[0] * scale)),
                    max(1, round(image.size[1] * scale)),
                )
                image.draft("RGB", wanted)
            upright = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RenderError(f"cannot read the image {path}: {exc}") from exc
    pixels = np.asarray(upright, dtype=np.uint8)
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    if target != (pixels.shape[1], pixels.shape[0]):
        pixels = u8(cv2.resize(pixels, target, interpolation=cv2.INTER_AREA))
    return np.ascontiguousarray(pixels)


class Still:
    """A main-track picture: an image (moving or not) or a solid colour."""

    def __init__(self, src: Frame, out: Size, fit: str, move: Move, border: RGB | None) -> None:
        self.src, self.out, self.fit, self.move, self.border = src, out, fit, move, border
        self.size = (src.shape[1], src.shape[0])
        self.frame: Frame | None = None
        if move.still:
            self.frame = warp(src, self._matrix(0.0), blank(*out), border)

    def _matrix(self, p: float) -> Matrix:
        return affine(self.size, self.out, self.fit, self.move, p)

    def draw(self, p: float, out: Frame) -> Frame:
        """The picture at progress `p`, drawn into `out` (or a shared still frame)."""
        if self.frame is not None:
            return self.frame
        return warp(self.src, self._matrix(p), out, self.border)


def still_for(visual: Visual, path: str | None, out: Size, bg: RGB, seconds: float) -> Still:
    """Prepare a main-track segment's picture for an output size."""
    color = visual.color or bg
    if visual.kind == "color" or path is None:
        return Still(blank(*out, color), out, "cover", Move(), None)
    moves: list[Move] = []

    def scale_for(size: Size) -> float:
        moves.append(plan_move(visual.motion, size, out, visual.fit, seconds))
        return prescale(size, out, visual.fit, moves[0])

    pixels = flatten(load_rgba(path, scale_for), color)
    border = None if visual.fit == "cover" else color
    return Still(pixels, out, visual.fit, moves[0], border)


def clip_move(visual: Visual, size: Size, out: Size, seconds: float) -> tuple[Move, float]:
    """A video clip's move and the shrink to apply to its decoded frames."""
    move = plan_move(visual.motion, size, out, visual.fit, seconds)
    return move, prescale(size, out, visual.fit, move)


def overlay_box(visual: Visual, aspect: float, out: Size) -> tuple[int, int, int, int]:
    """Where an overlay goes: x, y, width and height in the frame."""
    width = max(2, round(out[0] * visual.scale))
    height = max(2, round(width / aspect))
    margin = round(0.04 * min(out))
    xs = {"left": margin, "right": out[0] - margin - width}
    ys = {"top": margin, "bottom": out[1] - margin - height}
    if visual.position == "center":
        return (out[0] - width) // 2, (out[1] - height) // 2, width, height
    vertical, horizontal = visual.position.split("_")
    return xs[horizontal], ys[vertical], width, height


def overlay_sprite(visual: Visual, path: str | None, out: Size) -> Sprite:
    """An image or colour overlay prepared as a sprite at its place."""
    if visual.kind == "color" or path is None:
        x, y, w, h = overlay_box(visual, out[0] / out[1], out)
        return make_sprite(blank(w, h, visual.color or (0, 0, 0)), x, y, visual.opacity)
    boxes: list[tuple[int, int, int, int]] = []

    def scale_for(size: Size) -> float:
        boxes.append(overlay_box(visual, size[0] / size[1], out))
        return boxes[0][2] / size[0]

    pixels = load_rgba(path, scale_for)
    x, y, w, h = boxes[0]
    if pixels.shape[:2] != (h, w):
        pixels = u8(cv2.resize(pixels, (w, h), interpolation=cv2.INTER_AREA))
    return make_sprite(pixels, x, y, visual.opacity)
