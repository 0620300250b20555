"""The guides API: the published guide in the caller's language (a clerk never sees a draft), the
personal-data rule taken from the item's setting, the hall's staff only; logging a procedure use."""

import pytest

from servicehall.core.models import AuditEntry, Counter
from servicehall.customers.services import item_collection_set
from servicehall.guides.models import Guide, ProcedureUse
from tests.guides.conftest import STEPS, write_guide

pytestmark = pytest.mark.django_db


def path(hall, code="SB-001"):
    return f"halls/{hall.code}/services/{code}/guide"


def test_a_clerk_sees_only_the_published_version(api_as, actors, items_a, hall_a, clock):
    clerk, manager = api_as("clerk_a", language="en"), actors["manager_a"]
    write_guide(manager, items_a["SB-001"], publish=False)
    status, body = clerk.call("GET", path(hall_a))
    assert status == 404 and body["error"] == "guide_not_found"

    write_guide(manager, items_a["SB-001"])  # the same draft, now published
    status, body = clerk.call("GET", path(hall_a))
    assert status == 200 and body["version"] == 1
    assert body["steps"][0] == "Check the ID card against the person"

    write_guide(
        manager, items_a["SB-001"], steps=["新的第一步"], steps_en=["A new first step"], publish=False
    )
    assert clerk.call("GET", path(hall_a))[1]["version"] == 1  # the draft is not shown
    write_guide(manager, items_a["SB-001"], steps=["新的第一步"], steps_en=["A new first step"])
    status, body = clerk.call("GET", path(hall_a))
    assert body["version"] == 2 and body["steps"] == ["A new first step"]
    assert list(Guide.objects.order_by("version").values_list("status", flat=True)) == [
        "superseded",
        "published",
    ]


def test_the_guide_reads_in_each_language(api_as, guide, hall_a):
    zh = api_as("clerk_a").call("GET", path(hall_a))[1]
    hant = api_as("clerk_a", language="zh-hant").call("GET", path(hall_a))[1]
    en = api_as("clerk_a", language="en").call("GET", path(hall_a))[1]
    assert zh["steps"] == STEPS
    assert "身份證" in hant["steps"][0] and hant["steps"][0] != STEPS[0]  # OpenCC s2t
    assert en["materials"] == [
        {
            "material": "居民身份证",
            "material_id": en["materials"][0]["material_id"],
            "check": "Check the expiry date",
        }
    ]
    assert en["materials"][0]["material_id"] is not None


def test_the_collection_rule_shown_is_the_items_setting(api_as, actors, guide, items_a, hall_a):
    clerk = api_as("clerk_a", language="en")
    body = clerk.call("GET", path(hall_a))[1]
    assert [f["code"] for f in body["collection"]["fields"]] == ["id_number", "name", "phone"]
    item_collection_set(actor=actors["manager_a"], item=items_a["SB-001"], fields=["phone"])
    body = clerk.call("GET", path(hall_a))[1]
    assert [f["code"] for f in body["collection"]["fields"]] == ["phone"]
    assert [f["label"] for f in body["collection"]["not_collected"]] == ["Certificate number", "Name"]
    assert body["collection"]["why"] == "参保登记需核实身份"  # no English written: the Chinese text


@pytest.mark.parametrize(
    "caller,expected",
    [
        ("clerk_a", 200),
        ("evaluator_a", 200),
        ("manager_a", 200),
        ("manager_b", 403),
        ("clerk_b", 403),
        (None, 401),
    ],
)
def test_only_the_halls_staff_read_its_guides(api_as, guide, hall_a, caller, expected):
    assert api_as(caller).call("GET", path(hall_a))[0] == expected


def test_an_unknown_item_or_hall_is_404(api_as, guide, hall_a):
    assert api_as("clerk_a").call("GET", path(hall_a, "NO-SUCH"))[0] == 404
    assert api_as("clerk_a").call("GET", "halls/no-hall/services/SB-001/guide")[0] == 404


def uses(hall, procedure):
    return f"halls/{hall.code}/procedures/{procedure.pk}/uses"


def test_a_clerk_logs_a_procedure_use_and_it_is_audited(api_as, procedure, hall_a, clock):
    counter = Counter.objects.get(hall=hall_a, number="2")
    body = {"happened": "排队系统断网 20 分钟", "outcome": "恢复后补录", "counter": counter.pk, "ticked": 2}
    status, out = api_as("clerk_a").call("POST", uses(hall_a, procedure), body)
    assert status == 201 and out["counter"] == "2" and out["ticked"] == 2 and out["steps_total"] == 3
    use = ProcedureUse.objects.get()
    assert use.user.username == "clerk_a" and use.happened == "排队系统断网 20 分钟"
    assert use.used_at == clock.now
    entry = AuditEntry.objects.get(action="guides.procedure.use")
    assert entry.actor_label == "clerk_a" and entry.after["procedure"] == "manual-calling"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"happened": "  "}, "happened"),
        ({"happened": "x", "ticked": 4}, "ticked"),
        ({"happened": "x", "counter": 999999}, "counter"),
        ({"happened": "x", "counter": 10**30}, None),
        ({"happened": "x", "ticked": "many"}, None),
        ({"happened": "x", "ticked": 10**30}, None),
        ({"happened": ["x"]}, None),
        ({"happened": "x" * 1001}, None),
        ({}, None),
    ],
)
def test_bad_input_is_422_and_logs_nothing(api_as, procedure, hall_a, body, field):
    status, out = api_as("clerk_a").call("POST", uses(hall_a, procedure), body)
    assert status == 422, out
    if field:
        assert list(out["fields"]) == [field]
    assert not ProcedureUse.objects.exists()
    assert not AuditEntry.objects.filter(action="guides.procedure.use").exists()


def test_a_huge_procedure_id_is_unknown(api_as, hall_a):
    assert api_as("clerk_a").call("POST", f"halls/{hall_a.code}/procedures/{10**30}/uses", {"happened": "x"})[
        0
    ] in (
        404,
        422,
    )


def test_another_halls_window_or_procedure_is_refused(api_as, procedure, hall_a, hall_b):
    other = Counter.objects.get(hall=hall_b, number="1")
    status, out = api_as("clerk_a").call(
        "POST", uses(hall_a, procedure), {"happened": "x", "counter": other.pk}
    )
    assert status == 422 and list(out["fields"]) == ["counter"]
    assert api_as("clerk_b").call("POST", uses(hall_a, procedure), {"happened": "x"})[0] == 403
    assert (
        api_as("manager_b").call(
            "POST", f"halls/{hall_b.code}/procedures/{procedure.pk}/uses", {"happened": "x"}
        )[0]
        == 404
    )
    assert api_as("evaluator_a").call("POST", uses(hall_a, procedure), {"happened": "x"})[0] == 403
    assert not ProcedureUse.objects.exists()
