"""Every user-facing string is translated into simplified and traditional Chinese, with its placeholders
intact (a lost %(days)s would crash the page in that language)."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "servicehall" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{\s*\w+\s*\}\}|%s|%d")


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_string_is_translated_with_its_placeholders(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    for entry in po:
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(translated)), (
            entry.msgid
        )


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_the_compiled_catalogue_is_up_to_date(language):
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = polib.mofile(str(folder / "django.mo"))
    source = polib.pofile(str(folder / "django.po"))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural} == {
        (e.msgctxt, e.msgid): e.msgstr for e in source if not e.msgid_plural and not e.obsolete
    }
