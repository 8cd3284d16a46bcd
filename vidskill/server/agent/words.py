"""Numbers, ordinals and durations as people write them in English and Chinese."""

from __future__ import annotations

import re

EN_NUMBERS = {
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
EN_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "final": -1,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# Longest alternatives first, so "fifteen" is not read as "fif" + "teen".
EN_WORDS = (
    rf"half\s+an?|(?:{_TENS})(?:[\s-](?:{_UNITS}))?|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    rf"ten|zero|{_UNITS}|an?"
)
ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_NUMBER = r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+|半"


def en_number(text: str) -> float | None:
    """The value of an English number ("15", "1.5", "fifteen", "forty-five", "half a")."""
    word = re.sub(r"\s+", " ", text.strip().lower())
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    if word.startswith("half"):
        return 0.5
    parts = re.split(r"[\s-]", word)
    if all(part in EN_NUMBERS for part in parts):
        return float(sum(EN_NUMBERS[part] for part in parts))
    return None


def zh_number(text: str) -> float | None:
    """The value of a Chinese or Arabic number ("15", "十五", "三十", "一百二十", "半")."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text == "半":
        return 0.5
    if not text or any(ch not in ZH_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in ZH_DIGITS:
            current = ZH_DIGITS[ch]
        else:
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
    return float(total + current)


def number(text: str) -> float | None:
    """An English, Chinese or Arabic number."""
    value = en_number(text)
    return value if value is not None else zh_number(text)


def ordinal(text: str) -> int | None:
    """A 1-based position ("second", "2nd", "2", "第二", "二"), or -1 for "last"/"最后"."""
    word = text.strip().lower()
    if word in EN_ORDINALS:
        return EN_ORDINALS[word]
    if "最后" in word or "末" in word:
        return -1
    digits = re.fullmatch(r"#?\s*(\d+)(?:st|nd|rd|th)?", word)
    if digits:
        return int(digits.group(1))
    value = zh_number(word.removeprefix("第"))
    return int(value) if value is not None and value >= 1 and value == int(value) else None


def seconds(amount: float | None, unit: str) -> int | None:
    """A duration in ms from an amount and a unit word ("s", "seconds", "分钟", "min", ...)."""
    if amount is None:
        return None
    minutes = unit.lower().startswith(("m", "分"))
    return round(amount * (60_000 if minutes else 1000))
