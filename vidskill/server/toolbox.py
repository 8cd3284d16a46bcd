"""The agent's tools on the server side: voiceover synthesis into a session's media folder."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from vidskill.server import agent
from vidskill.server.store import Database
from vidskill.server.store_sessions import AssetRow, add_asset, new_id

PARTIAL_WAV = ".part.wav"  # a voiceover still being written; swept at start-up


class SessionToolbox:
    """Tools bound to one session; each tool's output is registered as a generated asset."""

    def __init__(
        self, db: Database, media_dir: Path, session_id: str, clock: Callable[[], float]
    ) -> None:
        self.db = db
        self.media_dir = media_dir
        self.session_id = session_id
        self.clock = clock

    def synthesize_voiceover(self, text: str, language: str) -> agent.AgentAsset:
        """Speak `text` into a WAV file of the session and register it as generated media."""
        from vidskill.render import tts  # the speech engine loads only when a voice is needed

        self.media_dir.mkdir(parents=True, exist_ok=True)
        asset_id = new_id("a")
        filename = f"voiceover_{secrets.token_hex(3)}.wav"
        path = self.media_dir / f"{asset_id}.wav"
        tmp = path.with_name(f"{asset_id}{PARTIAL_WAV}")
        duration = tts.synthesize(text, language, str(tmp))
        tmp.replace(path)  # only a complete file is ever listed as an asset
        row = AssetRow(
            asset_id,
            self.session_id,
            filename,
            "audio",
            str(path),
            path.stat().st_size,
            None,
            None,
            duration,
            None,
            True,
        )
        self.db.write_now(add_asset, row, self.clock())
        return agent.AgentAsset(
            id=asset_id,
            filename=filename,
            file_type="audio",
            width=None,
            height=None,
            duration=duration,
            text=None,
        )
