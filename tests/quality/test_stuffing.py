"""Questionnaire stuffing (security review, issue 13, item 12): the page's signed start token is good for
one stored submission, a phone answer without a valid one is refused, and the cleaning counts repeated
answers per token, device and ticket."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from servicehall.core.errors import Conflict
from servicehall.quality import services
from servicehall.quality.choices import RatingChannel
from servicehall.quality.cleaning import Item, Response, clean
from servicehall.quality.models import QuestionnaireResponse


@pytest.fixture
def published(actors, hall_a):
    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    return q


def _token(page) -> str:
    return re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)


def _answers(q, value="4") -> dict:
    return {i["key"]: value for i in q.items if i["kind"] == "likert"}


def test_one_start_token_stores_one_submission(clock, published):
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = _token(phone.get(f"/q/{published.pk}/"))
    clock.advance(minutes=3)
    first = phone.post(f"/q/{published.pk}/", {"started": token} | _answers(published))
    assert first.status_code == 200 and QuestionnaireResponse.objects.count() == 1
    stored = QuestionnaireResponse.objects.get()
    assert stored.nonce and (stored.submitted_at - stored.started_at).total_seconds() == 180
    # The same page sent again (a script replaying it, or a second tap): refused, nothing written.
    clock.advance(minutes=3)
    again = phone.post(f"/q/{published.pk}/", {"started": token} | _answers(published, "5"))
    assert again.status_code == 409 and QuestionnaireResponse.objects.count() == 1
    assert "already been sent" in again.content.decode()


@pytest.mark.parametrize("token", ["", "not-a-token", "old"])
def test_a_phone_answer_without_a_valid_token_is_refused(clock, published, token):
    from django.core import signing

    if token == "old":  # the former token: a bare signed time, reusable for a day
        token = signing.dumps(timezone.now().isoformat(), salt="questionnaire")
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = phone.post(f"/q/{published.pk}/", {"started": token} | _answers(published))
    assert refused.status_code == 409 and not QuestionnaireResponse.objects.exists()
    html = refused.content.decode()
    assert "send them again" in html and 'value="4" checked' in html  # the answers are kept
    fresh = _token(refused)
    clock.advance(minutes=2)
    assert phone.post(f"/q/{published.pk}/", {"started": fresh} | _answers(published)).status_code == 200


def test_a_token_expires_after_a_day_and_belongs_to_its_questionnaire(clock, published, actors):
    other = services.questionnaire_new_version(actor=actors["evaluator_a"], questionnaire=published)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=other)
    phone = Client()
    token = _token(phone.get(f"/q/{published.pk}/"))
    assert phone.post(f"/q/{other.pk}/", {"started": token} | _answers(other)).status_code == 409
    clock.advance(hours=25)
    assert phone.post(f"/q/{published.pk}/", {"started": token} | _answers(published)).status_code == 409
    assert not QuestionnaireResponse.objects.exists()


def test_the_service_burns_the_token_once(clock, published, actors):
    token = services.questionnaire_start_token(questionnaire=published)
    clock.advance(minutes=4)
    services.response_submit(
        actor=actors["citizen"],
        questionnaire=published,
        answers=_answers(published),
        channel=RatingChannel.PHONE,
        start_token=token,
    )
    with pytest.raises(Conflict) as exc:
        services.response_submit(
            actor=actors["citizen"],
            questionnaire=published,
            answers=_answers(published),
            channel=RatingChannel.PHONE,
            start_token=token,
        )
    assert exc.value.code == "already_sent" and QuestionnaireResponse.objects.count() == 1


def test_the_database_refuses_a_nonce_twice(published, hall_a):
    now = timezone.now()
    row = dict(questionnaire=published, hall=hall_a, channel="phone", answers={}, submitted_at=now)
    QuestionnaireResponse.objects.create(**row, nonce="abc")
    QuestionnaireResponse.objects.create(**row)  # paper forms and older rows have none
    QuestionnaireResponse.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireResponse.objects.create(**row, nonce="abc")


T0 = datetime.datetime(2030, 3, 6, 10, 0, tzinfo=datetime.UTC)
GOOD = {"q1": 4, "q2": 5, "q3": 4}


def _resp(id_, *, at, ticket=None, device=None, token=None):
    start = T0 + datetime.timedelta(minutes=at)
    return Response(
        id=id_,
        answers=GOOD,
        started_at=start,
        submitted_at=start + datetime.timedelta(minutes=4),
        ticket_id=ticket,
        device_id=device,
        token=token,
    )


def test_cleaning_counts_repeated_answers_per_token_device_and_ticket():
    items = [Item("q1"), Item("q2"), Item("q3")]
    out = clean(
        items,
        [
            _resp(1, at=0, token="n1"),
            _resp(2, at=100, token="n1"),  # the same page's token again (rows from before the constraint)
            _resp(3, at=200, ticket=7, token="n2"),
            _resp(4, at=300, ticket=7, token="n3"),  # the same ticket
            _resp(5, at=400, device=9),
            _resp(6, at=410, device=9),  # the same kiosk within 30 minutes
            _resp(7, at=500, token="n4"),
        ],
        scale=5,
    )
    assert out.flags == {2: ["duplicate"], 4: ["duplicate"], 6: ["duplicate"]}
    assert out.repeats == {"token": 1, "ticket": 1, "device": 1}
    assert out.valid_ids == [1, 3, 5, 7]
