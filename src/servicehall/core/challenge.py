"""A check question for public forms that needs no outside service: a small sum written in Chinese
numerals ("七加二等于几？"), signed, valid for ten minutes and usable once.

It stops naive scripts, not a determined attacker; the rate limits per address and per mobile number
do the rest. Staff and integrated systems with a token never see it.
"""

import base64
import functools
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache

NUMERALS = "零一二三四五六七八九十"
MAX_AGE = 600


@functools.cache
def _fernet(secret: str) -> Fernet:
    """A key of its own, derived from the secret key: the token is encrypted (a script cannot read the
    answer out of it, as it could from a signed token) and authenticated (nor forge one)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"servicehall-challenge", info=b"challenge").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def challenge_new() -> tuple[str, str]:
    """Return (question, token). The token carries the answer encrypted, never readable."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    question = f"{NUMERALS[a]}加{NUMERALS[b]}等于几？"
    payload = json.dumps({"s": a + b, "n": secrets.token_hex(8)}).encode()
    token = _fernet(settings.SECRET_KEY).encrypt(payload).decode()
    return question, token


def challenge_check(token: str, answer: str) -> bool:
    """True once for a right answer to an unexpired token; a token is burnt by its first check."""
    try:
        data = json.loads(_fernet(settings.SECRET_KEY).decrypt((token or "").encode(), ttl=MAX_AGE))
    except (InvalidToken, ValueError):
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
