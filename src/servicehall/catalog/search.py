"""Search text for service items: Chinese words (simplified or traditional), full pinyin and pinyin
initials, so ``hz``, ``huzhao``, ``护照`` and ``護照`` all find 普通护照签发."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_NON_WORD = re.compile(r"[\s()（）\[\]【】《》,，、.。:：;；/\-]+")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text or "")


@lru_cache(maxsize=4096)
def _pinyin_forms(text: str) -> tuple[str, str]:
    chunks = [c for c in _NON_WORD.split(to_simplified(text)) if c]
    full = "".join("".join(lazy_pinyin(c)) for c in chunks)
    initials = "".join("".join(p[0] for p in lazy_pinyin(c, style=Style.FIRST_LETTER) if p) for c in chunks)
    return full.lower(), initials.lower()


def build_search_text(
    *, name: str, code: str, department: str, category: str, keywords: str = "", name_en: str = ""
) -> str:
    """Everything a search may match, lower-cased; derived, never edited by hand. The English name is
    in it too, so that an English reader finds "passport"."""
    full, initials = _pinyin_forms(name)
    parts = [name, to_simplified(name), name_en, code, department, to_simplified(department), category]
    for keyword in (keywords or "").split():
        parts += [keyword, to_simplified(keyword), *_pinyin_forms(keyword)]
    parts += [full, initials]
    return " ".join(p for p in parts if p).lower()


def query_terms(query: str) -> list[str]:
    """Split a query into terms that must all match; traditional characters become simplified."""
    simplified = to_simplified(query or "").lower()
    return [t for t in _NON_WORD.split(simplified) if t][:8]


def rank(name: str, terms: list[str]) -> tuple[int, int, int]:
    """Sort key, lower is better: a match in the name (Chinese, pinyin or initials) before a match
    elsewhere (department, description); then the earlier in the name the match starts; then shorter
    names. So ``hz`` puts 普通护照签发 before ...待遇核准."""
    if not terms:
        return (0, 0, 0)
    simplified = to_simplified(name).lower()
    full, initials = _pinyin_forms(name)
    first = terms[0]
    positions = []
    if first in simplified:
        positions.append(simplified.index(first))
    if first in initials:
        positions.append(initials.index(first))
    if first in full:
        positions.append(len(full[: full.index(first)]) // 3)  # ~3 letters per syllable
    if not positions:
        return (1, 0, len(name))
    return (0, min(positions), len(name))
