"""Writing one uploaded file to disk safely: generated names, a hard size cap, then validation.

A file is written to `<random id>.<ext>.part`, created exclusively (mode 0600), counted byte by
byte against the limit; once complete it is sniffed and probed, and only then linked to its final
name `<random id>.<ext>` (a hard link, so an existing file is never replaced). Anything that fails
leaves nothing behind; a crash leaves only `.part` files, which `remove_partials` sweeps.

Codes (the `code` of UploadRejected, sent in the error envelope):
    4000  the request itself is unusable (not multipart, malformed, no files, too many files)
    4001  unsupported file: wrong extension, content that disagrees with it, or no decodable media
    4002  file too large
    4003  a URL that may not or could not be fetched (scheme, private address, redirects, errors)
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from vidskill.server.media import MediaError, MediaInfo, probe
from vidskill.server.sniff import (
    HEAD_BYTES,
    MIME_EXTENSIONS,
    SUPPORTED,
    TAG_FAMILIES,
    TAG_NAMES,
    sniff_file,
    sniff_head,
)

BAD_REQUEST, UNSUPPORTED, TOO_LARGE, URL_REFUSED = 4000, 4001, 4002, 4003
MAX_NAME_CHARS = 200
MAX_FILES = 20  # files (or URLs) in one upload request
FLUSH_BYTES = 1 << 20
PARTIAL_SUFFIX = ".part"
_STATUS = {BAD_REQUEST: 400, UNSUPPORTED: 415, TOO_LARGE: 413, URL_REFUSED: 400}
_DRIVE = re.compile(r"^[A-Za-z]:")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
FORMATS_HELP = (
    "Supported formats: video mp4, mov, avi, webm, mkv; image jpg, jpeg, png, gif, webp, heic; "
    "audio mp3, wav, m4a, aac; script txt, docx."
)


@dataclass(frozen=True)
class StoredFile:
    """An accepted upload: where it is stored and what it holds."""

    path: Path
    filename: str
    file_type: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    text: str | None = None


class UploadRejected(Exception):
    """An upload refused with a wire code (4000-4003) and a message that says what to do."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status that fits the code."""
        return _STATUS.get(self.code, 400)


def unsupported(name: str, reason: str) -> UploadRejected:
    """A 4001 that names the file, says why, and lists what is accepted."""
    return UploadRejected(UNSUPPORTED, f"Cannot use '{name}': {reason}. {FORMATS_HELP}")


def too_large(name: str, max_bytes: int) -> UploadRejected:
    """A 4002 that names the limit and suggests how to get under it."""
    return UploadRejected(
        TOO_LARGE,
        f"'{name}' is larger than the {megabytes(max_bytes)} MB upload limit. "
        "Compress it or trim it (a shorter clip, a lower resolution or bitrate) and upload again.",
    )


def megabytes(size: int) -> str:
    """A byte count in MB as people write it: "200", "0.5"."""
    return f"{size / (1 << 20):.1f}".removesuffix(".0")


def display_name(raw: str | None, *, fallback: str = "upload") -> str:
    """The client's file name made safe to show and store: a bare, printable, bounded basename."""
    text = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _DRIVE.sub("", text)
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = text.strip(" .\t")
    if not text:
        return fallback
    if len(text) <= MAX_NAME_CHARS:
        return text
    stem, dot, ext = text.rpartition(".")
    if dot and 0 < len(ext) <= 16:
        return stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
    return text[:MAX_NAME_CHARS]


def name_and_extension(
    name: str, content_type: str | None, *, lenient: bool = False
) -> tuple[str, str]:
    """The validated lower-case extension (the name's, else the content type's) and the name.

    An unsupported extension is refused unless `lenient` (URLs such as `/image.php?id=3`), in
    which case the content type decides; a name gains the extension it was given this way.
    """
    stem, dot, suffix = name.rpartition(".")
    ext = suffix.lower() if dot and stem else ""
    if ext in SUPPORTED:
        return name, ext
    if ext and not lenient:
        raise unsupported(name, f"'.{ext[:16]}' files are not supported")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime not in MIME_EXTENSIONS:
        raise unsupported(name, "it has no supported extension and its content type is not known")
    ext = MIME_EXTENSIONS[mime]
    return display_name(f"{name}.{ext}"), ext


class PartWriter:
    """One file being received: written exclusively under a random name, capped at `max_bytes`."""

    def __init__(self, dest_dir: Path, name: str, ext: str, max_bytes: int) -> None:
        self.name, self.ext, self.max_bytes = name, ext, max_bytes
        self.size = 0
        self._head = b""
        self._buffer = bytearray()
        self._dest_dir = dest_dir
        self._id, fd = _create_exclusive(dest_dir, ext)
        self.partial = dest_dir / f"{self._id}.{ext}{PARTIAL_SUFFIX}"
        self._file = os.fdopen(fd, "wb")

    async def write(self, data: bytes) -> None:
        """Add bytes; refuse (4002) before writing the first byte over the limit."""
        if self.size + len(data) > self.max_bytes:
            raise too_large(self.name, self.max_bytes)
        if len(self._head) < HEAD_BYTES:
            self._check_head(data)
        self.size += len(data)
        self._buffer += data
        if len(self._buffer) >= FLUSH_BYTES:
            await self._flush()

    async def finish(self) -> StoredFile:
        """Close the file, check it is what its extension says, and give it its final name."""
        await self._flush()
        self._file.close()
        stored: StoredFile = await anyio.to_thread.run_sync(self._validate)
        return stored

    def discard(self) -> None:
        """Close and delete whatever was written."""
        self._file.close()
        self.partial.unlink(missing_ok=True)

    def _check_head(self, data: bytes) -> None:
        # Refuse a mislabelled file from its first bytes rather than after the whole body.
        self._head += data[: HEAD_BYTES - len(self._head)]
        if len(self._head) == HEAD_BYTES:
            require_family(sniff_head(self._head), self.name, self.ext)

    async def _flush(self) -> None:
        if self._buffer:
            data, self._buffer = bytes(self._buffer), bytearray()
            await anyio.to_thread.run_sync(self._file.write, data)

    def _validate(self) -> StoredFile:
        family = SUPPORTED[self.ext]
        info = check_content(self.partial, self.name, self.ext)
        final = self._dest_dir / f"{self._id}.{self.ext}"
        os.link(self.partial, final)  # fails rather than replace an existing file
        self.partial.unlink()
        return StoredFile(
            final, self.name, family, self.size, info.width, info.height, info.duration, info.text
        )


def check_content(path: Path, name: str, ext: str) -> MediaInfo:
    """Sniff and probe a written file against its extension; raise 4001 when they disagree."""
    family = SUPPORTED[ext]
    if path.stat().st_size == 0:
        raise unsupported(name, "the file is empty")
    require_family(sniff_file(path), name, ext)
    try:
        return probe(path, family)
    except MediaError as exc:
        raise unsupported(name, str(exc)) from exc


def require_family(tag: str | None, name: str, ext: str) -> None:
    """Raise 4001 unless the sniffed content tag can hold the extension's type family."""
    if tag is None or SUPPORTED[ext] not in TAG_FAMILIES[tag]:
        found = TAG_NAMES[tag] if tag else "not a known media or text format"
        raise unsupported(name, f"it is named .{ext} but its content is {found}")


def _create_exclusive(dest_dir: Path, ext: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        file_id = secrets.token_hex(12)
        if (dest_dir / f"{file_id}.{ext}").exists():
            continue
        try:
            return file_id, os.open(dest_dir / f"{file_id}.{ext}{PARTIAL_SUFFIX}", flags, 0o600)
        except FileExistsError:
            continue


def discard_all(files: list[StoredFile]) -> None:
    """Delete files stored earlier in a request that is being refused as a whole."""
    for stored in files:
        stored.path.unlink(missing_ok=True)


def remove_partials(dest_dir: Path) -> int:
    """Delete the `.part` files a crashed run left in `dest_dir` (call at start-up); count them."""
    removed = 0
    for leftover in dest_dir.glob(f"*{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
