"""Filling forms: drafts saved and resumed by code + mobile, encrypted at rest, completed, linked to a
ticket by the citizen or the clerk, filled at the window with only the allowed fields prefilled."""

import pytest

from servicehall.core.errors import Invalid, NotFound
from servicehall.core.models import AuditEntry
from servicehall.customers import services as customers
from servicehall.eforms import selectors, services
from servicehall.eforms.models import FilledForm
from tests.eforms.conftest import GOOD, ID_NUMBER, PHONE


def save(actors, items_a, answers, **kwargs):
    kwargs.setdefault("mobile", PHONE)
    return services.filled_save(actor=actors["citizen"], item=items_a["SB-001"], answers=answers, **kwargs)


def test_a_draft_is_saved_with_partial_answers_and_resumed_by_code_and_mobile(actors, items_a, published):
    draft = save(actors, items_a, {"name": "张三"})
    assert draft.status == "draft" and len(draft.code) == 8
    found = selectors.filled_for_citizen(code=draft.code.lower(), phone="+86 139 1234 5678")
    assert selectors.filled_answers(found) == {"name": "张三"}
    again = save(actors, items_a, GOOD, code=draft.code, complete=True)
    assert again.pk == draft.pk and again.status == "complete"


def test_answers_and_mobile_are_not_stored_readable(actors, items_a, published):
    filled = save(actors, items_a, GOOD)
    row = FilledForm.objects.values().get(pk=filled.pk)
    assert "张三" not in str(row) and ID_NUMBER not in str(row) and PHONE not in str(row)
    assert row["phone_hint"] == "139****5678"


def test_a_wrong_mobile_does_not_tell_whether_the_code_exists(actors, items_a, published):
    draft = save(actors, items_a, GOOD)
    with pytest.raises(NotFound) as wrong_phone:
        selectors.filled_for_citizen(code=draft.code, phone="13800000000")
    with pytest.raises(NotFound) as no_code:
        selectors.filled_for_citizen(code="ZZZZZZZZ", phone=PHONE)
    assert str(wrong_phone.value.message) == str(no_code.value.message)


def test_the_public_must_give_a_mobile_and_a_complete_form_needs_every_required_answer(
    actors, items_a, published
):
    with pytest.raises(Invalid) as caught:
        save(actors, items_a, GOOD, mobile="")
    assert list(caught.value.fields) == ["mobile"]
    with pytest.raises(Invalid) as caught:
        save(actors, items_a, {"name": "张三"}, complete=True)
    assert set(caught.value.fields) == {"id_number", "phone", "for_company"}
    assert not FilledForm.objects.exists()


def test_a_draft_keeps_its_version_after_a_new_one_is_published(actors, items_a, published):
    draft = save(actors, items_a, {"name": "张三"})
    new = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    services.form_version_publish(actor=actors["manager_a"], version=new)
    again = save(actors, items_a, GOOD, code=draft.code, complete=True)
    assert again.version_id == published.pk


def test_the_citizen_links_the_form_to_their_ticket_with_code_and_mobile(actors, items_a, published, q):
    filled = save(actors, items_a, GOOD, complete=True)
    ticket = q.issue("SB-001")
    with pytest.raises(NotFound):
        services.filled_link_ticket(
            actor=actors["citizen"], ticket=ticket, code=filled.code, mobile="13800000000"
        )
    services.filled_link_ticket(actor=actors["citizen"], ticket=ticket, code=filled.code, mobile=PHONE)
    assert selectors.filled_of_ticket(ticket=ticket).pk == filled.pk
    assert AuditEntry.objects.filter(action="eforms.filled.link").count() == 1


def test_a_form_of_another_service_or_a_finished_ticket_is_refused(actors, items_a, published, q):
    filled = save(actors, items_a, GOOD, complete=True)
    other = q.issue("GJ-001")
    with pytest.raises(Invalid):
        services.filled_link_ticket(actor=actors["clerk_a"], ticket=other, code=filled.code)
    from servicehall.queueing.services import ticket_cancel

    done = ticket_cancel(actor=actors["clerk_a"], ticket=q.issue("SB-001"))
    with pytest.raises(Invalid):
        services.filled_link_ticket(actor=actors["clerk_a"], ticket=done, code=filled.code)


def test_the_clerk_links_by_code_alone_and_a_second_form_replaces_the_first(actors, items_a, published, q):
    first, second = save(actors, items_a, GOOD), save(actors, items_a, {**GOOD, "name": "李四"})
    ticket = q.issue("SB-001")
    services.filled_link_ticket(actor=actors["clerk_a"], ticket=ticket, code=first.code)
    services.filled_link_ticket(actor=actors["clerk_a"], ticket=ticket, code=second.code)
    assert selectors.filled_of_ticket(ticket=ticket).pk == second.pk
    first.refresh_from_db()
    assert first.ticket_id is None


def _identified_ticket(actors, q, items_a):
    ticket = q.issue("SB-001")
    customers.ticket_citizen_identify(
        actor=actors["clerk_a"], ticket=ticket, id_number=ID_NUMBER, name="王五", phone="13700001111"
    )
    return ticket


def test_the_clerk_gets_only_the_fields_the_item_may_collect_prefilled(actors, items_a, published, q):
    ticket = _identified_ticket(actors, q, items_a)
    assert services.counter_prefill(actor=actors["clerk_a"], ticket=ticket) == {
        "name": "王五",
        "id_number": ID_NUMBER,
        "phone": "13700001111",
    }
    customers.item_collection_set(actor=actors["manager_a"], item=items_a["SB-001"], fields=["name"])
    assert services.counter_prefill(actor=actors["clerk_a"], ticket=ticket) == {"name": "王五"}
    assert AuditEntry.objects.filter(action__endswith="reveal").count() == 2


def test_prefill_answers_reads_only_allowed_declared_fields(actors, items_a, published):
    customers.item_collection_set(actor=actors["manager_a"], item=items_a["SB-001"], fields=["phone"])
    values = {"id_number": ID_NUMBER, "name": "王五", "phone": PHONE}
    assert selectors.prefill_answers(item=items_a["SB-001"], person_values=values) == {"phone": PHONE}


def test_the_clerk_fills_the_form_at_the_window_and_it_is_linked(actors, items_a, published, q):
    ticket = q.issue("SB-001")
    filled = services.filled_fill_at_counter(actor=actors["clerk_a"], ticket=ticket, answers=GOOD)
    assert filled.channel == "counter" and filled.status == "complete" and filled.ticket_id == ticket.pk
    again = services.filled_fill_at_counter(
        actor=actors["clerk_a"], ticket=ticket, answers={**GOOD, "name": "张三丰"}
    )
    assert again.pk == filled.pk and selectors.filled_answers(again)["name"] == "张三丰"


def test_only_staff_of_the_hall_fill_at_the_window(actors, items_a, published, q):
    ticket = q.issue("SB-001")
    for who in ("manager_b", "citizen", "kiosk"):
        with pytest.raises(Exception) as caught:
            services.filled_fill_at_counter(actor=actors[who], ticket=ticket, answers=GOOD)
        assert caught.value.status in {401, 403}
