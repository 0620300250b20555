"""Answers checked against a form version: every field type, conditions, cleaning, and bad input refused
with the form field's key (``services.form_answers_check``)."""

import pytest
from django.utils import translation

from servicehall.core.errors import Invalid, NotFound
from servicehall.eforms import services
from servicehall.eforms.answers import answers_schema
from tests.eforms.conftest import GOOD, ID_NUMBER, USCC, definition


def check(items_a, hall_a, **answers):
    return services.form_answers_check(hall=hall_a, item=items_a["SB-001"], answers={**GOOD, **answers})


def errors_of(items_a, hall_a, **answers) -> dict:
    with pytest.raises(Invalid) as caught:
        check(items_a, hall_a, **answers)
    return caught.value.field_messages()


def test_good_answers_are_cleaned_and_labelled_in_the_readers_language(published, items_a, hall_a):
    with translation.override("en"):
        checked = check(
            items_a,
            hall_a,
            id_number=ID_NUMBER.lower(),
            phone="+86 139-1234-5678",
            amount="1,200.50",
            birthday="1949-12-31",
            licence="bring",
        )
    assert checked.version_id == published.pk
    assert checked.answers["id_number"] == ID_NUMBER
    assert checked.answers["phone"] == "13912345678"
    assert checked.answers["amount"] == 1200.5
    assert {"key": "for_company", "label": "For a company", "value": "No"} in checked.labelled
    assert [row["key"] for row in checked.labelled][:3] == ["name", "id_number", "phone"]


def test_labels_follow_the_active_language(published, items_a, hall_a):
    with translation.override("zh-hant"):
        checked = check(items_a, hall_a)
    assert checked.labelled[1]["label"] == "身份證號"


def test_missing_required_answers_are_named_by_field_key(published, items_a, hall_a):
    errors = errors_of(items_a, hall_a, name="", id_number=None, phone="  ")
    assert set(errors) == {"name", "id_number", "phone"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id_number", "110105194912310021"),  # wrong check character
        ("id_number", "1101051949"),
        ("phone", "12345"),
        ("birthday", "1949-02-30"),
        ("birthday", "0001-01-01"),
        ("birthday", "9999-12-31"),
        ("birthday", "yesterday"),
        ("amount", "a lot"),
        ("amount", -1),
        ("amount", 1e300),
        ("amount", "1e400"),
        ("amount", True),
        ("postcode", "12345"),
        ("for_company", "maybe"),
        ("name", "x" * 501),
        ("name", "x" * 100_000),
        ("name", "张\x00三"),
        ("name", {"nested": {"deeper": [1, 2]}}),
        ("address", ["a", "b"]),
    ],
)
def test_bad_values_are_refused_beside_their_field(published, items_a, hall_a, key, value):
    errors = errors_of(items_a, hall_a, **{key: value})
    assert list(errors) == [key]


def test_a_shown_conditional_field_is_required_and_checked(published, items_a, hall_a):
    assert list(errors_of(items_a, hall_a, for_company="yes")) == ["uscc"]
    assert list(errors_of(items_a, hall_a, for_company="yes", uscc=USCC[:-1] + "M")) == ["uscc"]
    checked = check(items_a, hall_a, for_company="yes", uscc=USCC.lower())
    assert checked.answers["uscc"] == USCC


def test_a_hidden_fields_answer_is_dropped_even_when_invalid(published, items_a, hall_a):
    checked = check(items_a, hall_a, for_company="no", uscc="garbage")
    assert "uscc" not in checked.answers


def test_unknown_keys_are_dropped(published, items_a, hall_a):
    assert "is_admin" not in check(items_a, hall_a, is_admin="yes").answers


@pytest.mark.parametrize("answers", [None, [], "text", 12])
def test_answers_that_are_not_an_object_are_refused(published, items_a, hall_a, answers):
    with pytest.raises(Invalid):
        services.form_answers_check(hall=hall_a, item=items_a["SB-001"], answers=answers)


def test_an_item_without_a_published_form_is_not_found(published, items_a, hall_a, hall_b):
    with pytest.raises(NotFound):
        services.form_answers_check(hall=hall_a, item=items_a["GJ-001"], answers=GOOD)
    with pytest.raises(NotFound):
        services.form_answers_check(hall=hall_b, item=items_a["SB-001"], answers=GOOD)


def test_the_answers_schema_states_the_condition_as_if_then():
    schema = answers_schema(definition())
    rule = schema["allOf"][0]
    assert rule["if"]["properties"] == {"for_company": {"const": "yes"}}
    assert rule["then"] == {"required": ["uscc"]}
    assert "uscc" not in schema["required"] and "name" in schema["required"]
