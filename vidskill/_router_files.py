"""Find local files and media URLs in a line, the way terminals paste them.

A dragged file arrives as a bare path, a quoted path ('/a/My Clip.mp4', "C:\\My Clip.mp4") or
a path with backslash escapes (/a/My\\ Clip.mp4); a pasted path may also hold plain spaces, so a
path-like word that does not exist is tried again joined with the words after it. Whether a
path exists is asked of the caller's `exists`; `~` is expanded only against the caller's `home`.
Paths that do not exist stay text. An http(s) URL counts when its path ends in a media
extension (any URL does after `/upload`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

MEDIA_EXTENSIONS = frozenset(
    "mp4 mov avi webm mkv m4v jpg jpeg png gif webp heic heif mp3 wav m4a aac txt docx".split()
)
_MAX_JOINED = 8  # words a pasted path with plain spaces may span

HINT = re.compile(r"[/\\~“‘「]|(?<![A-Za-z0-9])['\"]|\.[A-Za-z0-9]{1,5}(?![A-Za-z0-9])")
_TOKEN = re.compile(
    r"(?P<url>(?i:https?|file)://[\x21\x23-\x26\x28-\x3b\x3d\x3f-\x5f\x61-\x7e]+)"
    r"|\"(?P<dq>[^\"\n]+)\"|(?<![A-Za-z0-9])'(?P<sq>[^'\n]+)'(?![A-Za-z0-9])"
    r"|“(?P<cq>[^”\n]+)”|‘(?P<csq>[^’\n]+)’|「(?P<jq>[^」\n]+)」"
    r"|(?P<tok>(?:(?!(?i:https?|file)://)(?:\\.|[^\s\"“”‘’「」]))+)"
)
_PATH_LIKE = re.compile(r"[/\\]|^~|[^./\\]\.[A-Za-z0-9]{1,5}$")
_PATH_START = re.compile(r"~|\.{1,2}[/\\]|/|[A-Za-z]:[\\/]|\\\\")
# Where a path may stop inside a token: before CJK punctuation, or after an extension.
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
_EDGES = " \t\r\n,，.。;；:：、-"


@dataclass(frozen=True)
class Found:
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
    if not explicit and HINT.search(text, pos) is None:
        return None
    hits = list(_hits(text, pos, exists, home, explicit))
    if not hits:
        return None
    files = tuple(dict.fromkeys(value for kind, value, _, _ in hits if kind == "file"))
    urls = tuple(dict.fromkeys(value for kind, value, _, _ in hits if kind == "url"))
    rest = _rest(text, pos, [(start, end) for _, _, start, end in hits])
    first_kind, _, start, end = hits[0]
    note = f"{_count(len(files), 'file')} and {_count(len(urls), 'URL')} to upload"
    if rest:
        note += "; the rest goes to the agent afterwards"
    return Found(files, urls, rest, first_kind, text[start:end], start, end, note)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _hits(
    text: str, pos: int, exists: Callable[[str], bool], home: str | None, explicit: bool
) -> Iterator[tuple[str, str, int, int]]:
    tokens = list(_TOKEN.finditer(text, pos))
    skip_to = 0
    for i, m in enumerate(tokens):
        if m.start() < skip_to:
            continue
        if m.lastgroup == "url":
            hit = _url(m.group(), m.start(), exists, explicit)
        elif m.lastgroup != "tok":
            inner = m.group(m.lastgroup or "")
            found = _existing(inner, exists, home) if explicit or _PATH_LIKE.search(inner) else None
            hit = ("file", found, m.start(), m.end()) if found else None
        else:
            hit = _token(text, tokens, i, exists, home, explicit)
        if hit is not None:
            skip_to = hit[3]
            yield hit


def _url(
    raw: str, start: int, exists: Callable[[str], bool], explicit: bool
) -> tuple[str, str, int, int] | None:
    url = raw.rstrip(_TRAILING + "'\"")
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


def _token(
    text: str,
    tokens: list[re.Match[str]],
    i: int,
    exists: Callable[[str], bool],
    home: str | None,
    explicit: bool,
) -> tuple[str, str, int, int] | None:
    start, end = tokens[i].span()
    for s, e in _spans(text, start, end):
        candidate = text[s:e]
        if explicit or _PATH_LIKE.search(candidate):
            found = _existing(candidate, exists, home)
            if found:
                return "file", found, s, e
    if not _PATH_START.match(text, start):
        return None
    # A pasted path with plain spaces: try it joined with the next words, longest first.
    last = min(len(tokens), i + 1 + _MAX_JOINED)
    for j in range(last - 1, i, -1):
        if any(t.lastgroup != "tok" for t in tokens[i + 1 : j + 1]):
            continue
        for s, e in _spans(text, start, tokens[j].end()):
            found = _existing(text[s:e], exists, home)
            if found:
                return "file", found, s, e
    return None


def _spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Ways to read a path in `text[start:end]`, longest first.

    Chinese text runs into a path without spaces ("上传/a/logo.png，然后加到片尾"), so a
    token is also cut after a non-ASCII prefix and before CJK punctuation or Han text that
    follows a file extension; trailing punctuation is dropped too.
    """
    ends = [end]
    trimmed = end
    while trimmed > start + 1 and text[trimmed - 1] in _TRAILING:
        trimmed -= 1
    if trimmed != end:
        ends.append(trimmed)
    starts = [start]
    if not text.isascii():
        cuts = (m.end() if m.lastgroup else m.start() for m in _CUT.finditer(text, start, end))
        ends.extend(cut for cut in cuts if cut < trimmed)
        m = _PATH_START.search(text, start, end)
        if m is not None and m.start() > start and not text[m.start() - 1].isascii():
            starts.append(m.start())
    for s in starts:
        for e in sorted(set(ends), reverse=True):
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
    return any(c not in "/\\.~ " for c in path)


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
