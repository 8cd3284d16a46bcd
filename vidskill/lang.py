"""Which language a user writes in, as a code for the session `language` field.

The script decides first: Han characters make Chinese (`zh-CN`) when they are at least as many
as the other words, kana Japanese, hangul Korean, and Cyrillic, Greek, Arabic, Hebrew, Thai and
Devanagari their usual language. Only Latin-only text needs a statistical guess, and short
commands defeat any statistical model ("render it" scores as Danish, "add a logo" as Welsh). So
Latin text is English when half of its telling words (words not shared by the major Latin-script
languages, like "a", "in", "video") are common English words, or when it has too few of them to
tell; otherwise langdetect, seeded and imported on first need, judges it, and only a confident
guess replaces the default. Quoted passages (titles and captions the user dictates) are left
out unless nothing else is there. `detect` never raises: text without letters is English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DEFAULT = "en"
# Enough of the text to judge it; the rest of a huge paste adds nothing but time.
_SAMPLE = 2000
# Below this many Latin words or letters a statistical guess is noise.
_MIN_WORDS = 4
_MIN_LETTERS = 15
_MIN_CONFIDENCE = 0.9

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


# Latin words it takes before a line counts as plainly English rather than a lone command word.
_PLAIN_ENGLISH_WORDS = 3


def unmistakable(text: str) -> str | None:
    """The language a line is plainly written in (Han: "zh-CN"; 3+ Latin words: "en"), else None.

    A conversation already under way switches only on this, so a lone "export" typed by a
    Chinese user does not turn vidskill's messages to English.
    """
    if _HAN.search(text):
        return "zh-CN"
    if len(_LATIN_WORD.findall(text[:_SAMPLE])) >= _PLAIN_ENGLISH_WORDS:
        return DEFAULT
    return None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common English words that are not also common words of French, Spanish, German, Italian,
# Portuguese or Dutch; those shared words ("a", "in", "video", "logo") count for neither side.
_ENGLISH = _words(
    """
    about after again ago all already always another any anything are around as ask at away back
    bad be because been before being best better between big both but by can can't could did
    didn't do does doesn't doing don't done down each either else enough even ever every
    everything few find fine first for found from get gets getting give go goes going gone good
    got great had has have having he her here hers him his how i i'd i'll i'm i've if into is
    isn't it it'd it'll it's its just keep kind know last later least less let let's like little
    look looks lot lots made make many maybe might mine more most much must my myself need never
    new next nice not nothing now of off often old once one only or other our out own please
    pretty put quite rather really right same say says see seems she should show since some
    something soon still such sure than thank thanks that that's the their them then there
    these they thing things think this those though through to too try two under until up very
    wait want was way we well were what what's when where which while who why with without won't
    would yeah yes yet you you're your
    add adding audio background bar bgm bigger black blue bold bottom brand bright brighter button
    caption captions card center change check clean clear clip clips close color colors colour
    colours cool corner cover crashed create credit credits cut dark darker description download
    draft drop edit end ending every export fade failed fast faster file files fit fix font footage
    frame funny green happy heavy high hold image images intro left light line link long longer
    loop loud louder love low middle missing movie music names narration outro overlay overlays
    perfect photo photos picture pictures play pop product quick quieter ready red remove render
    replace round run screen second seconds send shadow short shorter showcase side size slide
    slides slideshow slow slower small smaller smooth soft song sorry sound speed start state
    subtitle subtitles team text timeline title too top track tracks transition transitions trim
    turn upload voice voiceover volume watch weird white wow wrong yellow zoom
    called tips today yours update updates saying named titled
    """
)
_SHARED = _words(
    """
    a al also am an art auto bit come de di die do e en es film hand in intro is la le logo me
    mit no o ok okay on or over per radio so solo status taxi text video videos was will
    """
)
_ENGLISH -= _SHARED

_Guess = Callable[[str], list[Any]]
_langdetect: _Guess | None = None


def detect(text: str) -> str:
    """The language code ("en", "zh-CN", "fr", ...) of `text`; never raises."""
    sample = text[:_SAMPLE]
    if sample.isascii():
        outside = _QUOTED.sub(" ", sample) if ("'" in sample or '"' in sample) else sample
        words = _LATIN_WORD.findall(outside) or _LATIN_WORD.findall(sample)
        return _latin(words) if words else DEFAULT
    found = _by_script(_QUOTED.sub(" ", sample))
    return found or _by_script(sample) or DEFAULT


def _by_script(text: str) -> str | None:
    han = len(_HAN.findall(text))
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    words = _LATIN_WORD.findall(text)
    other_words, other_code = max((len(rx.findall(text)), code) for code, rx in _OTHER_SCRIPTS)
    cjk = han + kana + hangul
    if cjk and cjk >= len(words) + other_words:
        if hangul >= han + kana:
            return "ko"
        return "ja" if kana * 2 >= han else "zh-CN"
    if other_words > len(words):
        return other_code
    return _latin(words) if words else None


def _latin(words: list[str]) -> str:
    folded = [word.lower().replace("’", "'") for word in words]
    english = sum(1 for word in folded if word in _ENGLISH)
    telling = sum(1 for word in folded if word not in _SHARED)
    if english * 2 >= telling or telling < _MIN_WORDS:
        return DEFAULT
    if sum(map(len, words)) < _MIN_LETTERS:
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
