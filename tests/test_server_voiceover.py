"""Voiceover synthesis through the server's toolbox: real speech files listed as generated media."""

from __future__ import annotations

import wave
from pathlib import Path

import httpx
import pytest
from servers import live_server

SCRIPTS = [
    (
        "en",
        "generate a 10-second video from my script with voiceover and visuals: "
        "Our city wakes early. The market opens. Night falls.",
    ),
    ("zh-CN", "根据我的脚本生成一个10秒的视频，加配音和画面：城市醒来。市场开门。夜幕降临。"),
]


@pytest.mark.parametrize(("language", "message"), SCRIPTS, ids=[lang for lang, _ in SCRIPTS])
def test_script_turn_generates_spoken_voiceovers(
    tmp_path: Path, language: str, message: str
) -> None:
    with live_server(tmp_path) as srv:
        session = srv.new_session("alice", language=language)
        turn = srv.chat(session, message)
        names = [
            part["functionCall"]["name"]
            for event in turn.events
            for part in event["content"]["parts"]
            if "functionCall" in part
        ]
        state = srv.state(session)
        generated = state["generated_media"]
        assert len(generated) == names.count("generate_voiceover") >= 1
        assert state["video_infos"] == []
        used = {seg["m"].get("src") for track in state["draft"]["t"] for seg in track["sg"]}
        for asset in generated:
            assert asset["file_type"] == "audio" and asset["duration"] > 0
            assert asset["id"] in used
            served = httpx.get(asset["url"], headers=srv.headers("alice"))
            assert served.status_code == 200 and served.content[:4] == b"RIFF"
            wav = tmp_path / f"{asset['id']}.wav"
            wav.write_bytes(served.content)
            with wave.open(str(wav)) as audio:
                seconds = audio.getnframes() / audio.getframerate()
            assert abs(seconds - asset["duration"]) < 0.05
        media = srv.config.session_media(session)
        assert not [p for p in media.iterdir() if ".part" in p.name]
