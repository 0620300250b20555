"""A check question for public forms that needs no outside service: a small sum written in Chinese
numerals ("七加二等于几？"), signed, valid for ten minutes and usable once.

It stops naive scripts, not a determined attacker; the rate limits per address and per mobile number
do the rest. Staff and integrated systems with a token never see it.
"""

import secrets

from django.core import signing
from django.core.cache import cache

NUMERALS = "零一二三四五六七八九十"
MAX_AGE = 600
_SALT = "servicehall.challenge"


def challenge_new() -> tuple[str, str]:
    """Return (question, token). The token carries the answer signed, never in clear."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    question = f"{NUMERALS[a]}加{NUMERALS[b]}等于几？"
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=_SALT, compress=True)
    return question, token


def challenge_check(token: str, answer: str) -> bool:
    """True once for a right answer to an unexpired token; a token is burnt by its first check."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if not cache.add(f"challenge:{data['n']}", 1, timeout=MAX_AGE + 60):
        return False
    return _parse(answer) == data["s"]


def _parse(answer: str) -> int | None:
    """Digits, or the answer in Chinese numerals (十, 十七)."""
    text = (answer or "").strip()
    if text.isdigit() and len(text) < 4:
        return int(text)
    if len(text) == 1 and text in NUMERALS:
        return NUMERALS.index(text)
    if len(text) == 2 and text[0] == "十" and text[1] in NUMERALS[1:10]:
        return 10 + NUMERALS.index(text[1])
    return None
