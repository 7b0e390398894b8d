"""Chinese text cut into words with jieba, knowing the industry-policy terms it ships with
(新能源汽车, 专精特新, 免申即享…) and the GB/T 4754-2017 industry names (汽车整车制造…) so that
they stay whole."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

from acupoint.registry import industry

DICTIONARY = Path(__file__).with_name("policy_terms.txt")
jieba.setLogLevel(logging.WARNING)
INDUSTRY_FREQUENCY = 20
_lock = threading.Lock()
_PUNCTUATION = re.compile(r"[\s，。、；：？！“”‘’（）()【】《》〈〉,.;:?!\"'\[\]<>/\\|…~～—-]+")
# What normalising drops: the same minus what numbers are written with (1.5, 20%, 10元/人).
_SEPARATORS = re.compile(r"[\s，。、；：？！“”‘’（）()【】《》〈〉,;:?!\"'\[\]<>\\|…~～—]+")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(DICTIONARY))
        for term in industry_terms():
            tokenizer.add_word(term, INDUSTRY_FREQUENCY)
        return tokenizer


def industry_terms() -> list[str]:
    """Industry names short enough to be one term (lists such as 农、林、牧、渔业 are not)."""
    return [code.name for code in industry.table().values()
            if 2 < len(code.name) <= 8 and not _PUNCTUATION.search(code.name)]


def normalised(text: str) -> str:
    """The text without spaces and punctuation, in lower case: what two texts that say the
    same thing have in common."""
    return _SEPARATORS.sub("", text).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` (punctuation and spaces dropped)."""
    return [word for word in _tokenizer().lcut(text) if not _PUNCTUATION.fullmatch(word)]


def search_terms(query: str) -> list[str]:
    """The words a search must find, each at most once (single characters of a longer query
    such as 的 are dropped)."""
    terms = list(dict.fromkeys(words(query.strip())))
    longer = [term for term in terms if len(term) > 1]
    return longer or terms
