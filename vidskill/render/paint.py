"""Pixel operations on RGBA uint8 frames with OpenCV: warps, alpha blends and transitions.

Frames are four channels because OpenCV's warps run about twice as fast on four channels as on
three; the fourth channel is ignored. All arithmetic stays in uint8 (OpenCV rounds and
saturates), so no full-frame float arrays are made per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from vidskill.render.model import RGB

Frame = npt.NDArray[np.uint8]
Transition = Callable[[Frame, Frame, float, Frame], Frame]


def u8(array: object) -> Frame:
    """An OpenCV result typed as the uint8 array it is (no copy)."""
    return np.asarray(array, dtype=np.uint8)


def blank(width: int, height: int, color: RGB = (0, 0, 0)) -> Frame:
    """A frame filled with one colour."""
    frame = np.empty((height, width, 4), np.uint8)
    frame[:] = (*color, 255)
    return frame


def warp(src: Frame, matrix: npt.NDArray[np.float64], out: Frame, border: RGB | None) -> Frame:
    """Draw `src` through an affine map into `out`; `border` fills uncovered pixels (None: edge)."""
    height, width = out.shape[:2]
    if border is None:
        mode, value = cv2.BORDER_REPLICATE, (0, 0, 0, 255)
    else:
        mode, value = cv2.BORDER_CONSTANT, (*border, 255)
    cv2.warpAffine(
        src, matrix, (width, height), dst=out, flags=cv2.INTER_LINEAR,
        borderMode=mode, borderValue=value,
    )  # fmt: skip
    return out


def flatten(rgba: Frame, color: RGB) -> Frame:
    """An RGBA picture composed over a solid colour (fully opaque result)."""
    if rgba[..., 3].min() == 255:
        return rgba
    base = blank(rgba.shape[1], rgba.shape[0], color)
    sprite = make_sprite(rgba, 0, 0)
    draw_sprite(base, sprite)
    return base


@dataclass(frozen=True)
class Sprite:
    """A premultiplied RGBA picture placed at (x, y), ready to blend many times."""

    x: int
    y: int
    premul: Frame
    inv: Frame


def make_sprite(rgba: Frame, x: int, y: int, opacity: float = 1.0) -> Sprite:
    """Prepare an RGBA picture (straight alpha) for repeated blending."""
    alpha = rgba[..., 3:4].astype(np.float32) * (opacity / 255)
    premul = np.empty_like(rgba)
    premul[..., :3] = np.rint(rgba[..., :3] * alpha)
    premul[..., 3] = 0
    inv = np.rint(255 - 255 * alpha).astype(np.uint8)
    return Sprite(x, y, premul, np.ascontiguousarray(np.repeat(inv, 4, axis=2)))


def draw_sprite(frame: Frame, sprite: Sprite, fade: float = 1.0) -> None:
    """Blend a sprite into the frame in place, `fade` scaling its opacity."""
    height, width = frame.shape[:2]
    x0, y0 = max(0, sprite.x), max(0, sprite.y)
    x1 = min(width, sprite.x + sprite.premul.shape[1])
    y1 = min(height, sprite.y + sprite.premul.shape[0])
    if x0 >= x1 or y0 >= y1 or fade <= 0:
        return
    cut = (slice(y0 - sprite.y, y1 - sprite.y), slice(x0 - sprite.x, x1 - sprite.x))
    premul, inv = sprite.premul[cut], sprite.inv[cut]
    if fade < 1:
        premul = u8(cv2.convertScaleAbs(premul, alpha=fade))
        inv = u8(cv2.convertScaleAbs(inv, alpha=fade, beta=255 * (1 - fade)))
    region = frame[y0:y1, x0:x1]
    region[:] = cv2.add(cv2.multiply(region, inv, scale=1 / 255), premul)


def draw_opaque(frame: Frame, pixels: Frame, x: int, y: int, opacity: float) -> None:
    """Blend an opaque picture into the frame at (x, y) with an overall opacity."""
    height, width = frame.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + pixels.shape[1]), min(height, y + pixels.shape[0])
    if x0 >= x1 or y0 >= y1 or opacity <= 0:
        return
    region = frame[y0:y1, x0:x1]
    part = pixels[y0 - y : y1 - y, x0 - x : x1 - x]
    region[:] = cv2.addWeighted(region, 1 - opacity, part, opacity, 0)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def crossfade(old: Frame, new: Frame, t: float, out: Frame) -> Frame:
    """Dissolve from `old` to `new`."""
    cv2.addWeighted(old, 1 - t, new, t, 0, dst=out)
    return out


def fade_black(old: Frame, new: Frame, t: float, out: Frame) -> Frame:
    """Fade `old` out to black, then `new` in from black."""
    src, gain = (old, 1 - 2 * t) if t < 0.5 else (new, 2 * t - 1)
    cv2.convertScaleAbs(src, dst=out, alpha=gain)
    return out


def slide_left(old: Frame, new: Frame, t: float, out: Frame) -> Frame:
    """`new` slides in from the right, pushing `old` out to the left."""
    width = out.shape[1]
    shift = round(width * _ease(t))
    out[:, : width - shift] = old[:, shift:]
    out[:, width - shift :] = new[:, :shift]
    return out


def wipe_left(old: Frame, new: Frame, t: float, out: Frame) -> Frame:
    """An edge moving from right to left uncovers `new`."""
    edge = round(out.shape[1] * (1 - _ease(t)))
    out[:, :edge] = old[:, :edge]
    out[:, edge:] = new[:, edge:]
    return out


TRANSITIONS: dict[str, Transition] = {
    "crossfade": crossfade,
    "fade_black": fade_black,
    "slide_left": slide_left,
    "wipe_left": wipe_left,
}


def to_i420(frame: Frame, out: Frame) -> Frame:
    """Convert an RGBA frame to planar YUV 4:2:0 (BT.601, limited range) into `out`."""
    cv2.cvtColor(frame, cv2.COLOR_RGBA2YUV_I420, dst=out)
    return out
