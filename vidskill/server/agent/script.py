"""Script to video: scenes from sentences or paragraphs, caption cards and a spoken voiceover."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import MAX_DURATION_MS, Draft, empty_draft
from vidskill.server.agent.layout import allocate
from vidskill.server.agent.model import AgentAsset, ToolCall
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


@dataclass(frozen=True)
class Scenes:
    """The scenes of a script video with their voices and lengths in ms."""

    texts: list[str]
    voices: list[AgentAsset]
    spoken: list[int]
    shares: list[int]


def create_script(create: ops.Create, opts: Options, ctx: Context) -> Step:
    """A video from a script in the message or an uploaded text file."""
    text = create.script or (ctx.media.scripts[-1].text if ctx.media.scripts else None) or ""
    texts = split_scenes(text)
    if not texts:
        return Step(None, notes=(say("need_script", ctx.language),))
    voice_lang = "zh-CN" if is_chinese(text) else "en"
    calls = [call("split_script", {"chars": len(text)}, scenes=len(texts))]
    voices, failed = _speak(texts, voice_lang, ctx, calls) if create.voiceover else ([], False)
    scenes = _timed(texts, voices, opts)
    draft = _assemble(scenes, opts, ctx)
    args = {"workflow": "script", "duration_ms": sum(scenes.shares)}
    calls.append(call("create_draft", args, duration_ms=draft.d, scenes=len(scenes.texts)))
    notes = [_summary(draft, scenes, voice_lang, opts, ctx.language, bool(ctx.media.pictures))]
    if failed:
        notes.append(say("voice_failed", ctx.language))
    if opts.duration and draft.d > opts.duration + 100:
        notes.append(say("duration_floor", ctx.language, duration=duration(draft.d, ctx.language)))
    return Step(draft, calls=tuple(calls), notes=tuple(notes))


def _timed(texts: list[str], voices: list[AgentAsset], opts: Options) -> Scenes:
    """Scene lengths: each long enough for its voice (or to be read), fitted to the asked length."""
    spoken = [_voice_ms(v, s) for v, s in zip(voices, texts, strict=False)]
    needs = (
        [max(ms + VOICE_PAD_MS, 2000) for ms in spoken]
        if voices
        else [reading_ms(s) for s in texts]
    )
    while len(needs) > 1 and sum(needs) > MAX_DURATION_MS:
        texts, needs, voices, spoken = texts[:-1], needs[:-1], voices[:-1], spoken[:-1]
    total = min(opts.duration or sum(needs), MAX_DURATION_MS)
    return Scenes(texts, voices, spoken, allocate(total, needs, lows=needs if voices else None))


def _speak(
    scenes: list[str], language: str, ctx: Context, calls: list[ToolCall]
) -> tuple[list[AgentAsset], bool]:
    """One voiceover per scene through the toolbox; on a failure, none at all."""
    voices: list[AgentAsset] = []
    for scene in scenes:
        args = {"text": scene[:80], "language": language}
        try:
            voice = ctx.toolbox.synthesize_voiceover(scene, language)
        # The speech tool lies outside the planner: whatever it raises means no voice.
        except Exception as exc:
            calls.append(call("generate_voiceover", args, ok=False, error=str(exc)[:200]))
            return [], True
        voices.append(voice)
        response = {"asset_id": voice.id, "duration_s": voice.duration}
        calls.append(call("generate_voiceover", args, **response))
    return voices, False


def _voice_ms(voice: AgentAsset, scene: str) -> int:
    if voice.duration and math.isfinite(voice.duration) and voice.duration > 0:
        return min(round(voice.duration * 1000), MAX_DURATION_MS // 2)
    return reading_ms(scene)


def _scene_meta(i: int, pictures: tuple[AgentAsset, ...]) -> dict[str, Any]:
    """Scene `i`'s picture: the uploads in turn, else a colour card from the palette."""
    transition = "none" if i == 0 else "crossfade"
    if pictures:
        return build.picture_meta(pictures[i % len(pictures)], build.DYNAMIC[i % 4], transition)
    color = PALETTE[i % len(PALETTE)]
    return {
        "name": f"Scene {i + 1}",
        "kind": "color",
        "color": color,
        "motion": "none",
        "transition": transition,
    }


def _assemble(scenes: Scenes, opts: Options, ctx: Context) -> Draft:
    pictures = ctx.media.pictures
    draft = empty_draft(scenes.texts[0][:40].strip() or say("title.script", ctx.language))
    metas = [_scene_meta(i, pictures) for i in range(len(scenes.texts))]
    draft = build.with_main_track(draft, metas, scenes.shares)
    starts = [sum(scenes.shares[:i]) for i in range(len(scenes.shares))]
    timed = zip(starts, scenes.spoken, scenes.voices, strict=False)
    draft = build.with_voice(draft, [(s + VOICE_LEAD_MS, ms, v) for s, ms, v in timed])
    if opts.music:
        volume = 20 if scenes.voices else build.MUSIC_VOLUME
        draft = build.with_music(draft, opts.mood or "calm", volume)
    cards = zip(starts, scenes.shares, scenes.texts, strict=True)
    return build.with_captions(
        draft, [(s, d, text[:200]) for s, d, text in cards], "bottom" if pictures else "center"
    )


def _summary(
    draft: Draft, scenes: Scenes, voice_lang: str, opts: Options, lang: str, pictures: bool
) -> str:
    parts = [say("part.scenes", lang, n=len(scenes.texts))]
    parts.append(say("part.pictures" if pictures else "part.colors", lang))
    if scenes.voices:
        tongue = say("lang.zh" if voice_lang == "zh-CN" else "lang.en", lang)
        parts.append(say("part.voice", lang, tongue=tongue))
    if opts.music:
        volume = 20 if scenes.voices else build.MUSIC_VOLUME
        mood = say(f"mood.{opts.mood or 'calm'}", lang)
        parts.append(say("part.music", lang, mood=mood, volume=volume))
    return created(draft.d, "script", parts, lang)
