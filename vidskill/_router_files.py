"""Find local files and media URLs in a line, the way terminals paste them.

A dragged file arrives as a bare path, a quoted path ('/a/My Clip.mp4', "C:\\My Clip.mp4") or
a path with backslash escapes (/a/My\\ Clip.mp4); a pasted path may also hold plain spaces, so a
path-like word that does not exist is tried again joined with the words after it. Chinese text
runs into a path without spaces ("上传/a/logo.png，然后加到片尾"), so a word is also cut after
a non-ASCII prefix and before CJK punctuation or Han text that follows an extension. Whether a
path exists is asked of the caller's `exists`; `~` is expanded only against the caller's
`home`. Paths that do not exist stay text. An http(s) URL counts when its path ends in a media
extension (any URL does after `/upload`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import NamedTuple
from urllib.parse import unquote

MEDIA_EXTENSIONS = frozenset(
    ("mp4", "mov", "avi", "webm", "mkv", "m4v", "jpg", "jpeg", "png", "gif", "webp", "heic", "heif",
     "mp3", "wav", "m4a", "aac", "txt", "docx")
)  # fmt: skip
_MAX_JOINED = 8  # words a pasted path with plain spaces may span
# A huge paste must not turn into a million file-system calls or a long loop.
_MAX_LOOKUPS = 256
_MAX_WORDS = 1000
_MAX_PATH = 4096  # longer than any path a file system takes

# Every path or URL holds a separator, a "~" or an extension, quoted or not.
HINT = re.compile(r"[/\\~]|\.[A-Za-z0-9]{1,5}(?![A-Za-z0-9])")
_QUOTED = (
    r"\"(?P<dq>[^\"\n]+)\"|(?<![A-Za-z0-9])'(?P<sq>[^'\n]+)'(?![A-Za-z0-9])"
    r"|“(?P<cq>[^”\n]+)”|‘(?P<csq>[^’\n]+)’|「(?P<jq>[^」\n]+)」"
)
_CHAR = r"(?:\\.|[^\s\"“”‘’「」])"
# Any word (after `/upload`), or only words with a sign of a path (anywhere else).
_WORD = re.compile(rf"{_QUOTED}|(?P<word>{_CHAR}+)")
_PATHISH = re.compile(rf"{_QUOTED}|(?<![^\s\"“”‘’「」])(?={_CHAR}*?[/\\~.])(?P<word>{_CHAR}+)")
_PLAIN = re.compile(r"(?:\\.|\S)+")  # the words after a path, to join across plain spaces
# URLs are printable ASCII, so one glued to Chinese text ends where the Han text begins.
_URL = re.compile(r"(?i:https?|file)://[\x21\x23-\x26\x28-\x3b\x3d\x3f-\x5f\x61-\x7e]+")
_PATH_LIKE = re.compile(r"[/\\]|^~|[^./\\]\.[A-Za-z0-9]{1,5}$")
_PATH_START = re.compile(r"~|\.{1,2}[/\\]|/|[A-Za-z]:[\\/]|\\\\")
_PATH_END = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}[^\sA-Za-z0-9]*$")
_CUT = re.compile(r"[，。；：！？、）】」]|(?P<ext>\.[A-Za-z0-9]{1,5})(?=[^\x00-\x7f])")
_TRAILING = ".,;:!?)]}>，。；：！？）】」"
_ESCAPE = re.compile(r"\\(.)")
_LEAD = re.compile(
    r"^(?:please\s+)?(?:upload|import|上传|导入)(?:\s*(?:this|these|it|them|the\s+files?|files?"
    r"|这个|这些|文件|素材|一下))?(?![A-Za-z0-9])|^[\s,，.。;；:：、]*(?:and\s+then|and|then|然后|再|并且|并)"
    r"(?![A-Za-z0-9])"
)
_SPACES = re.compile(r"[ \t]+")
# A removed path leaves a gap: none is wanted between Han characters or before punctuation.
_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])| (?=[,，.。;；:：!?！？])")
_TAIL = re.compile(r"(?:[\s,，、]*(?<![A-Za-z0-9])(?:and|和|与|跟|以及|还有))+$")
_NAMED = re.compile(r"[^/\\.~ ]")
_EDGES = " \t\r\n,，.。;；:：、-"

_Hit = tuple[str, str, int, int]  # ("file" | "url", path or URL, start, end)


class Found(NamedTuple):
    """Files and URLs found in a line, the text left over, and where the first one was."""

    files: tuple[str, ...]
    urls: tuple[str, ...]
    rest: str
    rule: str
    keyword: str
    start: int
    end: int
    note: str


def find_attachments(
    text: str, pos: int, exists: Callable[[str], bool], home: str | None, *, explicit: bool
) -> Found | None:
    """Files and URLs in `text[pos:]`, or None when there are none."""
    hits = list(_hits(text, pos, _limited(exists), home, explicit))
    if not hits:
        return None
    found: dict[str, dict[str, None]] = {"file": {}, "url": {}}  # ordered sets
    for kind, value, _, _ in hits:
        found[kind][value] = None
    files, urls = tuple(found["file"]), tuple(found["url"])
    rest = _rest(text, pos, [(start, end) for _, _, start, end in hits])
    first_kind, _, start, end = hits[0]
    counts = [_count(len(files), "file"), _count(len(urls), "URL")]
    note = " and ".join(count for count in counts if count) + " to upload"
    if rest:
        note += "; the rest goes to the agent afterwards"
    return Found(files, urls, rest, first_kind, text[start:end], start, end, note)


def _count(n: int, noun: str) -> str:
    return "" if n == 0 else (f"1 {noun}" if n == 1 else f"{n} {noun}s")


def _limited(exists: Callable[[str], bool]) -> Callable[[str], bool]:
    left = [_MAX_LOOKUPS]

    def limited(path: str) -> bool:
        left[0] -= 1
        return left[0] >= 0 and exists(path)

    return limited


def _hits(
    text: str, pos: int, exists: Callable[[str], bool], home: str | None, explicit: bool
) -> Iterator[_Hit]:
    skip_to = 0
    for m in islice((_WORD if explicit else _PATHISH).finditer(text, pos), _MAX_WORDS):
        start, end = m.span()
        if start < skip_to or end - start > _MAX_PATH:
            continue
        group = m.lastgroup or "word"
        if "://" in m.group():
            urls = _URL.finditer(text, *m.span(group))
            hits = [hit for u in urls if (hit := _url(u, exists, explicit))]
            if group != "word" and len(hits) == 1:  # a quoted URL goes with its quotes
                hits = [(hits[0][0], hits[0][1], start, end)]
        elif group != "word":
            inner = m.group(group)
            found = _existing(inner, exists, home) if explicit or _PATH_LIKE.search(inner) else None
            hits = [("file", found, start, end)] if found else []
        else:
            hit = _word(text, start, end, exists, home, explicit)
            hits = [hit] if hit else []
        if hits:
            skip_to = hits[-1][3]
            yield from hits


def _url(match: re.Match[str], exists: Callable[[str], bool], explicit: bool) -> _Hit | None:
    url = match.group().rstrip(_TRAILING + "'\"")
    start = match.start()
    end = start + len(url)
    if url[:7].lower() == "file://":
        path = unquote(url[7:])
        path = path[len("localhost") :] if path.startswith("localhost/") else path
        return ("file", path, start, end) if _usable(path) and exists(path) else None
    tail = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    extension = tail.rsplit(".", 1)[-1].lower() if "." in tail else ""
    if explicit or extension in MEDIA_EXTENSIONS:
        return "url", url, start, end
    return None


def _word(
    text: str, start: int, end: int, exists: Callable[[str], bool], home: str | None, explicit: bool
) -> _Hit | None:
    for s, e in _spans(text, start, end):
        candidate = text[s:e]
        if explicit or _PATH_LIKE.search(candidate):
            found = _existing(candidate, exists, home)
            if found:
                return "file", found, s, e
    if not _PATH_START.match(text, start):
        return None
    # A pasted path with plain spaces: try it joined with the next words, longest first.
    words = [m.span() for m in islice(_PLAIN.finditer(text, end), _MAX_JOINED)]
    for first, stop in reversed(words):
        if _PATH_END.search(text, first, stop) and stop - start <= _MAX_PATH:
            for s, e in _spans(text, start, stop):
                found = _existing(text[s:e], exists, home)
                if found:
                    return "file", found, s, e
    return None


def _spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Ways to read a path in `text[start:end]`, longest first."""
    trimmed = end
    while trimmed > start + 1 and text[trimmed - 1] in _TRAILING:
        trimmed -= 1
    if text.isascii():
        yield start, end
        if trimmed != end:
            yield start, trimmed
        return
    ends = {end, trimmed}
    ends.update(m.end() if m.lastgroup else m.start() for m in _CUT.finditer(text, start, trimmed))
    starts = [start]
    m = _PATH_START.search(text, start, end)
    if m is not None and m.start() > start and not text[m.start() - 1].isascii():
        starts.append(m.start())
    for s in starts:
        for e in sorted(ends, reverse=True):
            if e > s:
                yield s, e


def _existing(candidate: str, exists: Callable[[str], bool], home: str | None) -> str | None:
    forms = [candidate]
    if "\\" in candidate:
        forms.append(_ESCAPE.sub(r"\1", candidate))
    for form in forms:
        path = _expand(form, home)
        if _usable(path) and exists(path):
            return path
    return None


def _expand(path: str, home: str | None) -> str:
    if home is None or not path.startswith("~") or not (len(path) == 1 or path[1] in "/\\"):
        return path
    return home.rstrip("/\\") + path[1:]


def _usable(path: str) -> bool:
    # "/", ".", "~" and the like exist everywhere and are never what the user meant to send.
    return _NAMED.search(path) is not None


def _rest(text: str, pos: int, spans: list[tuple[int, int]]) -> str:
    pieces, cursor = [], pos
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    rest = _GAP.sub("", _SPACES.sub(" ", " ".join(pieces)))
    rest = _TAIL.sub("", rest.strip(_EDGES)).strip(_EDGES)
    for _ in range(2):
        rest = _LEAD.sub("", rest, count=1).strip(_EDGES)
    return rest
