"""The runtime's messages: the same keys and fields in English and Chinese, and the fallbacks."""

from __future__ import annotations

import string

import pytest

from vidskill import messages


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(messages.EN) == set(messages.ZH)


@pytest.mark.parametrize("key", sorted(messages.EN))
def test_each_message_has_the_same_fields_and_is_translated(key: str) -> None:
    assert _fields(messages.EN[key]) == _fields(messages.ZH[key])
    if messages.EN[key] not in ("{detail}",):
        assert messages.EN[key] != messages.ZH[key]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in messages.ZH[key])


@pytest.mark.parametrize(
    ("lang", "catalog"),
    [
        ("en", "en"),
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("fr", "en"),
        ("", "en"),
    ],
)
def test_languages_read_their_catalog(lang: str, catalog: str) -> None:
    assert messages.catalog_language(lang) == catalog
    expected = (messages.ZH if catalog == "zh-CN" else messages.EN)["ready"]
    assert messages.text("ready", lang) == expected


def test_fields_are_filled_and_unknown_keys_are_a_programming_error() -> None:
    assert messages.text("uploaded", "en", count=2, names="a.png, b.png") == (
        "Uploaded 2 file(s): a.png, b.png"
    )
    assert messages.text("lang_set", "zh-CN", lang="en") == "语言已切换为 en。"
    with pytest.raises(KeyError):
        messages.text("no-such-message", "en")
