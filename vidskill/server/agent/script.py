"""Script to video: scenes from sentences or paragraphs, caption cards and a spoken voiceover."""

from __future__ import annotations

import math
import re
from typing import Any

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import MAX_DURATION_MS, Draft, empty_draft
from vidskill.server.agent.layout import allocate
from vidskill.server.agent.model import AgentAsset
from vidskill.server.agent.replies import created, duration, say
from vidskill.server.agent.step import Context, Step, call
from vidskill.server.agent.workflows import Options

MAX_SCENES = 24
PALETTE = ("#1E3A5F", "#2E7D6B", "#8C3B5E", "#B5651D", "#3F51B5", "#455A64")
VOICE_PAD_MS = 500
VOICE_LEAD_MS = 250
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；…])")


def split_scenes(text: str, limit: int = MAX_SCENES) -> list[str]:
    """The script's scenes: its lines or paragraphs, else its sentences, at most `limit`."""
    lines = [line.strip() for line in re.split(r"\n+", text) if line.strip()]
    units = lines if len(lines) > 1 else [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    if len(units) <= limit:
        return units
    size = -(-len(units) // limit)
    glue = "" if is_chinese(text) else " "
    return [glue.join(units[i : i + size]) for i in range(0, len(units), size)]


def is_chinese(text: str) -> bool:
    """True when Han characters make up a good share of the text."""
    letters = [ch for ch in text if not ch.isspace()]
    return bool(letters) and len(_HAN.findall(text)) / len(letters) > 0.3


def reading_ms(text: str) -> int:
    """How long a caption card should stay to be read (or said) comfortably."""
    if is_chinese(text):
        return max(2000, round(len(_HAN.findall(text)) / 4.5 * 1000) + 1000)
    return max(2000, round(len(text.split()) / 2.5 * 1000) + 1000)


def create_script(create: ops.Create, opts: Options, ctx: Context) -> Step:
    """A video from a script in the message or an uploaded text file."""
    text = create.script or (ctx.media.scripts[-1].text if ctx.media.scripts else None)
    scenes = split_scenes(text or "")
    if not scenes:
        return Step(None, notes=(say("need_script", ctx.language),))
    voice_lang = "zh-CN" if is_chinese(" ".join(scenes)) else "en"
    calls = [call("split_script", {"chars": len(text or "")}, scenes=len(scenes))]
    voices, failed = _speak(scenes, voice_lang, ctx, calls) if create.voiceover else ([], False)
    spoken = [_voice_ms(v, s) for v, s in zip(voices, scenes, strict=False)]
    needs = (
        [max(ms + VOICE_PAD_MS, 2000) for ms in spoken]
        if voices
        else [reading_ms(s) for s in scenes]
    )
    while len(needs) > 1 and sum(needs) > MAX_DURATION_MS:
        scenes, needs, voices, spoken = scenes[:-1], needs[:-1], voices[:-1], spoken[:-1]
    total = min(opts.duration or sum(needs), MAX_DURATION_MS)
    shares = allocate(total, needs, lows=needs if voices else None)
    draft = _assemble(scenes, shares, voices, spoken, opts, ctx)
    calls.append(
        call(
            "create_draft",
            {"workflow": "script", "duration_ms": total},
            duration_ms=draft.d,
            scenes=len(scenes),
            tracks=len(draft.t),
        )
    )
    notes = [_summary(draft, scenes, voices, voice_lang, opts, ctx)]
    if failed:
        notes.append(say("voice_failed", ctx.language))
    if opts.duration and draft.d > opts.duration + 100:
        notes.append(say("duration_floor", ctx.language, duration=duration(draft.d, ctx.language)))
    return Step(draft, calls=tuple(calls), notes=tuple(notes))


def _speak(
    scenes: list[str], language: str, ctx: Context, calls: list[Any]
) -> tuple[list[AgentAsset], bool]:
    """One voiceover per scene through the toolbox; on a failure, none at all."""
    voices: list[AgentAsset] = []
    for scene in scenes:
        try:
            voice = ctx.toolbox.synthesize_voiceover(scene, language)
        except (
            Exception
        ) as exc:  # the speech tool is outside the planner: any failure means no voice
            calls.append(
                call("generate_voiceover", {"language": language}, ok=False, error=str(exc)[:200])
            )
            return [], True
        voices.append(voice)
        calls.append(
            call(
                "generate_voiceover",
                {"text": scene[:80], "language": language},
                asset_id=voice.id,
                duration_s=voice.duration,
            )
        )
    return voices, False


def _voice_ms(voice: AgentAsset, scene: str) -> int:
    if voice.duration and math.isfinite(voice.duration) and voice.duration > 0:
        return min(round(voice.duration * 1000), MAX_DURATION_MS // 2)
    return reading_ms(scene)


def _assemble(
    scenes: list[str],
    shares: list[int],
    voices: list[AgentAsset],
    spoken: list[int],
    opts: Options,
    ctx: Context,
) -> Draft:
    pictures = ctx.media.pictures
    draft = empty_draft(scenes[0][:40].strip() or say("title.script", ctx.language))
    metas: list[dict[str, Any]] = []
    for i in range(len(scenes)):
        transition = "none" if i == 0 else "crossfade"
        if pictures:
            picture = pictures[i % len(pictures)]
            metas.append(build.picture_meta(picture, build.DYNAMIC[i % 4], transition))
        else:
            metas.append(
                {
                    "name": f"Scene {i + 1}",
                    "kind": "color",
                    "color": PALETTE[i % len(PALETTE)],
                    "motion": "none",
                    "transition": transition,
                }
            )
    draft = build.with_main_track(draft, metas, shares)
    starts = [sum(shares[:i]) for i in range(len(shares))]
    draft = build.with_voice(
        draft,
        [(s + VOICE_LEAD_MS, ms, v) for s, ms, v in zip(starts, spoken, voices, strict=False)],
    )
    if opts.music:
        draft = build.with_music(draft, opts.mood or "calm", 20 if voices else build.MUSIC_VOLUME)
    cards = [(s, d, scene[:200]) for s, d, scene in zip(starts, shares, scenes, strict=True)]
    return build.with_captions(draft, cards, "bottom" if pictures else "center")


def _summary(
    draft: Draft,
    scenes: list[str],
    voices: list[AgentAsset],
    voice_lang: str,
    opts: Options,
    ctx: Context,
) -> str:
    lang = ctx.language
    parts = [say("part.scenes", lang, n=len(scenes))]
    parts.append(say("part.pictures" if ctx.media.pictures else "part.colors", lang))
    if voices:
        parts.append(
            say(
                "part.voice",
                lang,
                tongue=say("lang.zh" if voice_lang == "zh-CN" else "lang.en", lang),
            )
        )
    if opts.music:
        volume = 20 if voices else build.MUSIC_VOLUME
        parts.append(
            say("part.music", lang, mood=say(f"mood.{opts.mood or 'calm'}", lang), volume=volume)
        )
    return created(draft.d, "script", parts, lang)
