"""A multipart/form-data upload body streamed from files, with its length known in advance.

The body is produced chunk by chunk by an async generator, so a 1 GB file is never held in
memory, and its exact length is computed from the files' sizes so the request can carry a
`Content-Length` instead of chunked encoding.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path

from vidskill.client.models import Progress
from vidskill.errors import UsageError

CHUNK_SIZE = 256 * 1024

# RFC 7578 leaves non-ASCII file names as UTF-8; quotes, backslashes and control characters
# are escaped the way browsers do so a name cannot break out of its header.
_ESCAPES = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}


def _quote(name: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in name)


@dataclass(frozen=True)
class _Part:
    head: bytes
    path: Path
    size: int


class MultipartBody:
    """The files of one upload as a streamed multipart body under one form field."""

    def __init__(
        self,
        files: Sequence[str | Path],
        *,
        field: str = "files",
        boundary: str | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.boundary = boundary or secrets.token_hex(16)
        self._chunk_size = chunk_size
        self._parts = tuple(self._part(Path(f), field) for f in files)
        self._tail = f"--{self.boundary}--\r\n".encode()
        self.length = sum(len(p.head) + p.size + 2 for p in self._parts) + len(self._tail)

    @property
    def content_type(self) -> str:
        """The request's Content-Type header."""
        return f"multipart/form-data; boundary={self.boundary}"

    def _part(self, path: Path, field: str) -> _Part:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(field)}"; '
            f'filename="{_quote(path.name)}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        ).encode()
        return _Part(head, path, size)

    async def stream(self, progress: Progress | None = None) -> AsyncGenerator[bytes, None]:
        """Yield the body in chunks, reporting bytes sent so far against the total.

        Closing the generator early (a request that failed mid-body) closes the open file.
        """
        sent = 0
        for part in self._parts:
            sent += len(part.head)
            yield part.head
            async with aclosing(self._file(part)) as chunks:
                async for chunk in chunks:
                    sent += len(chunk)
                    if progress is not None:
                        progress(sent, self.length)
                    yield chunk
            sent += 2
            yield b"\r\n"
        sent += len(self._tail)
        if progress is not None:
            progress(sent, self.length)
        yield self._tail

    async def _file(self, part: _Part) -> AsyncGenerator[bytes, None]:
        left = part.size
        with part.path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(self._chunk_size, left))
                if not chunk:
                    raise UsageError(f"{part.path} got shorter while it was being uploaded.")
                left -= len(chunk)
                yield chunk
