"""The engine's messages in the reader's language.

The engine knows nothing of Django and speaks English ("file:line: key: unknown variable
'x'"). Where one of its messages reaches a page, the place (file, line, key) is kept as it is
and the message is said again in the active language; a message this table does not know is
shown as the engine wrote it, after a sentence in the reader's language.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_PLACE = re.compile(r"^(?P<place>\S+?(?::\d+)?: [\w.\-\u4e00-\u9fff]+: )(?P<text>.+)$", re.S)
_CLOSE = r"(?:; did you mean (?P<close>.+?)\?)?"
PATTERNS = [
    (re.compile(r"the number (?P<value>.+?) has neither source: .+ here or above$"),
     gettext_lazy("the number %(value)s has neither a source (document number and article) "
                  "nor a placeholder mark (why, and who sets it locally)")),
    (re.compile(rf"unknown variable '(?P<name>[^']+)'{_CLOSE}$"),
     gettext_lazy("unknown datum “%(name)s”%(close)s")),
    (re.compile(r"unknown variables (?P<name>.+)$"),
     gettext_lazy("unknown data: %(name)s")),
    (re.compile(rf"unknown key '(?P<name>[^']+)'{_CLOSE}$"),
     gettext_lazy("unknown key “%(name)s”%(close)s")),
    (re.compile(rf"unknown name '(?P<name>[^']+)'{_CLOSE} \(column (?P<column>\d+)\).*$", re.S),
     gettext_lazy("unknown name “%(name)s” at character %(column)s%(close)s")),
    (re.compile(rf"no column '(?P<name>[^']+)' in the data{_CLOSE}$"),
     gettext_lazy("the data has no column “%(name)s”%(close)s")),
    (re.compile(r"dates overlap: (?P<spans>.+); each day may have one value$"),
     gettext_lazy("dates overlap: %(spans)s; each day may have one value")),
    (re.compile(r"syntax error: (?P<detail>.+?) \(column (?P<column>\d+)\).*$", re.S),
     gettext_lazy("the formula cannot be read at character %(column)s (%(detail)s)")),
    (re.compile(r"^file not found$"), gettext_lazy("file not found")),
    (re.compile(r"^a real clause must cite its source$"),
     gettext_lazy("a clause of a real policy must cite its source")),
    (re.compile(r"^Field required$"), gettext_lazy("this key is required")),
    (re.compile(r"the amount comes out in (?P<got>\S+) but the benefit is in (?P<want>\S+?)"
                r"(?:; convert .*)?$"),
     gettext_lazy("the amount comes out in %(got)s but the benefit is in %(want)s: convert "
                  "one of them with convert()")),
    (re.compile(r"(?:adds|compares|chooses between) (?P<a>\S+) and (?P<b>\S+) without a "
                r"conversion.*$"),
     gettext_lazy("%(a)s and %(b)s are mixed without a conversion: use convert()")),
    (re.compile(r"no clause '(?P<name>[^']+)' in the shipped policies$"),
     gettext_lazy("no published clause “%(name)s”")),
]


def translated(message: str) -> str:
    """One engine message in the active language, its place kept."""
    place, text = "", message.strip()
    located = _PLACE.match(text)
    if located:
        place, text = located["place"], located["text"]
    for pattern, words in PATTERNS:
        found = pattern.search(text)
        if found:
            values = {key: value or "" for key, value in found.groupdict().items()}
            if "close" in values:
                values["close"] = (_("; did you mean %(names)s?") % {"names": values["close"]}
                                   if values["close"] else "")
            return f"{place}{words % values}"
    lead = _("(as the engine says)")
    return f"{place}{lead} {text}"
