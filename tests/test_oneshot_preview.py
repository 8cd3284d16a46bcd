"""`vidskill export --preview`: a quick half-size render for iterating on edits."""

from __future__ import annotations

from pathlib import Path

from oneshot_support import Cli, probe
from servers import live_server, photos

SKILL = ("--skill", "online-photo-video-maker")


def test_a_preview_export_is_a_half_size_mp4_and_says_no_false_size(tmp_path: Path) -> None:
    with live_server(tmp_path / "backend") as srv:
        cli = Cli(home=tmp_path / "home", cwd=tmp_path, api_url=srv.url)
        shots = [str(p) for p in photos(tmp_path / "in")]
        made = cli.run(
            "upload", *shots, "--text", "turn my photos into a 4-second slideshow", *SKILL, "--json"
        )
        assert made.code == 0, made.stderr
        ran = cli.run("export", "--preview", "-o", str(tmp_path / "p.mp4"), *SKILL, "--json")
        assert ran.code == 0, ran.stdout + ran.stderr
        (written,) = ran.json["files"]
        facts = probe(Path(written["path"]))
        assert (facts["codec"], facts["width"], facts["height"]) == ("h264", 960, 540)
        assert facts["audio"] and abs(facts["duration"] - 4) < 0.1
        assert written["width"] is None and written["height"] is None  # not the draft's 1080p
        cli.assert_no_secrets()
