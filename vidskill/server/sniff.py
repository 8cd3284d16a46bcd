"""What a file really is, read from its bytes rather than its name.

The first bytes decide every binary format (magic numbers, RIFF forms, ISO base media brands,
EBML, MPEG audio sync words); text needs the whole file (valid UTF-8, no NUL) and a docx needs
its zip directory (a `word/document.xml` entry). Each content tag carries the type families it
may hold, so the upload check is simply "does the extension's family appear in the tag's".
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

HEAD_BYTES = 4096
_READ_CHUNK = 1 << 20

SUPPORTED: dict[str, str] = {
    **dict.fromkeys(("mp4", "mov", "avi", "webm", "mkv"), "video"),
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp", "heic"), "image"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac"), "audio"),
    **dict.fromkeys(("txt", "docx"), "text"),
}

# An ISO base media file (mp4, mov) may hold only sound, so it fits both families; the probe
# then insists on the stream the family needs.
TAG_FAMILIES: dict[str, tuple[str, ...]] = {
    "jpeg": ("image",),
    "png": ("image",),
    "gif": ("image",),
    "webp": ("image",),
    "heif": ("image",),
    "isobmff": ("video", "audio"),
    "m4a": ("audio",),
    "avi": ("video",),
    "ebml": ("video",),
    "wav": ("audio",),
    "mp3": ("audio",),
    "adts": ("audio",),
    "text": ("text",),
    "zip": ("text",),
    "docx": ("text",),
}

TAG_NAMES: dict[str, str] = {
    "jpeg": "a JPEG image",
    "png": "a PNG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
    "heif": "a HEIC/HEIF image",
    "isobmff": "an MP4/MOV file",
    "m4a": "M4A audio",
    "avi": "an AVI video",
    "ebml": "a WebM/MKV video",
    "wav": "WAV audio",
    "mp3": "MP3 audio",
    "adts": "AAC audio",
    "text": "plain text",
    "zip": "a zip archive or Word document",
    "docx": "a Word document",
}

MIME_EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/x-msvideo": "avi",
    "video/avi": "avi",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
    "text/plain": "txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x1a\x45\xdf\xa3", "ebml"),
    (b"PK\x03\x04", "zip"),
)
_RIFF_FORMS = {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}
_HEIF_BRANDS = {
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    b"mif1", b"msf1", b"avif", b"avis",
}  # fmt: skip
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
# QuickTime files from older cameras start with one of these atoms instead of `ftyp`.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff_head(head: bytes) -> str | None:
    """The content tag that the first bytes of a file show, or None when they show nothing known."""
    for magic, tag in _SIGNATURES:
        if head.startswith(magic):
            return tag
    found = _riff(head) or _iso(head) or _mpeg_audio(head)
    if found:
        return found
    return "text" if _utf8_prefix(head) else None


def sniff_file(path: Path) -> str | None:
    """The content tag of a whole file: head magic, then the zip directory or all of the text."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    tag = sniff_head(head)
    if tag == "zip":
        return "docx" if is_docx(path) else None
    if tag == "text":
        return "text" if is_utf8_file(path) else None
    return tag


def is_docx(path: Path) -> bool:
    """Whether the file is a zip archive holding a Word main document part."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def is_utf8_file(path: Path) -> bool:
    """Whether the whole file is valid, non-empty UTF-8 text without NUL characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = False
    with path.open("rb") as fh:
        while chunk := fh.read(_READ_CHUNK):
            seen = True
            if b"\x00" in chunk or not _decodes(decoder, chunk, final=False):
                return False
    return seen and _decodes(decoder, b"", final=True)


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_prefix(head: bytes) -> bool:
    # The head may end inside a multi-byte character, so it is not decoded as final.
    if not head or b"\x00" in head:
        return False
    return _decodes(codecs.getincrementaldecoder("utf-8")(), head, final=False)


def _riff(head: bytes) -> str | None:
    if head[:4] != b"RIFF":
        return None
    return _RIFF_FORMS.get(head[8:12])


def _iso(head: bytes) -> str | None:
    # Binary boxes always hold a NUL byte early on and text never does, so "Its free..." is text.
    box = head[4:8]
    if len(head) < 12 or b"\x00" not in head:
        return None
    if box in _QUICKTIME_ATOMS:
        return "isobmff"
    if box != b"ftyp":
        return None
    # Only the major brand counts: Apple video files list "M4A " among their compatible brands.
    major = head[8:12]
    if major in _HEIF_BRANDS:
        return "heif"
    if major in _M4A_BRANDS:
        return "m4a"
    return "isobmff"


def _mpeg_audio(head: bytes) -> str | None:
    if _id3(head):
        return "mp3"
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    if head[1] & 0xF6 == 0xF0:
        return "adts"  # MPEG-4 audio transport: sync word plus a zero layer field
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    # Layer I is left out: its sync pattern is also the UTF-16 byte order mark (FF FE).
    if version == 1 or layer in (0, 3) or bitrate == 15 or rate == 3:
        return None
    return "mp3"


def _id3(head: bytes) -> bool:
    return (
        len(head) >= 10
        and head[:3] == b"ID3"
        and head[3] in (2, 3, 4)
        and head[4] != 0xFF
        and all(b < 0x80 for b in head[6:10])
    )
