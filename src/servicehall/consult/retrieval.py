"""Retrieval for the assistant: tokenizers for Chinese (jieba, simplified and traditional folded by OpenCC),
English (lower-cased words, plural and -ing folded, a few synonyms) and pinyin typed without tones, and
one BM25 index (``bm25s``) per language over a hall's documents.

Nothing here touches the database: ``knowledge`` turns the catalogue and the FAQ into ``Doc`` rows and
``index`` keeps one ``HallIndex`` per hall in memory. Everything is local: jieba's dictionary ships with
the package, the domain words come from the hall's own catalogue.

Why a coverage figure beside the BM25 score: BM25 always ranks something first, even for "what is the
weather tomorrow". The share of the question's informative words (weighted by rarity) that the best
document contains says whether the hall's knowledge answers the question at all; ``assistant`` declines
below a threshold calibrated on the labelled question set (``tests/consult/questions.json``).
"""

import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import bm25s
import numpy as np
from pypinyin import lazy_pinyin

from servicehall.catalog.search import to_simplified
from servicehall.consult.lexicon import (
    EN_ASPECT,
    EN_STOP,
    EN_SYNONYMS,
    ZH_ASPECT,
    ZH_STOP,
    ZH_SYNONYMS,
    words,
)

CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")

TRUNCATE = 6  # English words are cut to their first six letters: register, registration, registering


def _stem(word: str) -> str:
    """Truncation stemming: crude, local and good enough for short questions against a catalogue."""
    return word[:TRUNCATE]


def _english_words(text: str) -> list[str]:
    return [w for w in LATIN_WORD.findall((text or "").lower()) if w not in EN_STOP]


def english_tokens(text: str) -> tuple[list[str], set[str]]:
    """(every scored token, the aspect tokens among them) of an English text; stop words dropped."""
    tokens, aspects = [], set()
    for word in _english_words(text):
        stem = _stem(word)
        tokens.append(stem)
        if word in EN_ASPECT:
            aspects.add(stem)
    return tokens, aspects


def english_groups(text: str) -> tuple[list[str], list[list[str]], set[str]]:
    """A question's scored tokens (synonyms added), its content groups (each word with its
    alternatives) and its aspect tokens."""
    tokens, groups, aspects = [], [], set()
    for word in _english_words(text):
        alternatives = [_stem(word)] + [_stem(w) for w in EN_SYNONYMS.get(word, [])]
        tokens += alternatives
        if word in EN_ASPECT:
            aspects.add(alternatives[0])
        else:
            groups.append(alternatives)
    return tokens, groups, aspects


class ChineseTokenizer:
    """jieba in search mode (营业执照 → 营业, 执照, 营业执照) on simplified text, with the hall's domain
    words added (item names, keywords, materials). One tokenizer per process, its own dictionary, so
    the global ``jieba`` used elsewhere is untouched."""

    def __init__(self):
        import jieba

        self._lock = threading.Lock()
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._known: set[str] = set()
        for word in DOMAIN_WORDS:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        word = to_simplified(word).strip()
        if len(word) < 2 or word in self._known or not CJK.search(word):
            return
        with self._lock:
            self._jieba.add_word(word, freq=20000)
            self._known.add(word)

    def tokens(self, text: str) -> tuple[list[str], set[str]]:
        simplified = to_simplified(text or "").lower()
        tokens, aspects = [], set()
        for token in self._jieba.lcut_for_search(simplified):
            token = token.strip()
            if not token or token in ZH_STOP:
                continue
            if CJK.search(token):
                tokens.append(token)
                if token in ZH_ASPECT:
                    aspects.add(token)
            else:
                for word in LATIN_WORD.findall(token):
                    if word not in EN_STOP:
                        tokens.append(_stem(word))
        return tokens, aspects

    def groups(self, text: str) -> tuple[list[str], list[list[str]], set[str]]:
        """A question's scored tokens (search mode, synonyms added), its content groups (precise mode:
        each word with its alternatives) and its aspect tokens."""
        tokens, aspects = self.tokens(text)
        simplified = to_simplified(text or "").lower()
        groups = []
        for word in self._jieba.lcut(simplified):
            word = word.strip()
            if not word or word in ZH_STOP or word in ZH_ASPECT or not CJK.search(word):
                continue
            alternatives = [word, *ZH_SYNONYMS.get(word, [])]
            for alternative in alternatives[1:]:
                tokens += self.tokens(alternative)[0]
            groups.append(alternatives)
        for word in _english_words(simplified):
            groups.append([_stem(word)])
        return tokens, groups, aspects


# Words jieba does not know as one word but citizens write as one.
DOMAIN_WORDS = words(
    "公积金 营业执照 身份证 户口本 户口簿 社保卡 医保卡 港澳通行证 结婚证 离婚证 不动产权证 "
    "房产证 二手房 个体户 个体工商户 低保 退休金 养老金 失业金 异地就医 上户口 落户 迁户口 "
    "加急 代办 委托书 签注 营业时间 办公时间 停车场 取号 预约 最多跑一次 一网通办 电子证照 "
    "补办 换领 挂失 "
)


@lru_cache(maxsize=1)
def chinese() -> ChineseTokenizer:
    return ChineseTokenizer()


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless syllable of the common CJK characters (computed once, ~400 of them)."""
    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    return frozenset(s for s in lazy_pinyin(chars) if s.isalpha() and s.isascii())


def split_pinyin(word: str) -> list[str] | None:
    """``huzhao`` → ``["hu", "zhao"]`` (fewest syllables, by dynamic programming); None if it is not
    pinyin."""
    syllables = pinyin_syllables()
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            piece = word[start:end]
            if best[start] is not None and piece in syllables:
                candidate = best[start] + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]


def _bigrams(syllables: list[str]) -> list[str]:
    return [a + b for a, b in zip(syllables, syllables[1:], strict=False)]


def pinyin_tokens_of_chinese(text: str) -> list[str]:
    """Syllable bigrams of each run of Chinese characters: 护照签发 → huzhao, zhaoqian, qianfa."""
    out = []
    for run in CJK_RUN.findall(to_simplified(text or "")):
        out += _bigrams(lazy_pinyin(run))
    return out


def pinyin_query_tokens(text: str) -> list[str] | None:
    """Bigrams of a query typed in pinyin ("huzhao duojiu", "hu zhao"), or None when most of its words
    are not pinyin (then it is English)."""
    words = LATIN_WORD.findall((text or "").lower())
    if not words or CJK.search(text or ""):
        return None
    split = [split_pinyin(w) for w in words if not w.isdigit()]
    if not split or sum(s is not None for s in split) < max(1, math.ceil(0.8 * len(split))):
        return None
    syllables = [s for parts in split if parts for s in parts]
    return _bigrams(syllables) or None


@dataclass
class Doc:
    """One document of a hall's knowledge: an item, an FAQ entry, or the opening hours."""

    kind: str  # "item" | "faq" | "hours"
    id: str  # the item's code, the FAQ's id, the hall's code
    zh: str  # scored Chinese text
    en: str  # scored English text
    pinyin_source: str = ""  # the Chinese title: name, keywords, question (pinyin; word rarity)
    en_title: str = ""  # the English title: name, question
    item_code: str = ""  # the item an FAQ entry belongs to
    payload: dict = field(default_factory=dict)


@dataclass
class Ranked:
    doc: Doc
    score: float
    coverage: float


class _Bm25:
    """One BM25 index over token lists, with what the coverage figure needs: each document's tokens and
    text, and the rarity of each word among the documents' titles (names, keywords, FAQ questions)."""

    def __init__(self, corpus: list[list[str]], titles: list[list[str]], texts: list[str]):
        self.size = len(corpus)
        self.sets = [set(tokens) for tokens in corpus]
        self.texts = texts
        self.vocabulary = set().union(*self.sets) if self.sets else set()
        self.title_df: dict[str, int] = {}
        for tokens in titles:
            for token in set(tokens):
                self.title_df[token] = self.title_df.get(token, 0) + 1
        self.model = bm25s.BM25(k1=1.2, b=0.6)
        # bm25s cannot index an empty document; a placeholder keeps the positions aligned.
        self.model.index([tokens or ["\u0000"] for tokens in corpus] or [["\u0000"]], show_progress=False)

    def weight(self, group: list[str]) -> float:
        """How much a question's word matters: its rarity among titles; a word only in descriptions
        matters little; a word the hall never uses matters most (its absence means "not our matter")."""
        if all(len(t) == 1 and CJK.search(t) for t in group[:1]):
            return 1.0  # one character (换, 迁, 补) says little about the subject
        unknown = math.log(self.size + 1.5)
        title = [self.title_df[t] for t in group if t in self.title_df]
        if title:
            df = min(title)
            return math.log((self.size - df + 0.5) / (df + 0.5) + 1)
        if any(t in self.vocabulary or (CJK.search(t) and any(t in x for x in self.texts)) for t in group):
            return 1.5
        return unknown

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocabulary]
        if not known or not self.size:
            return np.zeros(self.size)
        return np.asarray(self.model.get_scores(known), dtype=float)

    def found(self, position: int, group: list[str]) -> bool:
        tokens, text = self.sets[position], self.texts[position]
        return any(t in tokens or (CJK.search(t) and t in text) for t in group)

    def coverage(self, position: int, groups: list[list[str]]) -> float:
        """The share of the question's content words (weighted) that document ``position`` contains."""
        weights = [self.weight(g) for g in groups]
        total = sum(weights)
        if total <= 0:
            return 0.0
        return sum(w for w, g in zip(weights, groups, strict=True) if self.found(position, g)) / total


class HallIndex:
    """The three indexes of one hall's documents and the search over them."""

    def __init__(self, docs: list[Doc]):
        self.docs = docs
        pinyin_syllables()  # computed once per process, here rather than in the first pinyin question
        zh = chinese()
        for doc in docs:
            for word in doc.pinyin_source.split():
                zh.add_word(word)
        simplified = [to_simplified(d.zh).lower() for d in docs]
        self.zh = _Bm25(
            [zh.tokens(text)[0] for text in simplified],
            [zh.tokens(d.pinyin_source)[0] for d in docs],
            simplified,
        )
        self.en = _Bm25(
            [english_tokens(d.en)[0] for d in docs],
            [english_tokens(d.en_title)[0] for d in docs],
            ["" for _ in docs],
        )
        pinyin = [pinyin_tokens_of_chinese(d.pinyin_source) for d in docs]
        self.pinyin = _Bm25(pinyin, pinyin, ["" for _ in docs])

    def analyse(self, question: str) -> tuple[str, list[str], list[list[str]]]:
        """(which index, scored tokens, content groups) of a question."""
        if CJK.search(question):
            tokens, groups, _aspects = chinese().groups(question)
            return "zh", tokens, groups
        spelled = pinyin_query_tokens(question)
        tokens, groups, _aspects = english_groups(question)
        if spelled and not any(t in self.en.vocabulary for g in groups for t in g):
            return "pinyin", spelled, [[t] for t in spelled]
        return "en", tokens, groups

    def search(self, question: str, *, limit: int = 3) -> tuple[list[Ranked], str]:
        """The best ``limit`` documents with their BM25 score and coverage, and which index answered.
        BM25 proposes ten; they are ordered by score weighted by coverage, so that a document matching
        only the question's "how long" loses to the one about its subject."""
        which, tokens, groups = self.analyse(question)
        index = getattr(self, which)
        scores = index.scores(tokens)
        proposed = [int(i) for i in np.argsort(-scores, kind="stable")[:10] if scores[i] > 0]
        ranked = [
            Ranked(self.docs[i], float(scores[i]), index.coverage(i, groups) if groups else 0.0)
            for i in proposed
        ]
        ranked.sort(key=lambda r: -r.score * (0.3 + r.coverage))
        return ranked[:limit], which
