"""Encryption of personal data at rest (phone numbers, ID numbers).

Fernet (AES-128-CBC with HMAC-SHA256) with the keys of ``SERVICEHALL_DATA_KEY`` (comma-separated, newest
first: MultiFernet) when set, otherwise one derived from the secret key by HKDF, so a database copy alone
never reveals a phone number. Rotating: put the new key first, keep the old ones after it, run ``servicehall
rotate_data_key`` (every stored value re-encrypted with the new key), then drop the old keys. Look-up
digests use a key that does not rotate (``SERVICEHALL_DIGEST_KEY``, else the oldest data key listed, else
the secret key). Set the data key in production: rotating the secret key without it makes old values
unreadable.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class WrongDataKey(RuntimeError):
    """Stored personal data that none of the configured keys decrypts: the server runs with the wrong
    ``SERVICEHALL_DATA_KEY`` (blank phones and failed look-ups would follow), so it says so instead."""


def _derived(info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"servicehall-data", info=info).derive(
        settings.SECRET_KEY.encode()
    )


@functools.cache
def _fernet() -> MultiFernet:
    """The configured keys, newest first (the first encrypts, every one decrypts); without any, one
    derived from the secret key."""
    keys = settings.SERVICEHALL_DATA_KEYS or (base64.urlsafe_b64encode(_derived(b"personal-data")).decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    """The clear value; ``WrongDataKey`` when no configured key opens it (never a silent blank)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise WrongDataKey(
            "Stored personal data cannot be decrypted with SERVICEHALL_DATA_KEY. Set it to the key the data "
            "was encrypted with; while rotating, list the new key first and the old ones after it, "
            "separated by commas, then run: servicehall rotate_data_key"
        ) from exc


def rotate(token: str) -> str:
    """``token`` re-encrypted with the newest key (``WrongDataKey`` when no configured key opens it)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise WrongDataKey("A stored value opens with none of the keys in SERVICEHALL_DATA_KEY.") from exc


@functools.cache
def _digest_key() -> bytes:
    raw = settings.SERVICEHALL_DIGEST_KEY or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"servicehall-digest", info=b"lookup").derive(
        raw.encode()
    )


def digest(value: str, *, purpose: str) -> str:
    """A keyed digest (HMAC-SHA256) to find rows by a personal value without storing it readable: equal
    values give equal digests, and a database copy alone cannot be searched by brute force."""
    if not value:
        return ""
    return hmac.new(_digest_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
