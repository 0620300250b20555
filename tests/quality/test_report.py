"""The report finds the weaknesses planted in a simulated history, and says when the data are unfit."""

import datetime

import pytest

from servicehall.quality import report, services
from servicehall.quality.simulate import simulate
from tests.queueing.conftest import window


@pytest.fixture
def evaluator(staff):
    """The quality evaluator of hall A, signed in, reading Chinese pages."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["evaluator_a"])
    return client


@pytest.fixture
def published(actors, hall_a):
    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    services.judgement_submit(
        actor=actors["evaluator_a"],
        system=system,
        parent=None,
        matrix=[[1, 1 / 3, 2], [3, 1, 5], [1 / 2, 1 / 5, 1]],
    )
    services.system_publish(actor=actors["evaluator_a"], system=system)
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    return system, q


def test_the_report_finds_the_planted_weaknesses(clock, hall_a, items_a, actors, published):
    system, q = published
    start = datetime.date(2030, 2, 1)
    made = simulate(
        hall=hall_a, questionnaire=q, days=10, tickets_per_day=60, start=start, bad_window=window(hall_a, "3")
    )
    assert made["tickets"] == 600 and made["responses"] > 80
    services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    scope = report.Scope(hall_a, start, start + datetime.timedelta(days=9))
    built = report.report_build(system=system, scope=scope)
    weakest = [r["code"] for r in built["weakest"]]
    # The long waits (B2, B3: efficiency carries the largest weight) and the poor environment (C2) come first.
    assert {"B2", "B3"} <= set(weakest[:3]), weakest
    by_code = {r["code"]: r for r in built["indicators"]}
    assert by_code["C2"]["score"] < 40 < by_code["C1"]["score"]
    assert 35 <= built["objective"]["wait_mean"] <= 45
    assert 0 < built["index"] < 100 and built["previous_index"] is None  # no history before February
    # The window that draws the bad ratings ranks last.
    ranked = report.ranking(system=system, scope=scope)
    assert ranked[-1]["label"].startswith("3 ")
    # Reliability: the simulated answers are consistent within each dimension.
    alphas = {r["dimension"]: r["alpha"] for r in built["reliability"] if r["dimension"] != "KMO"}
    assert all(a is not None and a > 0.6 for a in alphas.values()), alphas
    assert built["methods"]["cleaning"]["total"] == made["responses"]
    assert built["ratings"]["bad"] > 0


def test_the_report_warns_when_answers_are_noise(clock, hall_a, items_a, actors, published):
    import random

    from servicehall.quality.models import QuestionnaireResponse

    system, q = published
    rng = random.Random(3)
    likert = [i["key"] for i in q.items if i["kind"] == "likert"]
    day = datetime.datetime(2030, 2, 3, 10, tzinfo=datetime.UTC)
    QuestionnaireResponse.objects.bulk_create(
        [
            QuestionnaireResponse(
                questionnaire=q,
                hall=hall_a,
                channel="phone",
                started_at=day,
                submitted_at=day + datetime.timedelta(minutes=3),
                answers={k: rng.randint(1, 5) for k in likert},
            )
            for _ in range(60)
        ]
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        built = report.report_build(
            system=system, scope=report.Scope(hall_a, datetime.date(2030, 2, 1), datetime.date(2030, 2, 28))
        )
    warnings = [w for r in built["reliability"] for w in r["warnings"]]
    assert any("α" in w and "一致性不足" in w for w in warnings), warnings
    # In the reader's language, naming weak items by their statement rather than a column number.
    assert any("不适合做因子分析" in w for w in warnings), warnings
    weak = next((w for w in warnings if "可考虑删除" in w), "")
    assert not weak or any(i["text"] in weak for i in q.items), weak


def test_the_report_page_pdf_and_csv(clock, hall_a, items_a, actors, published, staff, evaluator):
    import io

    from django.test import Client
    from pypdf import PdfReader

    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=5, tickets_per_day=30, start=datetime.date(2030, 3, 1))
    client = evaluator
    url = "/staff/hall-a/quality/report/?from=2030-03-01&to=2030-03-05"
    html = client.get(url).content.decode()
    assert "服务环境" in html and "<svg" in html and "q-index" in html
    pdf = client.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "甲区政务服务中心" in text and "服务效率" in text
    csv = client.get(url + "&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("dimension,code") and "C2" in csv
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(staff["evaluator_a"])
    assert "Environment" in english.get(url).content.decode()  # indicators by their English names
    assert client.get("/staff/hall-a/quality/report/?from=2030-03-09&to=2030-03-01").status_code == 422
    clerk = Client()
    clerk.force_login(staff["clerk_a"])
    assert clerk.get(url).status_code == 403


def test_the_worker_writes_last_month_s_report_once(
    clock, hall_a, items_a, actors, published, settings, tmp_path
):
    from servicehall.quality.services import monthly_report_write

    settings.VAR_DIR = tmp_path
    simulate(
        hall=hall_a, questionnaire=published[1], days=3, tickets_per_day=20, start=datetime.date(2030, 2, 10)
    )
    assert monthly_report_write() == 1  # the clock says March: February's report
    assert (tmp_path / "reports" / "hall-a" / "2030-02.pdf").read_bytes().startswith(b"%PDF")
    assert "C2" in (tmp_path / "reports" / "hall-a" / "2030-02.csv").read_text(encoding="utf-8-sig")
    assert monthly_report_write() == 0


def test_fuzzy_evaluation_and_the_monthly_trend(clock, hall_a, items_a, actors, published, staff, evaluator):

    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=40, tickets_per_day=15, start=datetime.date(2030, 1, 10))
    scope = report.Scope(hall_a, datetime.date(2030, 1, 10), datetime.date(2030, 2, 18))
    built = report.report_build(system=system, scope=scope, fuzzy_operator="weighted_average")
    f = built["fuzzy"]
    assert f["operator"] == "weighted_average" and f["grades"] == [100, 80, 60, 40, 20]
    assert abs(sum(f["b"]) - 1) < 1e-3 and all(
        abs(sum(d["b"]) - 1) < 1e-3 for d in f["dimensions"]
    )  # 4 decimals
    by_dim = {d["code"]: d["score"] for d in f["dimensions"]}
    assert by_dim["C"] < by_dim["A"]  # the planted poor environment drags 服务质量 down
    assert [m["month"] for m in built["trend"]] == ["2030-01", "2030-02"]
    assert 35 < built["trend"][0]["wait_minutes"] < 45 and built["trend"][0]["services"] == 22 * 15
    # What citizens said, month by month: the mean of every rated answer submitted that (local) month.
    from servicehall.quality.models import QuestionnaireResponse

    rated = [i["key"] for i in q.items if i["kind"] in ("likert", "perception")]
    for month in built["trend"]:
        values = [
            v
            for r in QuestionnaireResponse.objects.filter(questionnaire=q)
            if r.submitted_at.astimezone(hall_a.tzinfo).strftime("%Y-%m") == month["month"]
            for k, v in r.answers.items()
            if k in rated and isinstance(v, int) and 1 <= v <= 5
        ]
        assert values and month["satisfaction"] == round(100 * (sum(values) / len(values) - 1) / 4, 1)
    other = report.report_build(system=system, scope=scope, fuzzy_operator="max_min")
    assert other["fuzzy"]["operator"] == "max_min" and other["fuzzy"]["score"] != f["score"]
    client = evaluator
    html = client.get(
        "/staff/hall-a/quality/report/?from=2030-01-10&to=2030-02-18&fuzzy=max_min"
    ).content.decode()
    assert "max_min" in html and "2030-02" in html
    assert client.get(
        "/staff/hall-a/quality/report/?from=2030-01-10&to=2030-02-18&fuzzy=max_min&format=pdf"
    ).content.startswith(b"%PDF")


def test_the_report_scoped_to_a_clerk_and_ranked_by_clerk(
    clock, hall_a, items_a, actors, published, staff, clerk_a2, evaluator
):

    system, q = published
    simulate(
        hall=hall_a,
        questionnaire=q,
        days=5,
        tickets_per_day=30,
        start=datetime.date(2030, 3, 1),
        bad_window=window(hall_a, "3"),
    )
    client = evaluator
    base = "/staff/hall-a/quality/report/?from=2030-03-01&to=2030-03-05"
    clerk = staff["clerk_a"]
    html = client.get(f"{base}&clerk={clerk.pk}&rank=clerk").content.decode()
    assert "按工作人员排名" in html and f"工作人员 {clerk.display_name or clerk.username}" in html
    whole = report.report_build(
        system=system, scope=report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 5))
    )
    mine = report.report_build(
        system=system,
        scope=report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 5), clerk_id=clerk.pk),
    )
    assert 0 < mine["objective"]["services"] < whole["objective"]["services"]
    ranked = report.ranking(
        system=system,
        scope=report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 5)),
        by="clerk",
    )
    assert {r["id"] for r in ranked} == {staff["clerk_a"].pk, clerk_a2.pk}
    # A window the hall does not have is refused beside the field, and nothing is reported for it.
    bad = client.get(f"{base}&counter=999999")
    assert bad.status_code == 422 and 'id="counter-error"' in bad.content.decode()


def test_services_within_the_item_s_standard_time(clock, hall_a, items_a, actors, published, admin_actor):
    from servicehall.catalog.services import item_save, item_to_data
    from servicehall.queueing.models import Ticket

    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=3, tickets_per_day=60, start=datetime.date(2030, 3, 1))
    scope = report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 3))
    before = report.report_build(system=system, scope=scope, with_previous=False)
    assert before["objective"]["service_vs_standard"] is None  # no item has a standard: no data, not 0 %
    # 办事时间 (B1) is fed by the survey alone while the metric has no data.
    b1 = next(r for r in before["indicators"] if r["code"] == "B1")
    assert b1["evidence"]["metric_score"] is None and b1["score"] == b1["evidence"]["survey_score"]
    # Social insurance (SB-001) should take at most 7 minutes at the window.
    data = item_to_data(items_a["SB-001"]) | {"standard_minutes": 7}
    item_save(actor=admin_actor, hall=hall_a, data=data)
    built = report.report_build(system=system, scope=scope, with_previous=False)
    done = list(
        Ticket.objects.filter(
            hall=hall_a,
            service=items_a["SB-001"],
            status="completed",
            day__gte=scope.date_from,
            day__lte=scope.date_to,
        ).values_list("service_seconds", flat=True)
    )
    expected = round(100 * sum(1 for s in done if s <= 420) / len(done), 2)
    assert 0 < expected < 100 and built["objective"]["service_vs_standard"] == expected
    b1 = next(r for r in built["indicators"] if r["code"] == "B1")
    assert b1["evidence"]["metric_score"] == report.score_linear(expected, 100, 70)
    assert b1["score"] == round((b1["evidence"]["metric_score"] + b1["evidence"]["survey_score"]) / 2, 1)


def test_indicator_statistics_ipa_and_servqual_gaps(clock, hall_a, items_a, actors, staff, evaluator):
    import io

    from pypdf import PdfReader

    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    services.system_publish(actor=actors["evaluator_a"], system=system)
    q = services.questionnaire_generate(
        actor=actors["evaluator_a"], system=system, servqual=True, importance=True
    )
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    simulate(hall=hall_a, questionnaire=q, days=6, tickets_per_day=50, start=datetime.date(2030, 3, 1))
    scope = report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 6))
    built = report.report_build(system=system, scope=scope, with_previous=False)
    rows = {r["code"]: r["evidence"] for r in built["indicators"] if r["kind"] == "subjective"}
    # Per indicator: n, mean, SD, the interval around the mean, and the distribution that adds up to n.
    for code, e in rows.items():
        assert sum(e["distribution"].values()) == e["n"] and list(e["distribution"]) == [1, 2, 3, 4, 5], code
        assert e["ci_low"] < e["mean"] < e["ci_high"] and e["sd"] > 0
    assert rows["C2"]["mean"] < rows["A1"]["mean"]  # the planted poor environment
    # IPA: efficiency (B) is what citizens say matters most, and it is rated above the mean.
    quadrants = {p["code"]: p["quadrant"] for p in built["ipa"]["points"]}
    assert set(quadrants) == set(rows)
    assert quadrants["B1"] == "keep up the good work"
    assert quadrants["C2"] in ("concentrate here", "low priority")  # the planted environment: below the mean
    # SERVQUAL: perceptions fall short of expectations, most of all for the environment's statements.
    sq = built["servqual"]
    assert sq["overall"] < 0 and len(sq["items"]) == 18
    worst = min(sq["items"], key=lambda i: i["gap"])
    assert worst["key"].startswith("C2.")
    # A newer draft (no answers yet) does not hide the published questionnaire's answers.
    services.questionnaire_new_version(actor=actors["evaluator_a"], questionnaire=q)
    again = report.report_build(system=system, scope=scope, with_previous=False)
    assert again["questionnaire"] == q and again["ipa"] == built["ipa"]
    client = evaluator
    url = "/staff/hall-a/quality/report/?from=2030-03-01&to=2030-03-06"
    html = client.get(url).content.decode()
    assert "重要性—表现分析" in html and "继续保持" in html
    assert 'aria-label="IPA"' in html and "SERVQUAL" in html and "回访" in html
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(client.get(url + "&format=pdf").content)).pages
    )
    assert "继续保持" in text and "SERVQUAL" in text


def test_the_revisit_rate_counts_real_name_bad_ratings(clock, served, actors, hall_a):
    from servicehall.quality import selectors

    anonymous, named = served(), served(phone="13812345678")
    services.rating_submit(actor=actors["citizen"], ticket=anonymous, level=1, tags=["服务态度差"])
    rating = services.rating_submit(actor=actors["citizen"], ticket=named, level=2, tags=["等候时间长"])
    today = named.day
    stats = selectors.rating_statistics(hall=hall_a, date_from=today, date_to=today)
    assert stats["real_name_bad"] == 1 and stats["revisit_rate"] == 0
    services.rectification_step(
        actor=actors["manager_a"], case=rating.rectification, action="revisit", note="已电话回访"
    )
    stats = selectors.rating_statistics(hall=hall_a, date_from=today, date_to=today)
    assert stats["revisit_rate"] == 1.0


@pytest.mark.parametrize("by", ["counter", "clerk", "service"])
def test_a_ranking_scores_each_unit_as_its_own_report_does(
    clock, hall_a, items_a, actors, published, clerk_a2, by
):
    system, q = published
    simulate(
        hall=hall_a,
        questionnaire=q,
        days=8,
        tickets_per_day=40,
        start=datetime.date(2030, 3, 1),
        bad_window=window(hall_a, "3"),
    )
    services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    scope = report.Scope(hall_a, datetime.date(2030, 3, 2), datetime.date(2030, 3, 7))
    ranked = report.ranking(system=system, scope=scope, by=by)
    assert len(ranked) >= 2
    field = {"counter": "counter_id", "clerk": "clerk_id", "service": "service_id"}[by]
    for row in ranked:
        alone = report.report_build(
            system=system,
            with_previous=False,
            scope=report.Scope(hall_a, scope.date_from, scope.date_to, **{field: row["id"]}),
        )
        assert (row["index"], row["services"]) == (alone["index"], alone["objective"]["services"]), row


def test_an_export_with_a_refused_field_is_not_a_hall_wide_file(
    clock, hall_a, items_a, actors, published, evaluator
):

    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=2, tickets_per_day=20, start=datetime.date(2030, 3, 1))
    client = evaluator
    base = "/staff/hall-a/quality/report/?from=2030-03-01&to=2030-03-02"
    for fmt in ("pdf", "csv"):
        refused = client.get(f"{base}&counter=999999&format={fmt}")
        assert refused.status_code == 422 and refused["Content-Type"].startswith("text/html")
    counter = window(hall_a, "3")
    scoped = client.get(f"{base}&counter={counter.pk}&format=csv")
    assert f"counter{counter.pk}" in scoped["Content-Disposition"]
    assert scoped.content.decode("utf-8-sig").startswith("# ")  # the scope is the file's first line


def test_a_period_answered_under_an_older_version_keeps_its_answers(
    clock, hall_a, items_a, actors, published
):
    system, q = published
    simulate(hall=hall_a, questionnaire=q, days=5, tickets_per_day=30, start=datetime.date(2030, 3, 1))
    scope = report.Scope(hall_a, datetime.date(2030, 3, 1), datetime.date(2030, 3, 5))
    before = report.report_build(system=system, scope=scope, with_previous=False)
    newer = services.questionnaire_new_version(actor=actors["evaluator_a"], questionnaire=q)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=newer)
    after = report.report_build(system=system, scope=scope, with_previous=False)
    assert after["questionnaire"] == q and after["index"] == before["index"]
    assert {r["code"] for r in after["indicators"]} == {r["code"] for r in before["indicators"]}
