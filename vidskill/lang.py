"""Which language a user writes in, as a code for the session `language` field.

The script decides first: Han characters make Chinese (`zh-CN`), kana Japanese, hangul Korean,
and Cyrillic, Greek, Arabic, Hebrew, Thai and Devanagari their usual language. Only Latin-only
text needs a statistical guess. Short commands defeat any statistical model ("render it" scores
as Danish, "add a logo" as Welsh), so Latin text made mostly of common English words is English
at once, and langdetect, seeded and imported on first need, judges the rest. Quoted passages
(titles and captions the user dictates) are left out unless nothing else is there. `detect`
never raises: text with no letters at all is English, the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DEFAULT = "en"
# Enough of the text to judge it; the rest of a huge paste adds nothing but time.
_SAMPLE = 2000
# Below this many Latin letters a statistical guess is noise.
_MIN_LETTERS = 12
_MIN_CONFIDENCE = 0.8

_QUOTED = re.compile(
    r"\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」|『[^』\n]*』|《[^》\n]*》"
    r"|(?<![A-Za-z0-9])'[^'\n]*'(?![A-Za-z0-9])"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_LATIN = r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# A word is letters only: "mp4" and "1080p" are names of things, not words of a language.
_LATIN_WORD = re.compile(rf"(?<![{_LATIN}0-9])[{_LATIN}]+(?:['’][{_LATIN}]+)*(?![{_LATIN}0-9])")
_OTHER_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04ff]+")),
    ("el", re.compile(r"[\u0370-\u03ff]+")),
    ("ar", re.compile(r"[\u0600-\u06ff]+")),
    ("he", re.compile(r"[\u0590-\u05ff]+")),
    ("th", re.compile(r"[\u0e00-\u0e7f]+")),
    ("hi", re.compile(r"[\u0900-\u097f]+")),
)

_ENGLISH = frozenset(
    """
    a about after again all also am an and any anything are as at back be before bit but by can
    could do does don't done for from get give go good great have he help her here him his how i
    i'd i'll i'm if in into is it it's its just keep let let's like little look looks lot make me
    more most much my need no not now of off ok okay on one only or our out over please put really
    right same see she should show so some something than thanks that that's the their them then
    there these they this those to too up us use very want was way we what what's when where
    which while who why will with would yes yet you your
    add audio background balance bgm bigger brighter caption captions change clip clips color
    colour credit credits cut darker download draft end export fade faster file files font image
    images intro left logo longer loud louder movie music new outro overlay photo photos picture
    pictures quieter remove render replace second seconds send shorter slower slide slideshow song
    sound speed start state status subtitle subtitles text timeline title track tracks transition
    transitions trim upload video videos voice voiceover volume
    """.split()
)

_Guess = Callable[[str], list[Any]]
_langdetect: _Guess | None = None


def detect(text: str) -> str:
    """The language code ("en", "zh-CN", "fr", ...) of `text`; never raises."""
    sample = text[:_SAMPLE]
    outside = _QUOTED.sub(" ", sample) if ("'" in sample or "\"" in sample or not sample.isascii()) else sample
    found = _by_script(outside)
    if found is None and outside != sample:
        found = _by_script(sample)
    return found or DEFAULT


def _by_script(text: str) -> str | None:
    han = len(_HAN.findall(text))
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    words = _LATIN_WORD.findall(text)
    others = [(len(rx.findall(text)), code) for code, rx in _OTHER_SCRIPTS]
    other_words, other_code = max(others)
    cjk = han + kana + hangul
    if cjk and cjk >= len(words) + other_words:
        if hangul >= han + kana:
            return "ko"
        return "ja" if kana * 2 >= han else "zh-CN"
    if other_words > len(words):
        return other_code
    return _latin(words) if words else None


def _latin(words: list[str]) -> str:
    english = sum(1 for word in words if word.lower().replace("’", "'") in _ENGLISH)
    if english * 2 >= len(words) or sum(map(len, words)) < _MIN_LETTERS:
        return DEFAULT
    return _guess(" ".join(words))


def _guess(text: str) -> str:
    try:
        ranked = _detector()(text)
    except Exception:  # a failing third-party model must not break routing
        return DEFAULT
    if not ranked or ranked[0].prob < _MIN_CONFIDENCE:
        return DEFAULT
    code = str(ranked[0].lang)
    return "zh-CN" if code == "zh-cn" else ("zh-TW" if code == "zh-tw" else code)


def _detector() -> _Guess:
    global _langdetect
    if _langdetect is None:
        # Imported here: loading the profiles costs more than everything else a route needs.
        from langdetect import DetectorFactory, detect_langs

        DetectorFactory.seed = 0
        _langdetect = detect_langs
    return _langdetect
