"""The check question of public forms: its token never reveals the answer, is usable once and expires."""

import base64
import contextlib
import datetime
import zlib

import pytest
import time_machine
from django.core import signing

from servicehall.core import challenge

NUMBERS = {c: i for i, c in enumerate(challenge.NUMERALS)}


def _answer(question: str) -> int:
    return NUMBERS[question[0]] + NUMBERS[question[2]]


def _readable(token: str) -> str:
    """Everything a script could read out of the token without the key."""
    text = token
    for piece in token.split(":"):
        for decode in (base64.urlsafe_b64decode, lambda p: zlib.decompress(base64.urlsafe_b64decode(p))):
            with contextlib.suppress(Exception):  # not that encoding
                text += decode(piece + "=" * (-len(piece) % 4)).decode("latin-1")
    with contextlib.suppress(signing.BadSignature):
        text += str(signing.loads(token, salt="servicehall.challenge"))
    return text


@pytest.mark.django_db
def test_the_token_does_not_carry_the_answer_in_a_readable_form():
    for _ in range(20):
        question, token = challenge.challenge_new()
        readable = _readable(token)
        assert '"s"' not in readable and "'s'" not in readable
        assert challenge.challenge_check(token, str(_answer(question)))


@pytest.mark.django_db
def test_a_token_is_good_once_and_for_ten_minutes_and_a_changed_token_is_refused():
    t0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(t0, tick=False) as clock:
        question, token = challenge.challenge_new()
        right = str(_answer(question))
        assert not challenge.challenge_check(token[:-4] + "AAAA", right)
        assert challenge.challenge_check(token, right)
        assert not challenge.challenge_check(token, right)  # burnt
        question, token = challenge.challenge_new()
        clock.shift(datetime.timedelta(minutes=11))
        assert not challenge.challenge_check(token, str(_answer(question)))
