"""Media probing: sniff a file's type from its bytes and read its size, length or script text.

Images are read with Pillow (HEIC through pillow-heif, registered on first use), video and audio
with PyAV, scripts as UTF-8 text or through python-docx. Each probe decodes a little of the file,
so a file that only looks like its type (right magic, broken body) is refused with `MediaError`.
Heavy libraries load on first use.
"""

from __future__ import annotations

import codecs
import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidskill.server.sniff import SUPPORTED, TAG_FAMILIES, is_docx, sniff_file

__all__ = ["SUPPORTED", "MediaError", "MediaInfo", "probe", "sniff"]

MAX_TEXT_CHARS = 200_000
MAX_DOCX_BYTES = 64 << 20  # uncompressed; python-docx holds every part in memory
MAX_DOCX_ENTRIES = 2000
_ORIENTATION_TAG = 0x0112
_TURNED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


@dataclass(frozen=True)
class MediaInfo:
    """What a probe learned: pixel size, length in seconds, and a script's text."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    text: str | None = None


class MediaError(ValueError):
    """A file that claims a type but cannot be read as one; the message says what is wrong."""


def sniff(path: Path) -> str | None:
    """The type family the file's content shows ("image", "video", "audio", "text"), or None."""
    tag = sniff_file(path)
    return TAG_FAMILIES[tag][0] if tag else None


def probe(path: Path, file_type: str) -> MediaInfo:
    """Read the file as `file_type` and return its facts; raise MediaError if it does not decode."""
    probes = {"image": _probe_image, "video": _probe_video, "audio": _probe_audio}
    if file_type == "text":
        return _probe_docx(path) if is_docx(path) else _probe_txt(path)
    if file_type not in probes:
        raise MediaError(f"unknown file type {file_type!r}")
    return probes[file_type](path)


@functools.cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _probe_image(path: Path) -> MediaInfo:
    from PIL import Image, UnidentifiedImageError

    _register_heif()
    bad = (UnidentifiedImageError, OSError, SyntaxError, ValueError)
    bomb = (Image.DecompressionBombError, Image.DecompressionBombWarning)
    try:
        with Image.open(path) as img:
            width, height = img.size
            if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                raise MediaError(f"the image is too large ({width}x{height} pixels)")
            turned = img.getexif().get(_ORIENTATION_TAG) in _TURNED
            # A JPEG decodes at 1/8 scale here: enough to prove the data, at a fraction of the cost.
            img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            img.load()
    except MediaError:
        raise
    except bomb as exc:
        raise MediaError("the image has too many pixels") from exc
    except bad as exc:
        raise MediaError("the image data is damaged or not a supported image") from exc
    return MediaInfo(width=height if turned else width, height=width if turned else height)


def _probe_video(path: Path) -> MediaInfo:
    return _probe_av(path, "video")


def _probe_audio(path: Path) -> MediaInfo:
    return _probe_av(path, "audio")


def _probe_av(path: Path, kind: str) -> MediaInfo:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = _first_stream(container, kind)
            frame = next(iter(container.decode(stream)), None)
            if frame is None:
                raise MediaError(f"the {kind} track has no frames that decode")
            duration = _duration(container, stream)
    except MediaError:
        raise
    except (av.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise MediaError(f"the {kind} data is damaged or uses an unsupported codec") from exc
    if kind == "audio":
        return MediaInfo(duration=duration)
    # Phones store portrait video as landscape frames plus a display rotation.
    if abs(int(getattr(frame, "rotation", 0) or 0)) % 180 == 90:
        return MediaInfo(width=frame.height, height=frame.width, duration=duration)
    return MediaInfo(width=frame.width, height=frame.height, duration=duration)


def _first_stream(container: Any, kind: str) -> Any:
    import av.stream

    streams = container.streams.video if kind == "video" else container.streams.audio
    for stream in streams:
        # Cover art inside an audio file shows up as a one-picture video stream.
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise MediaError(f"the file has no {kind} track")


def _duration(container: Any, stream: Any) -> float | None:
    if container.duration is not None and container.duration > 0:
        return float(container.duration) / 1_000_000
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return _scan_duration(container, stream)


def _scan_duration(container: Any, stream: Any) -> float | None:
    # Raw streams (ADTS, headerless MPEG audio) carry no length: walk the packets, no decoding.
    container.seek(0, stream=stream)
    end = 0
    for packet in container.demux(stream):
        if packet.pts is not None:
            end = max(end, packet.pts + (packet.duration or 0))
    if not end or stream.time_base is None:
        return None
    return float(end * stream.time_base)


def _probe_txt(path: Path) -> MediaInfo:
    limit = MAX_TEXT_CHARS * 4
    with path.open("rb") as fh:
        raw = fh.read(limit)
    # Where the cap cuts the file, it may cut a character in two: decode that end as unfinished.
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(raw, final=len(raw) < limit)
    except UnicodeDecodeError as exc:
        raise MediaError("the text is not valid UTF-8") from exc
    return _script(text.replace("\r\n", "\n"))


def _probe_docx(path: Path) -> MediaInfo:
    import docx
    from docx.opc.exceptions import OpcError
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    _check_docx_size(path)
    try:
        document = docx.Document(str(path))
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, SyntaxError, OpcError) as exc:
        raise MediaError("the Word document is damaged or not a .docx file") from exc
    # Every paragraph in body order, table cells included, as a script reads top to bottom.
    lines = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    return _script("\n".join(lines))


def _check_docx_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
    if len(entries) > MAX_DOCX_ENTRIES or sum(e.file_size for e in entries) > MAX_DOCX_BYTES:
        raise MediaError("the Word document is too large to read as a script")


def _script(text: str) -> MediaInfo:
    text = text.strip()
    if not text:
        raise MediaError("the document has no text")
    return MediaInfo(text=text[:MAX_TEXT_CHARS])
