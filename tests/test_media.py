"""Content sniffing and media probing, on real files made on the spot."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from media_samples import make

from vidskill.server import media
from vidskill.server.media import MAX_DOCX_BYTES, MAX_TEXT_CHARS, MediaError, probe, sniff
from vidskill.server.sniff import SUPPORTED, TAG_FAMILIES, sniff_head

DATA = Path(__file__).parent / "data"
HEADS = json.loads((DATA / "sniff_heads.json").read_text(encoding="utf-8"))
CASES = json.loads((DATA / "media_cases.json").read_text(encoding="utf-8"))


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['sample']}-as-{case.get('probe_as', case['family'])}"


@pytest.mark.parametrize("case", HEADS, ids=[c["why"] for c in HEADS])
def test_sniff_head(case: dict[str, Any]) -> None:
    head = bytes.fromhex(case["hex"]) if "hex" in case else case["text"].encode()
    assert sniff_head(head) == case["tag"]


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_sniff_and_probe(case: dict[str, Any], tmp_path: Path) -> None:
    path = make(case["sample"], tmp_path / case["sample"])
    assert sniff(path) == case["family"]
    if case["family"] is None:
        return
    kind = case.get("probe_as", case["family"])
    if "error" in case:
        with pytest.raises(MediaError, match=case["error"]):
            probe(path, kind)
        return
    info = probe(path, kind)
    assert (info.width, info.height) == (case.get("width"), case.get("height"))
    assert info.text == case.get("text")
    if "duration" in case:
        assert info.duration == pytest.approx(case["duration"], abs=0.15)
    else:
        assert info.duration is None


def test_supported_formats_are_the_protocol_list() -> None:
    by_family: dict[str, set[str]] = {}
    for ext, family in SUPPORTED.items():
        by_family.setdefault(family, set()).add(ext)
    assert by_family == {
        "video": {"mp4", "mov", "avi", "webm", "mkv"},
        "image": {"jpg", "jpeg", "png", "gif", "webp", "heic"},
        "audio": {"mp3", "wav", "m4a", "aac"},
        "text": {"txt", "docx"},
    }
    assert media.SUPPORTED is SUPPORTED
    assert {f for families in TAG_FAMILIES.values() for f in families} == set(by_family)


def test_long_text_is_capped_even_inside_a_character(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("中" * (MAX_TEXT_CHARS * 2), encoding="utf-8")  # 3 bytes each: the cap cuts one
    info = probe(path, "text")
    assert info.text == "中" * MAX_TEXT_CHARS


def test_text_byte_order_mark_and_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffLine one\r\nLine two\r\n".encode())
    assert probe(path, "text").text == "Line one\nLine two"


@pytest.mark.parametrize("content", [b"   \n\t\n", b"\xef\xbb\xbf"])
def test_blank_script_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(MediaError, match="no text"):
        probe(path, "text")


def test_invalid_utf8_script_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine start \xff\xfe then junk")
    with pytest.raises(MediaError, match="UTF-8"):
        probe(path, "text")


def test_docx_that_unpacks_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    make("docx", tmp_path / "real.docx")
    with (
        zipfile.ZipFile(tmp_path / "real.docx") as real,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in real.infolist():
            bomb.writestr(entry, real.read(entry))
        with bomb.open("word/media/padding.bin", "w", force_zip64=True) as padding:
            for _ in range(MAX_DOCX_BYTES // (1 << 20) + 1):
                padding.write(bytes(1 << 20))
    assert path.stat().st_size < MAX_DOCX_BYTES // 100
    assert sniff(path) == "text"
    with pytest.raises(MediaError, match="too large"):
        probe(path, "text")


def test_image_with_absurd_dimensions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header(40_000, 40_000))
    assert sniff(path) == "image"
    with pytest.raises(MediaError, match="too many pixels"):
        probe(path, "image")


def test_unknown_family_is_refused(tmp_path: Path) -> None:
    path = make("png", tmp_path / "a.png")
    with pytest.raises(MediaError, match="unknown file type"):
        probe(path, "model")


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
