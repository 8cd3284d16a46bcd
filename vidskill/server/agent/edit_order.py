"""Edits of the picture sequence: order, removal, and the logo as end card or corner overlay."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from vidskill.server.agent import ops
from vidskill.server.agent.build import logo_card_meta, picture_meta
from vidskill.server.agent.draft import (
    VIDEO,
    Draft,
    Seg,
    Track,
    drop_tracks,
    new_seg_ids,
    new_track,
    put_track,
)
from vidskill.server.agent.layout import allocate, rearrange
from vidskill.server.agent.media import is_logo_name
from vidskill.server.agent.model import AgentAsset
from vidskill.server.agent.replies import say
from vidskill.server.agent.step import Context, Step, call, refused


def is_card(seg: Seg) -> bool:
    """True for a logo end card (a logo shown whole)."""
    return seg.m.get("fit") == "contain" and is_logo_name(str(seg.m.get("name", "")))


def end_card(draft: Draft) -> Seg | None:
    """The logo end card closing the main sequence, if there is one."""
    main = draft.main
    if main is None or len(main.sg) < 2 or not is_card(main.sg[-1]):
        return None
    return main.sg[-1]


def pictures(draft: Draft) -> list[Seg]:
    """The main sequence's pictures, the logo end card left out."""
    main = draft.main
    card = end_card(draft)
    return [seg for seg in (main.sg if main else ()) if seg is not card]


def _position(index: int, count: int) -> int | None:
    """A 0-based position from a 1-based one (-1 = last), None when out of range."""
    if index == -1:
        return count - 1
    return index - 1 if 1 <= index <= count else None


def _first_plain(items: list[Seg]) -> list[Seg]:
    """The pictures with no transition into the first and the usual one into every other."""
    kinds = Counter(
        str(s.m.get("transition")) for s in items[1:] if s.m.get("transition", "none") != "none"
    )
    usual = kinds.most_common(1)[0][0] if kinds else "none"
    return [
        seg.meta(transition="none")
        if i == 0 and seg.m.get("transition", "none") != "none"
        else seg.meta(transition=usual)
        if i > 0 and seg.m.get("transition", "none") == "none" and usual != "none"
        else seg
        for i, seg in enumerate(items)
    ]


def _resized(items: list[Seg], total: int) -> list[Seg]:
    """The pictures stretched or squeezed in proportion to fill `total` ms."""
    shares = allocate(total, [seg.d for seg in items])
    return [replace(seg, d=ms) for seg, ms in zip(items, shares, strict=True)]


def reorder(
    edit: ops.Move | ops.Swap | ops.Reverse | ops.RemoveItem, draft: Draft, ctx: Context
) -> Step:
    """Move, swap, reverse or remove pictures; captions and voices move with their picture."""
    items, lang = pictures(draft), ctx.language
    if not items:
        return refused(draft, "reorder", {}, say("no_pictures", lang))
    wanted = _indexes(edit)
    spots = [_position(i, len(items)) for i in wanted]
    bad = next((w for w, s in zip(wanted, spots, strict=True) if s is None), None)
    if bad is not None:
        return refused(
            draft, "reorder", {"index": bad}, say("bad_index", lang, n=len(items), i=bad)
        )
    if isinstance(edit, ops.RemoveItem) and len(items) == 1:
        return refused(draft, "reorder", {"op": "remove"}, say("keep_one", lang))
    order, said = _rearranged(edit, list(items), [s for s in spots if s is not None], lang)
    sources = [str(s.m.get("src", s.id)) for s in order]
    record = call("reorder", {"op": type(edit).__name__.lower()}, order=sources)
    if [s.id for s in order] == [s.id for s in items]:
        return Step(draft, (record,))
    card = end_card(draft)
    if isinstance(edit, ops.RemoveItem):
        order = _resized(order, sum(s.d for s in items))
    out = rearrange(draft, [*_first_plain(order), *([card] if card else [])])
    return Step(out, (record,), (said,))


def _indexes(edit: ops.Edit) -> list[int]:
    if isinstance(edit, ops.Swap):
        return [edit.first, edit.second]
    if isinstance(edit, ops.Move):
        return [edit.item, edit.to]
    return [edit.item] if isinstance(edit, ops.RemoveItem) else []


def _rearranged(
    edit: ops.Edit, order: list[Seg], spots: list[int], lang: str
) -> tuple[list[Seg], str]:
    if isinstance(edit, ops.Swap):
        a, b = spots
        order[a], order[b] = order[b], order[a]
        return order, say("swapped", lang, a=a + 1, b=b + 1)
    if isinstance(edit, ops.Move):
        src, dst = spots
        order.insert(dst, order.pop(src))
        return order, say("moved", lang, a=src + 1, b=dst + 1)
    if isinstance(edit, ops.RemoveItem):
        order.pop(spots[0])
        return order, say("removed_item", lang, a=spots[0] + 1)
    return order[::-1], say("reversed", lang)


def _overlays(draft: Draft) -> list[Track]:
    main = draft.main
    return [
        t
        for t in draft.t
        if t.tt == VIDEO
        and t is not main
        and any(is_logo_name(str(s.m.get("name", ""))) for s in t.sg)
    ]


def _logo_asset(draft: Draft, ctx: Context) -> AgentAsset | None:
    if ctx.media.logo is not None:
        return ctx.media.logo
    used = [
        str(seg.m.get("src"))
        for t in draft.t
        if t.tt == VIDEO
        for seg in t.sg
        if is_logo_name(str(seg.m.get("name", "")))
    ]
    return next((ctx.assets[src] for src in used if src in ctx.assets), None)


def logo(edit: ops.Logo, draft: Draft, ctx: Context) -> Step:
    """Put the logo at the end or in a corner, or take it away."""
    lang, asset = ctx.language, _logo_asset(draft, ctx)
    args = {"place": edit.place, "corner": edit.corner}
    if asset is None and edit.place != "remove":
        return refused(draft, "set_logo", args, say("no_logo", lang))
    record = call("set_logo", args)
    card, overlays = end_card(draft), _overlays(draft)
    if edit.place == "end" and card is not None and not overlays:
        return Step(draft, (record,))
    bare = _without_logo(draft)
    if edit.place == "remove" or asset is None:
        return Step(bare, (record,), (say("logo_removed", lang),) if bare != draft else ())
    if not pictures(bare):
        return refused(draft, "set_logo", args, say("no_pictures", lang))
    if edit.place == "end":
        return Step(_with_card(bare, asset, draft.d), (record,), (say("logo_end", lang),))
    if card is None and _same_overlay(overlays, edit.corner):
        return Step(draft, (record,))
    corner = say(f"corner.{edit.corner}", lang)
    return Step(
        _with_corner(bare, asset, edit.corner),
        (record,),
        (say("logo_corner", lang, corner=corner),),
    )


def _without_logo(draft: Draft) -> Draft:
    """The draft with no logo overlay and no end card, the pictures filling the time."""
    bare = drop_tracks(draft, (t.id for t in _overlays(draft)))
    if end_card(draft) is None:
        return bare
    return rearrange(bare, _first_plain(_resized(pictures(bare), draft.d)))


def _with_corner(draft: Draft, asset: AgentAsset, corner: str) -> Draft:
    """The draft with the logo over the whole video in a corner."""
    meta = {
        "src": asset.id,
        "name": "Logo",
        "kind": "image",
        "fit": "contain",
        "position": corner,
        "scale": 0.15,
        "opacity": 1.0,
    }
    return put_track(draft, new_track(draft, VIDEO, "Logo", [{"s": 0, "d": draft.d, "m": meta}]))


def _same_overlay(overlays: list[Track], corner: str) -> bool:
    return len(overlays) == 1 and all(s.m.get("position") == corner for s in overlays[0].sg)


def _with_card(draft: Draft, asset: AgentAsset, total: int) -> Draft:
    """The draft with a logo end card, the pictures shortened to make room."""
    items = pictures(draft)
    card = min(max(total // 5, 2000), 6000)
    if total - card < len(items) * 500:
        card = max(total - len(items) * 500, 500)
    main = draft.main
    assert main is not None  # callers check there are pictures
    used = {seg.id for t in draft.t for seg in t.sg}
    card_id = next(
        f"{main.id}s{n}" for n in range(1, len(used) + 2) if f"{main.id}s{n}" not in used
    )
    resized = _resized(items, total - card)
    return rearrange(draft, [*resized, Seg(card_id, 0, card, logo_card_meta(asset))])


def place_uploads(edit: ops.PlaceUploads, draft: Draft, ctx: Context) -> Step:
    """Add the uploaded pictures the video does not show yet after the last picture."""
    items, main, lang = pictures(draft), draft.main, ctx.language
    used = {str(seg.m.get("src")) for seg in items}
    fresh = [asset for asset in ctx.media.photos if asset.id not in used]
    record = call("place_uploads", {}, added=[asset.id for asset in fresh])
    if not fresh or main is None or not items:
        return Step(draft, (record,), notes=(say("uploads_in", lang),))
    length = sum(seg.d for seg in items) // len(items)
    ids = new_seg_ids(draft, main.id, len(fresh))
    added = [
        Seg(sid, 0, length, picture_meta(asset, "none", "none"))
        for sid, asset in zip(ids, fresh, strict=True)
    ]
    card = end_card(draft)
    order = _first_plain([*items, *added])
    total = draft.d + length * len(added)
    out = rearrange(draft, [*order, *([card] if card else [])], total / draft.d if draft.d else 1.0)
    return Step(out, (record,), (say("uploads_added", lang, n=len(added)),))
