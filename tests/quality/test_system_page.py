"""The indicator-system page's AHP form keeps the expert's work: it opens with the stored judgements, and
a judgement refused as inconsistent comes back as typed with the refusal and its CR beside the matrix.
The report offers draft systems too, marked as drafts."""

import re

import pytest
from django.test import Client

from servicehall.quality import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(actors, hall_a):
    """The article's system as a draft, its dimensions judged once by the evaluator."""
    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    services.judgement_submit(
        actor=actors["evaluator_a"],
        system=system,
        parent=None,
        matrix=[[1, 1 / 3, 2], [3, 1, 5], [1 / 2, 1 / 5, 1]],
    )
    return system


@pytest.fixture
def english(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["evaluator_a"])
    return client


def dimension_form(html: str) -> str:
    return html[html.index('id="ahp-dimensions"') :].split("</form>", 1)[0]


def chosen(form: str, name: str) -> str:
    """The label of the selected option of the select ``name`` in ``form``."""
    select = form[form.index(f'name="{name}"') :].split("</select>", 1)[0]
    return re.search(r"selected>([^<]+)<", select).group(1)


def test_the_ahp_form_opens_with_the_stored_judgements(draft, english):
    html = english.get(f"/staff/hall-a/quality/systems/{draft.pk}/").content.decode()
    form = dimension_form(html)
    assert chosen(form, "a_0_1") == "1/3"
    assert chosen(form, "a_0_2") == "2"
    assert chosen(form, "a_1_2") == "5"


def test_an_inconsistent_judgement_comes_back_as_typed_with_its_cr_beside_the_matrix(draft, english):
    url = f"/staff/hall-a/quality/systems/{draft.pk}/"
    # A over B, B over C, yet C over A: circular, far from consistent.
    response = english.post(url, {"parent": "", "a_0_1": "9", "a_1_2": "9", "a_0_2": str(1 / 9)})
    assert response.status_code == 422
    form = dimension_form(response.content.decode())
    assert chosen(form, "a_0_1") == "9" and chosen(form, "a_1_2") == "9" and chosen(form, "a_0_2") == "1/9"
    assert 'class="q-error"' in form and re.search(r"CR = \d\.\d{3}", form)
    assert "q-worst" in form  # the pair to reconsider is marked


def test_the_report_offers_a_draft_system_marked_as_draft(draft, english):
    html = english.get("/staff/hall-a/quality/report/").content.decode()
    assert re.search(rf'value="{draft.pk}"[^>]*>[^<]*v1\s*\(Draft\)', html)
    chosen_draft = english.get(f"/staff/hall-a/quality/report/?system={draft.pk}")
    assert chosen_draft.status_code == 200
    assert "the weights may still change" in chosen_draft.content.decode()


def test_a_new_draft_version_opens_with_the_judgements_of_the_version_it_copies(draft, actors, english):
    services.system_publish(actor=actors["evaluator_a"], system=draft)
    copy = services.system_new_version(actor=actors["evaluator_a"], system=draft)
    form = dimension_form(english.get(f"/staff/hall-a/quality/systems/{copy.pk}/").content.decode())
    assert chosen(form, "a_0_1") == "1/3" and chosen(form, "a_1_2") == "5"
