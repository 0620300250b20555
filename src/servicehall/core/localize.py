"""Content in the reader's language: the one place that decides which text of a hall's own content
(service names, materials, counters, halls, priority classes…) a reader sees.

Content is written in simplified Chinese first. A translatable text ``x`` may have an English twin
``x_en`` (filled by the manager, the import or the demo) and, for names, an optional traditional-Chinese
override ``x_zh_hant``. ``pick`` chooses:

* ``en`` → the English text, or the Chinese one when nobody wrote it (never an error, never blank);
* ``zh-hant`` → the override, else the simplified text converted by OpenCC ``s2t`` (characters only, the
  same mainland wording as the page chrome's catalogue: 身份证 → 身份證, not the Taiwan 身分證);
* ``zh-hans`` (and anything else) → the text as written.

Models declare the reading side with ``LocalizedText("name")``: ``item.name_local`` in a template or a
view is the name in the active language. See docs/content-language.md.
"""

from functools import lru_cache

from django.utils.translation import get_language

ENGLISH, TRADITIONAL, SIMPLIFIED = "en", "zh-hant", "zh-hans"


def content_language(language: str | None = None) -> str:
    """Which of the three content languages ``language`` (default: the active one) reads."""
    code = (language or get_language() or SIMPLIFIED).lower().replace("_", "-")
    if code.startswith("en"):
        return ENGLISH
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or code.startswith("zh-hant"):
        return TRADITIONAL
    return SIMPLIFIED


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    """Simplified → traditional characters (cached: the same names are converted on every page)."""
    return _s2t().convert(text) if text else ""


def pick(text: str, *, en: str = "", zh_hant: str = "", language: str | None = None) -> str:
    """``text`` (simplified Chinese) in the reader's language; see the module docstring."""
    lang = content_language(language)
    if lang == ENGLISH:
        return en or text or ""
    if lang == TRADITIONAL:
        return zh_hant or to_traditional(text or "")
    return text or ""


def pick_list(texts, *, en=None, language: str | None = None) -> list[str]:
    """A list of texts (handling steps) in the reader's language; an English step left blank (or a
    shorter English list) falls back to the Chinese step at the same place."""
    texts = list(texts or [])
    en = list(en or [])
    return [pick(t, en=en[i] if i < len(en) else "", language=language) for i, t in enumerate(texts)]


def pick_dict(obj: dict, field: str = "name", language: str | None = None) -> str:
    """A JSON-stored text (a priority class's ``name`` with ``name_en`` and ``name_zh_hant``)."""
    return pick(
        str(obj.get(field) or ""),
        en=str(obj.get(f"{field}_en") or ""),
        zh_hant=str(obj.get(f"{field}_zh_hant") or ""),
        language=language,
    )


class LocalizedText:
    """Model attribute ``<field>_local``: ``obj.<field>`` in the active language, from the sibling fields
    ``<field>_en`` and (where the model has it) ``<field>_zh_hant``."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return pick(
            getattr(obj, self.field, "") or "",
            en=getattr(obj, f"{self.field}_en", "") or "",
            zh_hant=getattr(obj, f"{self.field}_zh_hant", "") or "",
        )


class LocalizedList(LocalizedText):
    """Like ``LocalizedText`` for a JSON list of texts (handling steps)."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return pick_list(getattr(obj, self.field, None), en=getattr(obj, f"{self.field}_en", None))
