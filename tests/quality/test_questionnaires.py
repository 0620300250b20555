"""Questionnaires generated from an indicator system, answered on the phone or entered from paper, and
cleaned into a stored run."""

import datetime
import re

import pytest

from servicehall.core.errors import Conflict, Invalid
from servicehall.quality import services
from servicehall.quality.choices import RatingChannel
from servicehall.quality.models import QuestionnaireResponse


@pytest.fixture
def system(actors, hall_a):
    return services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")


def test_generated_from_the_subjective_indicators(system, actors):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system, importance=True)
    kinds = [i["kind"] for i in q.items]
    # The article's nine indicators are all asked about (two statements each); the queue's metrics feed three
    # of them besides, and ask nothing.
    assert kinds.count("likert") == 18 and kinds.count("importance") == 9 and kinds[-1] == "text"
    assert {i["indicator"] for i in q.items if i["kind"] == "likert"} == {
        "A1",
        "A2",
        "A3",
        "B1",
        "B2",
        "B3",
        "C1",
        "C2",
        "C3",
    }
    pairs = services.questionnaire_generate(
        actor=actors["evaluator_a"], system=system, servqual=True, scale=7
    )
    assert [i["kind"] for i in pairs.items[:2]] == ["expectation", "perception"] and pairs.scale == 7
    with pytest.raises(Invalid):
        services.questionnaire_generate(actor=actors["evaluator_a"], system=system, scale=4)


def test_answer_online_and_on_paper_then_clean(clock, system, actors, served):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    likert = [i["key"] for i in q.items if i["kind"] == "likert"]
    with pytest.raises(Conflict):
        services.response_submit(
            actor=actors["citizen"], questionnaire=q, answers={}, channel=RatingChannel.PHONE
        )
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    with pytest.raises(Invalid) as exc:
        services.response_submit(
            actor=actors["citizen"], questionnaire=q, answers={likert[0]: 9}, channel=RatingChannel.PHONE
        )
    assert likert[0] in exc.value.fields and not QuestionnaireResponse.objects.exists()
    pages = [services.questionnaire_start_token(questionnaire=q) for _ in range(2)]  # served now
    clock.advance(minutes=4)
    ticket = served()
    good = {k: 4 + n % 2 for n, k in enumerate(likert)} | {"comment": "窗口人员很耐心"}
    for page in pages:  # the same ticket twice (from two pages: one page stores one response)
        services.response_submit(
            actor=actors["citizen"],
            questionnaire=q,
            answers=good,
            channel=RatingChannel.PHONE,
            ticket=ticket,
            start_token=page,
        )
    paper = {k: 3 for k in likert} | {likert[0]: 8}  # a typo on paper is kept as entered
    services.response_submit(
        actor=actors["evaluator_a"],
        questionnaire=q,
        answers=paper,
        channel=RatingChannel.PAPER,
        started_at=clock.now - datetime.timedelta(minutes=5),
    )
    assert QuestionnaireResponse.objects.get(channel="paper").answers[likert[0]] == 8
    run = services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    assert (run.total, run.valid) == (3, 1)
    assert (run.counts["duplicate"], run.counts["out_of_range"], run.counts["straight_line"]) == (1, 1, 0)
    assert run.valid_rate == round(1 / 3, 4) and run.rules["speeder_fraction"] == 0.3


def test_edited_in_chinese_and_english_frozen_when_published_and_versioned(
    system, actors, staff, hall_a, api_as
):
    from django.test import Client

    from servicehall.core.models import AuditEntry

    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    first = q.items[0]
    assert first["text"] == "工作人员仪容整洁、举止得体"
    assert (
        first["text_en"] == "Staff are neatly dressed and behave properly."
    )  # shipped statements are bilingual
    # An evaluator rewords an item in both languages and drops another, through the page.
    office = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    office.force_login(staff["evaluator_a"])
    url = f"/staff/hall-a/quality/questionnaires/{q.pk}/"
    form = {"title": "大厅满意度问卷", "title_en": "Hall satisfaction survey"}
    for item in q.items:
        form[f"text:{item['key']}"] = item["text"]
        form[f"en:{item['key']}"] = item.get("text_en", "")
    form[f"text:{first['key']}"] = ""  # an empty Chinese text is refused beside its field, nothing saved
    refused = office.post(url, form)
    assert refused.status_code == 422 and "中文内容不能为空" in refused.content.decode()
    assert "[&#x27;" not in refused.content.decode()  # messages beside their fields, not a dump of the errors
    everything = office.post(
        url,
        form | {f"text:{first['key']}": "x", "remove": [i["key"] for i in q.items if i["kind"] != "text"]},
    )
    assert everything.status_code == 422 and "至少保留一个评分题项" in everything.content.decode()
    q.refresh_from_db()
    assert q.title != "大厅满意度问卷"
    form[f"text:{first['key']}"] = "工作人员着装规范"
    form[f"en:{first['key']}"] = "Staff wear the proper uniform."
    form["remove"] = [q.items[1]["key"]]
    assert office.post(url, form).status_code == 200
    q.refresh_from_db()
    assert (
        q.title_en == "Hall satisfaction survey" and q.items[0]["text_en"] == "Staff wear the proper uniform."
    )
    assert first["key"] in {i["key"] for i in q.items} and len(q.items) == 19 - 1
    assert AuditEntry.objects.filter(action="quality.questionnaire_update").count() == 1
    # The editor's heading is in the reader's language (both titles stay editable below it).
    english_office = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_office.force_login(staff["evaluator_a"])
    assert "<h1>Hall satisfaction survey <small>" in english_office.get(url).content.decode()
    assert "<h1>大厅满意度问卷 <small>" in office.get(url).content.decode()
    # Published: the citizen sees English on an English phone, and the questionnaire is frozen.
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/q/{q.pk}/").content.decode()
    assert "Hall satisfaction survey" in english and "Staff wear the proper uniform." in english
    assert "工作人员着装规范" in Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/q/{q.pk}/").content.decode()
    traditional = Client(HTTP_ACCEPT_LANGUAGE="zh-hant").get(f"/q/{q.pk}/").content.decode()
    assert "工作人員着裝規範" in traditional and "大廳滿意度問卷" in traditional  # converted (core.localize)
    with pytest.raises(Conflict):
        services.questionnaire_update(actor=actors["evaluator_a"], questionnaire=q, title="改")
    status, body = api_as("evaluator_a").call("PATCH", f"questionnaires/{q.pk}", {"title": "改"})
    assert status == 409 and body["error"] == "frozen"
    # A new version starts as a draft copy with the next number; the API edits it.
    status, copy = api_as("evaluator_a").call("POST", f"questionnaires/{q.pk}/versions")
    assert status == 201 and copy["version"] == 2 and copy["status"] == "draft" and copy["items"] == q.items
    status, edited = api_as("evaluator_a").call(
        "PATCH",
        f"questionnaires/{copy['id']}",
        {"items": {first["key"]: {"text_en": "Staff are tidy."}}, "remove": ["nope"]},
    )
    assert status == 422 and "nope" in edited["fields"]
    status, edited = api_as("evaluator_a").call(
        "PATCH", f"questionnaires/{copy['id']}", {"items": {first["key"]: {"text_en": "Staff are tidy."}}}
    )
    assert status == 200 and edited["items"][0]["text_en"] == "Staff are tidy."
    assert edited["items"][0]["text"] == "工作人员着装规范"
    # A clerk can neither read nor edit questionnaires.
    assert api_as("clerk_a").call("GET", f"questionnaires/{q.pk}")[0] == 403


def test_generated_from_the_office_page(system, staff):
    from django.test import Client

    from servicehall.quality.models import Questionnaire

    office = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    office.force_login(staff["evaluator_a"])
    page = office.post(
        "/staff/hall-a/quality/", {"generate": "1", "system": system.pk, "scale": "7", "importance": "1"}
    )
    assert page.status_code == 200
    q = Questionnaire.objects.get()
    assert q.scale == 7 and q.importance and q.status == "draft"
    assert (
        office.post(
            "/staff/hall-a/quality/", {"generate": "1", "system": system.pk, "scale": "x"}
        ).status_code
        == 422
    )
    assert Questionnaire.objects.count() == 1


def test_staff_type_in_paper_forms_under_their_name(system, actors, staff):
    from django.test import Client

    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    first = q.items[0]["key"]
    office = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    office.force_login(staff["evaluator_a"])
    page = office.get(f"/q/{q.pk}/?paper=1").content.decode()
    assert "纸质问卷" in page
    assert office.post(f"/q/{q.pk}/", {"paper": "1", first: "4"}).status_code == 200
    stored = QuestionnaireResponse.objects.get()
    assert stored.channel == RatingChannel.PAPER and stored.answers[first] == 4
    # A clerk may not enter paper forms; a citizen's ``paper`` flag is ignored (it stays a phone answer).
    clerk = Client()
    clerk.force_login(staff["clerk_a"])
    assert clerk.post(f"/q/{q.pk}/", {"paper": "1", first: "4"}).status_code == 403
    citizen = Client()
    started = re.search(r'name="started" value="([^"]+)"', citizen.get(f"/q/{q.pk}/").content.decode())
    assert citizen.post(f"/q/{q.pk}/", {"paper": "1", first: "3", "started": started[1]}).status_code == 200
    assert QuestionnaireResponse.objects.filter(channel=RatingChannel.PHONE).count() == 1


def test_paper_answers_are_stored_as_typed_and_never_crash(system, actors):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    keys = [i["key"] for i in q.items if i["kind"] == "likert"][:5]
    typed = dict(zip(keys, ["4", "--5", "4.5", "好", "9"], strict=True))
    stored = services.response_submit(
        actor=actors["evaluator_a"], questionnaire=q, answers=typed, channel=RatingChannel.PAPER
    )
    assert [stored.answers[k] for k in keys] == [4, "--5", 4.5, "好", 9]


def test_a_generated_questionnaire_has_a_title_in_both_languages(system, actors):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    assert q.title.endswith("问卷") and q.localized_title("en") == "Service-quality questionnaire"
    named = services.questionnaire_generate(actor=actors["evaluator_a"], system=system, title="窗口满意度")
    assert named.localized_title("en") == "窗口满意度"  # a hall's own title has no made-up English
