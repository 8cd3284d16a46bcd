"""The draft/timeline model: typed values, the summary users see, changes, and a drawing.

The parts live in `timeline_model` (values and the tolerant reader), `timeline_text` (labels and
the one-line summary), `timeline_diff` (what changed) and `timeline_draw` (the terminal drawing);
this module is the one to import.
"""

from __future__ import annotations

from vidskill.timeline_diff import diff
from vidskill.timeline_draw import draw
from vidskill.timeline_model import Draft, Segment, Track, TrackKind, find_draft, parse_draft
from vidskill.timeline_text import describe, seconds, summary, track_labels

__all__ = [
    "Draft",
    "Segment",
    "Track",
    "TrackKind",
    "describe",
    "diff",
    "draw",
    "find_draft",
    "parse_draft",
    "seconds",
    "summary",
    "track_labels",
]
