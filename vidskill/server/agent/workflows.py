"""The photo workflows: product showcase, slideshow, promo with a voiceover, animated photos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import MAX_DURATION_MS, Draft, empty_draft
from vidskill.server.agent.layout import allocate
from vidskill.server.agent.media import is_portrait, product_name
from vidskill.server.agent.model import AgentAsset
from vidskill.server.agent.replies import created, duration, say
from vidskill.server.agent.step import Context, Step, call


@dataclass(frozen=True)
class Options:
    """What a create message set besides the workflow: length, music and captions."""

    duration: int | None = None
    per_item: int | None = None
    music: bool | None = None
    mood: str | None = None
    captions: bool | None = None


def take_options(edits: tuple[ops.Edit, ...]) -> tuple[Options, tuple[ops.Edit, ...]]:
    """The create options the edits carry, and the edits left to apply after the create."""
    found: dict[str, Any] = {}
    rest: list[ops.Edit] = []
    for edit in edits:
        if isinstance(edit, ops.Duration) and edit.mode in ("set", "per"):
            found["duration" if edit.mode == "set" else "per_item"] = round(edit.value)
        elif isinstance(edit, ops.AddMusic):
            found.update(music=True, mood=edit.mood or found.get("mood"))
        elif isinstance(edit, ops.RemoveMusic):
            found["music"] = False
        elif isinstance(edit, ops.AutoCaptions | ops.RemoveCaptions):
            found["captions"] = isinstance(edit, ops.AutoCaptions)
        else:
            rest.append(edit)
    return Options(**found), tuple(rest)


@dataclass(frozen=True)
class Plan:
    """A photo video to assemble."""

    workflow: ops.Workflow
    pictures: tuple[AgentAsset, ...]
    total: int
    motions: tuple[str, ...]
    transition_ms: int = 500
    logo: AgentAsset | None = None
    music: str | AgentAsset | None = None
    music_volume: int = build.MUSIC_VOLUME
    voice: AgentAsset | None = None
    title: str | None = None
    captions: bool = False
    aspect: str = "16:9"


def create_photos(create: ops.Create, opts: Options, ctx: Context) -> Step:
    """A product showcase, slideshow, promo or animated video from the uploaded pictures."""
    media = ctx.media
    pictures = media.photos if create.workflow == "product" else media.pictures
    if not pictures:
        return Step(None, notes=(say("need_media", ctx.language),))
    plan = {"product": _product, "promo": _promo, "animated": _animated}.get(
        create.workflow, _slideshow
    )(pictures, opts, ctx)
    draft = assemble(plan, ctx.language)
    args = {"workflow": plan.workflow, "duration_ms": plan.total, "aspect": plan.aspect}
    made = call(
        "create_draft",
        args,
        duration_ms=draft.d,
        tracks=len(draft.t),
        segments=sum(len(t.sg) for t in draft.t),
    )
    said = created(draft.d, plan.workflow, _parts(plan, draft, ctx), ctx.language)
    return Step(draft, calls=(made,), notes=(said,))


def _length(opts: Options, count: int, each: int, fallback: int | None = None) -> int:
    total = (
        opts.duration
        or (opts.per_item * count if opts.per_item else None)
        or fallback
        or each * count
    )
    return max(min(total, MAX_DURATION_MS), 1000)


def _mood(opts: Options, default: str) -> str | None:
    return None if opts.music is False else opts.mood or default


def _music(opts: Options, ctx: Context, default: str) -> str | AgentAsset | None:
    if opts.music is False:
        return None
    return ctx.media.audio[0] if ctx.media.audio and not opts.mood else _mood(opts, default)


def _product(pictures: tuple[AgentAsset, ...], opts: Options, ctx: Context) -> Plan:
    total = _length(opts, len(pictures), 3000, max(30000, len(pictures) * 3000))
    name = product_name(pictures) or say("title.product", ctx.language)
    return Plan(
        "product",
        pictures,
        total,
        build.DYNAMIC,
        logo=ctx.media.logo,
        music=_music(opts, ctx, "upbeat"),
        title=name,
        captions=opts.captions is not False,
    )


def _slideshow(pictures: tuple[AgentAsset, ...], opts: Options, ctx: Context) -> Plan:
    total = _length(opts, len(pictures), 4000)
    return Plan(
        "slideshow",
        pictures,
        total,
        ("none",),
        music=_music(opts, ctx, "calm"),
        captions=bool(opts.captions),
    )


def _animated(pictures: tuple[AgentAsset, ...], opts: Options, ctx: Context) -> Plan:
    single = len(pictures) == 1
    total = _length(opts, len(pictures), 5000, 8000 if single else None)
    aspect = "9:16" if single and is_portrait(pictures[0]) else "16:9"
    return Plan(
        "animated",
        pictures,
        total,
        ("zoom_in",) if single else build.SMOOTH,
        transition_ms=1000,
        music=_music(opts, ctx, "cinematic"),
        captions=bool(opts.captions),
        aspect=aspect,
    )


def _promo(pictures: tuple[AgentAsset, ...], opts: Options, ctx: Context) -> Plan:
    voice = ctx.media.audio[0] if ctx.media.audio else None
    spoken = round(voice.duration * 1000) // 100 * 100 if voice and voice.duration else None
    total = _length(opts, len(pictures), 5000, spoken or 30000)
    music: str | AgentAsset | None = _mood(opts, "upbeat") if voice is None or opts.music else None
    title = product_name(pictures) or say("title.promo", ctx.language)
    return Plan(
        "promo",
        pictures,
        total,
        build.DYNAMIC,
        music=music,
        voice=voice,
        music_volume=20 if voice else build.MUSIC_VOLUME,
        title=title,
        captions=opts.captions is not False,
    )


def assemble(plan: Plan, language: str) -> Draft:
    """The draft a plan describes."""
    draft = empty_draft(plan.title or say(f"title.{plan.workflow}", language), plan.aspect)
    card = min(max(plan.total // 5, 2000), 6000) if plan.logo and plan.total >= 4000 else 0
    count = len(plan.pictures)
    shares = allocate(plan.total - card, [1.0] * count, highs=[_clip_ms(a) for a in plan.pictures])
    metas = [
        build.picture_meta(
            a,
            plan.motions[i % len(plan.motions)],
            "none" if i == 0 else "crossfade",
            **({"transition_ms": plan.transition_ms} if i and plan.transition_ms != 500 else {}),
        )
        for i, a in enumerate(plan.pictures)
    ]
    if card and plan.logo is not None:
        metas.append(build.logo_card_meta(plan.logo))
        shares.append(card)
    draft = build.with_main_track(draft, metas, shares)
    return _dress(draft, plan, language, shares[:count])


def _clip_ms(asset: AgentAsset) -> int | None:
    """How long a video clip can play (None for a still picture)."""
    if asset.file_type != "video" or not asset.duration:
        return None
    return max(100, int(asset.duration * 1000))


def _dress(draft: Draft, plan: Plan, language: str, shares: list[int]) -> Draft:
    if plan.voice is not None:
        spoken = round((plan.voice.duration or 0) * 1000) or draft.d
        draft = build.with_voice(draft, [(0, min(spoken, draft.d), plan.voice)])
    if plan.music is not None:
        draft = build.with_music(draft, plan.music, plan.music_volume)
    if plan.title:
        draft = build.with_title(draft, plan.title)
    if plan.captions:
        prefix = plan.title if plan.workflow in ("product", "promo") else None
        starts = [sum(shares[:i]) for i in range(len(shares))]
        texts = [
            (s, d, build.caption_text(a.filename, i, language, prefix, plan.workflow))
            for i, (s, d, a) in enumerate(zip(starts, shares, plan.pictures, strict=True))
        ]
        draft = build.with_captions(draft, texts)
    return draft


def _parts(plan: Plan, draft: Draft, ctx: Context) -> list[str]:
    """What the new video holds, phrase by phrase, for the reply."""
    lang = ctx.language
    parts = _picture_parts(plan, draft, lang) + _sound_parts(plan, draft, lang)
    parts += [say("part.title", lang, text=plan.title)] if plan.title else []
    parts += [say("part.captions", lang)] if plan.captions else []
    return parts


def _picture_parts(plan: Plan, draft: Draft, lang: str) -> list[str]:
    images = sum(1 for a in plan.pictures if a.file_type == "image")
    clips = len(plan.pictures) - images
    parts = [say("part.photo", lang) if images == 1 else say("part.photos", lang, n=images)]
    parts = (parts if images else []) + ([say("part.clips", lang, n=clips)] if clips else [])
    motion = _MOTION_PARTS.get(plan.workflow)
    if plan.workflow == "animated" and len(plan.pictures) == 1:
        motion = "part.gentle"
    parts += [say(motion, lang)] if motion else []
    parts += [say("part.crossfades", lang)] if len(plan.pictures) > 1 else []
    has_card = draft.main is not None and len(draft.main.sg) > len(plan.pictures)
    return parts + ([say("part.logo", lang)] if has_card else [])


_MOTION_PARTS = {"product": "part.motion", "promo": "part.motion", "animated": "part.smooth"}


def _sound_parts(plan: Plan, draft: Draft, lang: str) -> list[str]:
    parts = []
    if plan.voice is not None:
        key = (
            "part.voice_cut" if (plan.voice.duration or 0) * 1000 > draft.d else "part.voice_asset"
        )
        parts.append(say(key, lang, name=plan.voice.filename, duration=duration(draft.d, lang)))
    if isinstance(plan.music, AgentAsset):
        parts.append(say("part.own_music", lang, name=plan.music.filename))
    elif plan.music is not None:
        mood = say(f"mood.{plan.music}", lang)
        parts.append(say("part.music", lang, mood=mood, volume=plan.music_volume))
    return parts
