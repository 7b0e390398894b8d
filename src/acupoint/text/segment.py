"""Chinese text cut into words with jieba, knowing the industry-policy terms it ships with
(新能源汽车, 专精特新, 免申即享…) so that they stay whole."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

DICTIONARY = Path(__file__).with_name("policy_terms.txt")
jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()
_PUNCTUATION = re.compile(r"[\s，。、；：？！“”‘’（）()【】《》〈〉,.;:?!\"'\[\]<>/\\|-]+")


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(DICTIONARY))
        return tokenizer


def words(text: str) -> list[str]:
    """The words of ``text`` (punctuation and spaces dropped)."""
    return [word for word in _tokenizer().lcut(text) if not _PUNCTUATION.fullmatch(word)]


def search_terms(query: str) -> list[str]:
    """The words a search must find, each at most once (single characters of a longer query
    such as 的 are dropped)."""
    terms = list(dict.fromkeys(words(query.strip())))
    longer = [term for term in terms if len(term) > 1]
    return longer or terms
