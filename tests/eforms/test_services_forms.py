"""Designing forms: drafts, definition errors beside the field, publishing (one published version, the
old one retired, audited), and answers that keep the version they were given to."""

import pytest

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.eforms import services
from servicehall.eforms.choices import VersionStatus
from servicehall.eforms.definition import DEFINITION_SCHEMA
from servicehall.eforms.models import FormVersion
from tests.eforms.conftest import GOOD, definition


def test_the_definition_schema_is_itself_a_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(DEFINITION_SCHEMA)


def test_a_new_draft_starts_from_a_starter_form_and_is_reused(actors, items_a, clock):
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    again = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    assert draft.pk == again.pk and draft.number == 1
    assert draft.definition["sections"][0]["fields"][0]["key"] == "name"


@pytest.mark.parametrize("who", ["clerk_a", "manager_b", "citizen", "kiosk"])
def test_only_the_halls_manager_designs_forms(actors, items_a, clock, who):
    with pytest.raises((PermissionDenied, Exception)) as caught:
        services.form_version_draft(actor=actors[who], item=items_a["SB-001"])
    assert caught.value.status in {401, 403}


def _broken(mutate):
    d = definition()
    mutate(d)
    return d


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d["sections"][0]["fields"][1].update(key="name"), "name"),
        (lambda d: d["sections"][0]["fields"][0].update(type="colour"), "name"),
        (lambda d: d["sections"][0]["fields"][0]["label"].pop("zh_hans"), "name"),
        (lambda d: d["sections"][0]["fields"][6].update(pattern="(unclosed"), "postcode"),
        (
            lambda d: d["sections"][1]["fields"][1].update(condition={"field": "licence", "equals": "x"}),
            "uscc",
        ),
        (
            lambda d: d["sections"][1]["fields"][1].update(condition={"field": "for_company", "equals": "x"}),
            "uscc",
        ),
        (lambda d: d["sections"][1]["fields"][0].update(choices=[]), "for_company"),
        (lambda d: d["sections"][0]["fields"][3].update(prefill="phone"), "birthday"),
        (lambda d: d["sections"][0]["fields"][0].update(extra={"nested": [1]}), "name"),
        (lambda d: d.update(sections=[]), "definition"),
    ],
)
def test_definition_errors_are_keyed_by_the_field(actors, items_a, clock, mutate, key):
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    with pytest.raises(Invalid) as caught:
        services.form_version_save(actor=actors["manager_a"], version=draft, definition=_broken(mutate))
    assert key in caught.value.fields
    draft.refresh_from_db()
    assert draft.definition["sections"][0]["fields"][0]["key"] == "name"  # nothing changed


@pytest.mark.parametrize("junk", [None, [], "x", {"sections": "no"}, {"sections": [{"key": "a"}]}])
def test_a_definition_of_the_wrong_shape_is_refused(actors, items_a, clock, junk):
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    with pytest.raises(Invalid):
        services.form_version_save(actor=actors["manager_a"], version=draft, definition=junk)


def test_publishing_retires_the_previous_version_and_is_audited(actors, items_a, published, clock):
    assert published.status == VersionStatus.PUBLISHED and published.number == 1
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    assert draft.number == 2 and draft.definition == published.definition
    services.form_version_publish(actor=actors["manager_a"], version=draft)
    statuses = dict(FormVersion.objects.values_list("number", "status"))
    assert statuses == {1: VersionStatus.RETIRED, 2: VersionStatus.PUBLISHED}
    assert AuditEntry.objects.filter(action="eforms.version.publish").count() == 2


def test_a_published_version_cannot_be_edited_or_published_again(actors, published):
    with pytest.raises(Conflict):
        services.form_version_save(actor=actors["manager_a"], version=published, definition=definition())
    with pytest.raises(Conflict):
        services.form_version_publish(actor=actors["manager_a"], version=published)


def test_answers_keep_the_version_they_were_given_to(actors, items_a, hall_a, published, clock):
    first = services.form_answers_check(hall=hall_a, item=items_a["SB-001"], answers=GOOD)
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    d = definition()
    d["sections"][0]["fields"][0]["label"]["zh_hans"] = "申请人姓名"
    services.form_version_save(actor=actors["manager_a"], version=draft, definition=d)
    services.form_version_publish(actor=actors["manager_a"], version=draft)
    second = services.form_answers_check(hall=hall_a, item=items_a["SB-001"], answers=GOOD)
    assert first.version_id == published.pk and second.version_id == draft.pk
    assert (
        FormVersion.objects.get(pk=first.version_id).definition["sections"][0]["fields"][0]["label"][
            "zh_hans"
        ]
        == "姓名"
    )
