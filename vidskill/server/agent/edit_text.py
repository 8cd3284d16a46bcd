"""Edits of the words on screen: the title and the captions."""

from __future__ import annotations

from dataclasses import replace

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import (
    SHOWN_TEXT,
    TEXT,
    Draft,
    Seg,
    new_track,
    put_track,
    text_segments,
    without_segments,
)
from vidskill.server.agent.edit_order import pictures
from vidskill.server.agent.replies import say
from vidskill.server.agent.step import Context, Step, call


def set_title(edit: ops.SetTitle, draft: Draft, ctx: Context) -> Step:
    """Change the title text, adding a title when there is none."""
    titles = {seg.id for _, seg in text_segments(draft, "title")}
    named = str(draft.m.get("title") or "").strip() or say("title.slideshow", ctx.language)
    text = (edit.text or named)[:SHOWN_TEXT]
    record = call("set_text", {"style": "title", "text": text})
    out = replace(draft, m={**draft.m, "title": text})
    if not titles:
        out = build.with_title(out, text)
    elif edit.text is not None:
        tracks = (replace(t, sg=tuple(_retitled(seg, titles, text) for seg in t.sg)) for t in out.t)
        out = replace(out, t=tuple(tracks))
    if out == draft or (edit.text is None and titles):
        return Step(draft, (record,))
    return Step(out, (record,), (say("title_set", ctx.language, text=text),))


def _retitled(seg: Seg, titles: set[str], text: str) -> Seg:
    return seg.meta(text=text) if seg.id in titles else seg


def remove_title(edit: ops.RemoveTitle, draft: Draft, ctx: Context) -> Step:
    """Remove the title."""
    found = [seg.id for _, seg in text_segments(draft, "title")]
    record = call("remove_text", {"style": "title"}, removed=len(found))
    if not found:
        return Step(draft, (record,))
    return Step(without_segments(draft, found), (record,), (say("title_removed", ctx.language),))


def _captions(draft: Draft) -> list[str]:
    return [
        seg.id for style in ("caption", "lower_third") for _, seg in text_segments(draft, style)
    ]


def add_caption(edit: ops.AddCaption, draft: Draft, ctx: Context) -> Step:
    """Add one caption over the whole video, above any per-picture captions."""
    if draft.d <= 0:
        return Step(draft, (call("add_text", {"style": "caption"}, ok=False),))
    taken = any(
        seg.m.get("position", "bottom") == "bottom" for _, seg in text_segments(draft, "caption")
    )
    text = edit.text[:SHOWN_TEXT]
    meta = {"text": text, "style": "caption", "position": "top" if taken else "bottom"}
    track = new_track(draft, TEXT, "Caption", [{"s": 0, "d": draft.d, "m": meta}])
    record = call("add_text", {"style": "caption", "text": edit.text})
    return Step(
        put_track(draft, track), (record,), (say("caption_added", ctx.language, text=edit.text),)
    )


def auto_captions(edit: ops.AutoCaptions, draft: Draft, ctx: Context) -> Step:
    """Add a caption to each picture, from its name, unless there are captions already."""
    items = pictures(draft)
    record = call("add_captions", {"pictures": len(items)})
    if _captions(draft) or not items:
        return Step(draft, (record,))
    title = str(draft.m.get("title") or "") or None
    texts = [
        (seg.s, seg.d, build.caption_text(str(seg.m.get("name", "")), i, ctx.language, title))
        for i, seg in enumerate(items)
    ]
    return Step(
        build.with_captions(draft, texts), (record,), (say("captions_added", ctx.language),)
    )


def remove_captions(edit: ops.RemoveCaptions, draft: Draft, ctx: Context) -> Step:
    """Remove every caption."""
    found = _captions(draft)
    record = call("remove_text", {"style": "caption"}, removed=len(found))
    if not found:
        return Step(draft, (record,))
    return Step(without_segments(draft, found), (record,), (say("captions_removed", ctx.language),))
