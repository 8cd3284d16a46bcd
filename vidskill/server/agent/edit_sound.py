"""Edits of the sound: background music added, changed, removed or made louder or quieter."""

from __future__ import annotations

from dataclasses import replace

from vidskill.server.agent import build, ops
from vidskill.server.agent.draft import (
    MOODS,
    MUSIC_PREFIX,
    Draft,
    Seg,
    audio_tracks,
    put_track,
    without_segments,
)
from vidskill.server.agent.replies import say
from vidskill.server.agent.step import Context, Step, call


def _bgm(draft: Draft) -> list[Seg]:
    return [
        seg
        for track in audio_tracks(draft, "bgm")
        for seg in track.sg
        if seg.m.get("role") == "bgm"
    ]


def _has_voice(draft: Draft) -> bool:
    return bool(audio_tracks(draft, "voiceover"))


def _current_mood(draft: Draft) -> str | None:
    src = next((str(seg.m.get("src")) for seg in _bgm(draft)), "")
    return src[len(MUSIC_PREFIX) :] if src.startswith(MUSIC_PREFIX) else None


def add_music(edit: ops.AddMusic, draft: Draft, ctx: Context) -> Step:
    """Add built-in background music, or switch the mood of the music there is."""
    lang = ctx.language
    if not _bgm(draft):
        mood = edit.mood or ("calm" if _has_voice(draft) else "upbeat")
        volume = 20 if _has_voice(draft) else build.MUSIC_VOLUME
        out = build.with_music(draft, mood, volume)
        said = say("music_added", lang, mood=say(f"mood.{mood}", lang), volume=volume)
        return Step(out, (call("add_music", {"mood": mood, "volume": volume}),), (said,))
    if edit.mood is None or edit.mood == _current_mood(draft):
        return Step(draft, (call("add_music", {"mood": edit.mood}, changed=False),))
    out = draft
    for track in audio_tracks(draft, "bgm"):
        segs = tuple(_with_mood(seg, edit.mood) for seg in track.sg)
        out = put_track(out, replace(track, sg=segs))
    said = say("music_mood", lang, mood=say(f"mood.{edit.mood}", lang))
    return Step(out, (call("set_music", {"mood": edit.mood}),), (said,))


def _with_mood(seg: Seg, mood: str) -> Seg:
    if seg.m.get("role") != "bgm" or mood not in MOODS:
        return seg
    return seg.meta(src=MUSIC_PREFIX + mood, name=build.MOOD_NAMES[mood])


def remove_music(edit: ops.RemoveMusic, draft: Draft, ctx: Context) -> Step:
    """Remove the background music."""
    found = _bgm(draft)
    record = call("remove_music", {}, removed=len(found))
    if not found:
        return Step(draft, (record,))
    out = without_segments(draft, (seg.id for seg in found))
    return Step(out, (record,), (say("music_removed", ctx.language),))


def music_volume(edit: ops.MusicVolume, draft: Draft, ctx: Context) -> Step:
    """Set the music volume, adding music at that volume when there is none."""
    lang = ctx.language
    if not _bgm(draft):
        if edit.mode == "shift":
            return Step(
                draft,
                (call("set_music_volume", {"shift": edit.value}, ok=False),),
                notes=(say("no_music", lang),),
            )
        mood = "calm" if _has_voice(draft) else "upbeat"
        out = build.with_music(draft, mood, edit.value)
        said = say("music_added", lang, mood=say(f"mood.{mood}", lang), volume=edit.value)
        return Step(out, (call("add_music", {"mood": mood, "volume": edit.value}),), (said,))
    old = int(_bgm(draft)[0].m.get("volume", build.MUSIC_VOLUME))
    volume = max(0, min(100, old + edit.value if edit.mode == "shift" else edit.value))
    record = call("set_music_volume", {"volume": volume}, previous=old)
    if volume == old and all(seg.m.get("volume", old) == volume for seg in _bgm(draft)):
        return Step(draft, (record,))
    out = draft
    for track in audio_tracks(draft, "bgm"):
        segs = tuple(
            seg.meta(volume=volume) if seg.m.get("role") == "bgm" else seg for seg in track.sg
        )
        out = put_track(out, replace(track, m={**track.m, "volume": volume}, sg=segs))
    return Step(out, (record,), (say("music_volume", lang, volume=volume),))


def remove_voiceover(edit: ops.RemoveVoiceover, draft: Draft, ctx: Context) -> Step:
    """Remove the voiceover."""
    found = [
        seg.id
        for track in audio_tracks(draft, "voiceover")
        for seg in track.sg
        if seg.m.get("role") == "voiceover"
    ]
    record = call("remove_voiceover", {}, removed=len(found))
    if not found:
        return Step(draft, (record,))
    return Step(without_segments(draft, found), (record,), (say("voice_removed", ctx.language),))
