"""Time layout: sharing a duration among segments and keeping captions and voices on their
pictures when the main sequence is reordered or retimed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from vidskill.server.agent.draft import AUDIO, TEXT, Draft, Seg, Track, with_main

MIN_SEG_MS = 100


def allocate(
    total: int,
    weights: Sequence[float],
    lows: Sequence[int] | None = None,
    highs: Sequence[int | None] | None = None,
) -> list[int]:
    """Share `total` ms in proportion to `weights`, each share within its bounds.

    Shares are whole multiples of 100 ms when `total` is; when the bounds cannot all be met the
    sum differs from `total` (every share at its low, or every share at its high).
    """
    count = len(weights)
    unit = 100 if total % 100 == 0 else 1
    lo = [max(MIN_SEG_MS, -(-x // unit) * unit) for x in (lows or [0] * count)]
    hi = [
        None if x is None else max(lo[i], x // unit * unit)
        for i, x in enumerate(highs or [None] * count)
    ]
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(count) if i not in fixed]
        rest = total - sum(fixed.values())
        shares = _proportional(rest, [max(weights[i], 1e-9) for i in free], unit)
        bounded = {i: _bound(share, lo[i], hi[i]) for i, share in zip(free, shares, strict=True)}
        breaks = {i: bound for i, bound in bounded.items() if bound is not None}
        if not breaks or not free:
            out = dict(zip(free, shares, strict=True)) | fixed
            return [out[i] for i in range(count)]
        fixed.update(breaks)


def _bound(share: int, low: int, high: int | None) -> int | None:
    """The bound a share breaks, None when it is within them."""
    if share < low:
        return low
    return high if high is not None and share > high else None


def _proportional(total: int, weights: list[float], unit: int) -> list[int]:
    """Largest-remainder shares of `total` in `unit` steps (the last one takes any odd ms)."""
    if not weights:
        return []
    units = max(total, 0) // unit
    whole = sum(weights)
    exact = [units * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: units - sum(shares)]:
        shares[i] += 1
    out = [share * unit for share in shares]
    out[-1] += max(total, 0) - units * unit
    return out


def attachments(draft: Draft) -> dict[str, tuple[str, int]]:
    """Segments that belong to one picture: captions inside it and voices starting in it.

    Maps the segment id to (main segment id, offset in ms); titles and music stay put.
    """
    main = draft.main
    if main is None:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for track in draft.t:
        for seg in track.sg if track is not main else ():
            host = next((m for m in main.sg if m.s <= seg.s < m.end), None)
            if host is not None and _follows(track, seg, host):
                out[seg.id] = (host.id, seg.s - host.s)
    return out


def _follows(track: Track, seg: Seg, host: Seg) -> bool:
    if track.tt == TEXT:
        return seg.m.get("style", "title") != "title" and seg.end <= host.end
    return track.tt == AUDIO and seg.m.get("role") == "voiceover" and seg.end <= host.end


def rearrange(draft: Draft, pictures: Sequence[Seg], ratio: float = 1.0) -> Draft:
    """The draft with its main track set to `pictures` (new order and durations), attached
    segments moved along with their picture and every other segment scaled by `ratio`."""
    old_main = draft.main
    if old_main is None:
        return draft
    links = attachments(draft)
    before = {seg.id: seg for seg in old_main.sg}
    out = with_main(draft, pictures)
    new_main = out.main
    assert new_main is not None
    after = {seg.id: seg for seg in new_main.sg}
    total = new_main.end if new_main.sg else round(draft.d * ratio)
    tracks = []
    for track in out.t:
        if track is new_main:
            tracks.append(track)
            continue
        moved = (_move(seg, links.get(seg.id), before, after, ratio, track.tt) for seg in track.sg)
        kept = tuple(_clipped(seg, total) for seg in moved if seg is not None)
        tracks.append(replace(track, sg=tuple(seg for seg in kept if seg is not None)))
    return replace(out, t=tuple(tracks))


def _move(
    seg: Seg,
    link: tuple[str, int] | None,
    before: dict[str, Seg],
    after: dict[str, Seg],
    ratio: float,
    tt: int,
) -> Seg | None:
    if link is None:
        return _scaled(seg, ratio, tt)
    host_id, offset = link
    if host_id not in after:
        return None  # its picture was removed
    old, new = before[host_id], after[host_id]
    factor = new.d / old.d
    start = new.s + round(offset * factor)
    if tt == AUDIO:  # speech keeps its pace; it is cut at its picture's end
        return replace(seg, s=start, d=min(seg.d, new.end - start))
    return replace(seg, s=start, d=max(1, round(seg.d * factor)))


def _scaled(seg: Seg, ratio: float, tt: int) -> Seg:
    if ratio == 1.0:
        return seg
    start = round(seg.s * ratio)
    if tt == TEXT and seg.m.get("style") == "title":
        return replace(seg, s=start)
    if tt == AUDIO and seg.m.get("role") in ("voiceover", "clip"):
        return replace(seg, s=start)  # a recording is cut, never stretched
    return replace(seg, s=start, d=max(1, round(seg.end * ratio) - start))


def _clipped(seg: Seg, total: int) -> Seg | None:
    if seg.s >= total or seg.d <= 0:
        return None
    return replace(seg, d=min(seg.d, total - seg.s))
