"""The upload workflow: every file checked against the skill first, then one streamed upload.

Before a byte is sent, each local file must exist, have an extension the skill accepts, not be
empty, fit the skill's size limit and start with bytes that match its extension (a PNG named
`.jpg` or random bytes named `.mp4` are refused). One bad file stops the whole upload, so
nothing is half uploaded. A URL whose path names a media extension the skill does not take is
refused the same way; other URLs are fetched and checked by the backend. Local files go in one
streamed multipart request with progress; URLs in one request.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from vidskill import errors
from vidskill.client import Asset, UploadResult
from vidskill.client import Progress as ProgressCallback
from vidskill.engine.conversation import Conversation
from vidskill.engine.outputs import Notice, Output, Status
from vidskill.engine.progress import Box, with_progress
from vidskill.server.sniff import HEAD_BYTES, SUPPORTED, TAG_FAMILIES, TAG_NAMES, sniff_head
from vidskill.skill import Skill


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def check_file(raw: str, skill: Skill) -> Path:
    """The file to upload, or the error that refuses it (nothing has been sent)."""
    path = Path(os.path.expanduser(raw))
    if not path.is_file():
        what = "a folder, not a file" if path.is_dir() else "not found"
        raise errors.UsageError(f"{raw}: {what}.")
    name = path.name
    if not skill.accepts(name):
        raise errors.UnsupportedFileError(f"{name}: format not accepted", data={"file": name})
    size = path.stat().st_size
    if size == 0:
        raise errors.UsageError(f"{name} is empty.")
    if size > skill.max_upload_bytes:
        data: dict[str, object] = {"file": name, "size": size}
        raise errors.FileTooLargeError(f"{name} is too large", data=data)
    _check_content(path, name)
    return path


def _check_content(path: Path, name: str) -> None:
    family = SUPPORTED.get(_extension(name))
    if family is None:
        return  # a format only this skill knows: the backend judges it
    with path.open("rb") as handle:
        tag = sniff_head(handle.read(HEAD_BYTES))
    if tag is None or family not in TAG_FAMILIES.get(tag, ()):
        content = TAG_NAMES.get(tag or "", "")
        data: dict[str, object] = {"file": name, "content": content or None}
        raise errors.UnsupportedFileError(f"{name}: content does not match", data=data)


def check_url(url: str, skill: Skill) -> str:
    """The URL to have fetched, refused when its path names a format the skill does not take."""
    path = urlsplit(url).path
    extension = _extension(path)
    if extension in SUPPORTED and extension not in skill.formats:
        name = PurePosixPath(path).name
        raise errors.UnsupportedFileError(f"{name}: format not accepted", data={"file": name})
    return url


async def run(
    conv: Conversation, files: Sequence[str], urls: Sequence[str]
) -> AsyncIterator[Output]:
    """Check, then upload local files and URLs to the session."""
    local = [check_file(raw, conv.skill) for raw in files]
    remote = [check_url(url, conv.skill) for url in urls]
    if not local and not remote:
        raise errors.UsageError(conv.say("upload_nothing"))
    session_id = await conv.session()
    added: list[Asset] = []
    if local:
        box: Box[UploadResult] = Box()

        def work(progress: ProgressCallback) -> Awaitable[UploadResult]:
            return conv.api.upload_files(session_id, local, progress)

        async for output in with_progress(conv.say("uploading", count=len(local)), work, box):
            yield output
        added += box.value.files
    if remote:
        yield Status(conv.say("fetching", count=len(remote)))
        added += (await conv.api.upload_urls(session_id, remote)).files
    names = [a.filename or a.id for a in added] or [p.name for p in local] + remote
    conv.log.actions.append("upload: " + ", ".join(names))
    yield Notice(conv.say("uploaded", count=len(names), names=", ".join(names)))
