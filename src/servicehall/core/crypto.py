"""Encryption of personal data at rest (phone numbers, ID numbers).

Fernet (AES-128-CBC with HMAC-SHA256) with a key from ``SERVICEHALL_DATA_KEY`` when set, otherwise derived
from the secret key by HKDF, so a database copy alone never reveals a phone number. Rotating the secret
key without setting ``SERVICEHALL_DATA_KEY`` first makes old values unreadable: set the data key in
production.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet() -> Fernet:
    raw = os.environ.get("SERVICEHALL_DATA_KEY", "").strip()
    if raw:
        return Fernet(raw.encode())
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"servicehall-data", info=b"personal-data").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


@functools.cache
def _digest_key() -> bytes:
    raw = os.environ.get("SERVICEHALL_DATA_KEY", "").strip() or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"servicehall-digest", info=b"lookup").derive(
        raw.encode()
    )


def digest(value: str, *, purpose: str) -> str:
    """A keyed digest (HMAC-SHA256) to find rows by a personal value without storing it readable: equal
    values give equal digests, and a database copy alone cannot be searched by brute force."""
    if not value:
        return ""
    return hmac.new(_digest_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
