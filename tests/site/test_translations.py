"""The Chinese catalogue is complete and its compiled form is current."""

import gettext
import re
from pathlib import Path

import polib
from django.utils import translation

import acupoint

CATALOGUE = Path(acupoint.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_string_is_translated_and_the_mo_file_matches():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.percent_translated() == 100
    assert not [entry.msgid for entry in po if entry.fuzzy]
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.msgid_plural:
            continue
        found = (compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                 else compiled.gettext(entry.msgid))
        assert found == entry.msgstr, entry.msgid


def test_chinese_is_the_default_language():
    from acupoint.accounts.roles import Role

    with translation.override("zh-hans"):
        assert str(Role.DISTRICT_OFFICER.label) == "区市工作人员"
    with translation.override("en"):
        assert str(Role.DISTRICT_OFFICER.label) == "District officer"


def test_translations_keep_every_placeholder():
    """A translation matched by makemessages' fuzzy guess can carry another message's
    placeholders; formatting it then fails at run time."""
    placeholders = re.compile(r"%\(\w+\)[sd]")
    po = polib.pofile(str(CATALOGUE / "django.po"))
    wrong = [entry.msgid for entry in po if entry.msgstr
             and sorted(placeholders.findall(entry.msgid))
             != sorted(placeholders.findall(entry.msgstr))]
    assert wrong == []
