"""Uploads for the local backend: multipart bodies streamed to disk, and media fetched from URLs.

`receive_multipart` feeds `request.stream()` chunk by chunk to python-multipart's streaming
parser; file data goes straight to a `PartWriter`, so no file is ever held whole in memory and
the size limit bites at the first byte over it. A request is all or nothing: when one file is
refused, every file of the request is deleted. After a refusal the rest of the body is read and
thrown away for a short while (as nginx's lingering close does), so the client, still sending,
gets the error answer instead of a reset connection. Codes are listed in `storage`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import ClientDisconnect, Request

from vidskill.server.storage import (
    BAD_REQUEST,
    MAX_FILES,
    PartWriter,
    StoredFile,
    UploadRejected,
    discard_all,
    display_name,
    name_and_extension,
)
from vidskill.server.urlfetch import fetch_urls

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["MAX_FILES", "StoredFile", "UploadRejected", "fetch_urls", "receive_multipart"]

LINGER_SECONDS = 10.0
_Event = tuple[str, bytes, bytes]


async def receive_multipart(
    request: Request,
    dest_dir: Path,
    *,
    max_bytes: int,
    field: str = "files",
    max_files: int = MAX_FILES,
) -> list[StoredFile]:
    """Store every file of the multipart field `field` in `dest_dir`, each at most `max_bytes`."""
    boundary = _boundary(request.headers.get("content-type"), field)
    dest_dir.mkdir(parents=True, exist_ok=True)
    intake = _Intake(dest_dir, max_bytes=max_bytes, field=field, max_files=max_files)
    chunks = request.stream()
    try:
        stored = await _parse(chunks, boundary, intake)
    except UploadRejected:
        intake.discard()
        await _linger(chunks)
        raise
    except BaseException:
        intake.discard()
        raise
    if not stored:
        raise UploadRejected(
            BAD_REQUEST, f"No files in the upload: send them in the '{field}' field."
        )
    return stored


async def _parse(
    chunks: AsyncIterator[bytes], boundary: bytes, intake: _Intake
) -> list[StoredFile]:
    try:
        parser = MultipartParser(boundary, intake.callbacks())
        async for chunk in chunks:
            parser.write(chunk)
            await intake.drain()
        parser.finalize()
    except FormParserError as exc:
        raise _malformed() from exc
    if parser.state != MultipartState.END:
        raise _malformed()
    return intake.stored


def _boundary(content_type: str | None, field: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise UploadRejected(
            BAD_REQUEST, f"Send files as multipart/form-data (the '{field}' field, repeatable)."
        )
    return options[b"boundary"]


def _malformed() -> UploadRejected:
    return UploadRejected(BAD_REQUEST, "The upload was cut short or is not valid multipart data.")


async def _linger(chunks: AsyncIterator[bytes]) -> None:
    with anyio.move_on_after(LINGER_SECONDS):
        try:
            async for _ in chunks:
                pass
        except ClientDisconnect:
            pass


class _Intake:
    """Turns the parser's callbacks into files: events are queued, then handled asynchronously."""

    def __init__(self, dest_dir: Path, *, max_bytes: int, field: str, max_files: int) -> None:
        self.dest_dir, self.max_bytes, self.max_files = dest_dir, max_bytes, max_files
        self.field = field.encode()
        self.stored: list[StoredFile] = []
        self._events: list[_Event] = []
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]
        self._writer: PartWriter | None = None

    def callbacks(self) -> MultipartCallbacks:
        """The callback table python-multipart's MultipartParser calls while it parses."""
        return {
            "on_part_begin": self._headers.clear,
            "on_header_field": lambda d, s, e: self._add_header(0, d[s:e]),
            "on_header_value": lambda d, s, e: self._add_header(1, d[s:e]),
            "on_header_end": self._end_header,
            "on_headers_finished": self._headers_finished,
            "on_part_data": lambda d, s, e: self._events.append(("data", d[s:e], b"")),
            "on_part_end": lambda: self._events.append(("end", b"", b"")),
        }

    async def drain(self) -> None:
        """Handle the events one chunk produced: open, fill and finish files."""
        events, self._events = self._events, []
        for kind, first, second in events:
            if kind == "part":
                self._open(first, second)
            elif kind == "data" and self._writer is not None:
                await self._writer.write(first)
            elif kind == "end" and self._writer is not None:
                writer, self._writer = self._writer, None
                try:
                    self.stored.append(await writer.finish())
                except BaseException:
                    writer.discard()
                    raise

    def discard(self) -> None:
        """Delete the file being written and every file already stored."""
        if self._writer is not None:
            self._writer.discard()
            self._writer = None
        discard_all(self.stored)
        self.stored = []

    def _add_header(self, index: int, data: bytes) -> None:
        self._header[index] += data  # bounded by the parser's header size limit

    def _end_header(self) -> None:
        name, value = self._header
        self._headers[name.strip().lower()] = value.strip()
        self._header = [b"", b""]

    def _headers_finished(self) -> None:
        disposition = self._headers.get(b"content-disposition", b"")
        self._events.append(("part", disposition, self._headers.get(b"content-type", b"")))

    def _open(self, disposition: bytes, content_type: bytes) -> None:
        _, options = parse_options_header(disposition)
        raw_name = options.get(b"filename")
        if options.get(b"name") != self.field or not raw_name:
            return  # another field, or an empty file input: ignored
        if len(self.stored) + 1 > self.max_files:
            raise UploadRejected(BAD_REQUEST, f"Too many files: at most {self.max_files} at once.")
        raw = display_name(raw_name.decode("utf-8", errors="replace"))
        name, ext = name_and_extension(raw, content_type.decode("latin-1"))
        self._writer = PartWriter(self.dest_dir, name, ext, self.max_bytes)
