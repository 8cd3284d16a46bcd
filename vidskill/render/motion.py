"""Ken Burns geometry: where a picture sits in the frame at each moment, as an affine map.

Positions are real numbers, never rounded to whole pixels, and the warp samples between pixels,
so slow zooms and pans glide instead of stepping. The zoom and the pan distance grow with the
segment's length up to a cap, so short segments do not rush and long ones do not drift far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_ZOOM = 0.15
ZOOM_PER_S = 0.035
PAN_ZOOM = 0.10
PAN_PER_S = 0.04
CONTAIN_PAN = 0.10

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Move:
    """Zoom factor and offset (output pixels) at the start and at the end of a segment."""

    zoom: tuple[float, float] = (1.0, 1.0)
    dx: tuple[float, float] = (0.0, 0.0)
    dy: tuple[float, float] = (0.0, 0.0)

    @property
    def still(self) -> bool:
        """True when the picture does not move."""
        return (
            self.zoom[0] == self.zoom[1] and self.dx[0] == self.dx[1] and self.dy[0] == self.dy[1]
        )

    @property
    def max_zoom(self) -> float:
        """The largest zoom reached."""
        return max(self.zoom)


def fit_scale(src: tuple[int, int], out: tuple[int, int], fit: str) -> float:
    """The scale that fills (cover) or fits inside (contain) the frame."""
    ratios = (out[0] / src[0], out[1] / src[1])
    return max(ratios) if fit == "cover" else min(ratios)


def plan_move(
    motion: str, src: tuple[int, int], out: tuple[int, int], fit: str, seconds: float
) -> Move:
    """The move for a motion name over a segment shown for `seconds`.

    Pans name the way the picture travels: with "pan_left" the picture moves to the left (the
    view drifts towards its right side).
    """
    if motion in ("zoom_in", "zoom_out"):
        amount = 1 + min(MAX_ZOOM, ZOOM_PER_S * seconds)
        return Move(zoom=(1.0, amount) if motion == "zoom_in" else (amount, 1.0))
    if not motion.startswith("pan_"):
        return Move()
    zoom = 1 + PAN_ZOOM if fit == "cover" else 1.0
    axis = 0 if motion in ("pan_left", "pan_right") else 1
    scaled = src[axis] * fit_scale(src, out, fit) * zoom
    room = (scaled - out[axis]) if fit == "cover" else CONTAIN_PAN * out[axis]
    half = min(room, PAN_PER_S * seconds * out[axis]) / 2
    ends = (half, -half) if motion in ("pan_left", "pan_up") else (-half, half)
    return Move(
        zoom=(zoom, zoom), dx=ends if axis == 0 else (0.0, 0.0), dy=ends if axis else (0.0, 0.0)
    )


def prescale(src: tuple[int, int], out: tuple[int, int], fit: str, move: Move) -> float:
    """How much to shrink a source once so that the largest zoom maps it about 1:1."""
    return min(1.0, fit_scale(src, out, fit) * move.max_zoom)


def affine(src: tuple[int, int], out: tuple[int, int], fit: str, move: Move, p: float) -> Matrix:
    """The 2x3 map from source pixels to frame pixels at progress `p` (0 to 1)."""
    zoom = move.zoom[0] + (move.zoom[1] - move.zoom[0]) * p
    dx = move.dx[0] + (move.dx[1] - move.dx[0]) * p
    dy = move.dy[0] + (move.dy[1] - move.dy[0]) * p
    s = fit_scale(src, out, fit) * zoom
    # Pixel centres sit at integer coordinates: map centre to centre.
    tx = s * (0.5 - src[0] / 2) + out[0] / 2 + dx - 0.5
    ty = s * (0.5 - src[1] / 2) + out[1] / 2 + dy - 0.5
    return np.array([[s, 0.0, tx], [0.0, s, ty]])
