"""Edits of the words on screen: the title and the captions."""

from __future__ import annotations

from dataclasses import replace

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import (
    TEXT,
    Draft,
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
    titles = text_segments(draft, "title")
    text = (
        edit.text or str(draft.m.get("title") or "").strip() or say("title.slideshow", ctx.language)
    )
    record = call("set_text", {"style": "title", "text": text})
    if edit.text is None and titles:
        return Step(draft, (record,))
    if (
        titles
        and all(seg.m.get("text") == text for _, seg in titles)
        and draft.m.get("title") == text
    ):
        return Step(draft, (record,))
    out = replace(draft, m={**draft.m, "title": text})
    if titles:
        for track, seg in titles:
            current = next(t for t in out.t if t.id == track.id)
            segs = tuple(s.meta(text=text) if s.id == seg.id else s for s in current.sg)
            out = put_track(out, replace(current, sg=segs))
    else:
        out = build.with_title(out, text)
    return Step(out, (record,), (say("title_set", ctx.language, text=text),))


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
    meta = {"text": edit.text, "style": "caption", "position": "top" if taken else "bottom"}
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
