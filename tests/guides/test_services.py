"""Guide and procedure services: a draft prefilled from the catalogue, published versions never edited,
managers only, bad input refused with nothing changed, every change audited."""

import pytest

from servicehall.catalog.services import item_save
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.guides import services
from servicehall.guides.choices import GuideStatus
from servicehall.guides.models import Guide, Procedure
from tests.guides.conftest import write_guide
from tests.queueing.conftest import item_data

pytestmark = pytest.mark.django_db


def test_a_first_draft_is_prefilled_from_the_catalogue(actors, admin_actor, hall_a, clock):
    data = item_data("YY-001", "营业执照设立登记", "Y", ["1"])
    data.update(legal_basis="《中华人民共和国市场主体登记管理条例》第三条", steps=["申请", "受理", "决定"])
    data["materials"] = [{"name": "公司登记申请书"}, {"name": "公司章程"}]
    item = item_save(actor=admin_actor, hall=hall_a, data=data)
    draft = services.guide_draft_start(actor=actors["manager_a"], item=item)
    assert draft.version == 1 and draft.status == GuideStatus.DRAFT
    assert draft.legal_basis == "《中华人民共和国市场主体登记管理条例》第三条"
    assert draft.steps == ["申请", "受理", "决定"]
    assert [(c.material.name, c.material_name) for c in draft.checks.all()] == [
        ("公司登记申请书", "公司登记申请书"),
        ("公司章程", "公司章程"),
    ]
    assert services.guide_draft_start(actor=actors["manager_a"], item=item).pk == draft.pk  # one draft
    assert AuditEntry.objects.filter(action="guides.guide.draft").count() == 1


def test_a_new_draft_copies_the_published_version(actors, guide, items_a):
    draft = services.guide_draft_start(actor=actors["manager_a"], item=items_a["SB-001"])
    assert draft.version == 2 and draft.steps == guide.steps
    assert [c.points for c in draft.checks.all()] == ["核对有效期"]


def test_a_published_version_is_never_edited(actors, guide):
    with pytest.raises(Conflict):
        services.guide_draft_save(actor=actors["manager_a"], guide=guide, data={"steps": ["改"]})
    with pytest.raises(Conflict):
        services.guide_publish(actor=actors["manager_a"], guide=guide)
    guide.refresh_from_db()
    assert guide.steps[0] == "核对身份证原件与本人一致"


def test_clerks_and_other_halls_cannot_write_guides(actors, items_a, guide):
    for who in ("clerk_a", "manager_b", "evaluator_a"):
        with pytest.raises(PermissionDenied):
            services.guide_draft_start(actor=actors[who], item=items_a["SB-001"])
    assert Guide.objects.count() == 1


@pytest.mark.parametrize(
    "data,field",
    [
        ({"steps": ["x" * 501]}, "steps"),
        ({"steps": [f"第{i}步" for i in range(41)]}, "steps"),
        ({"steps": [1, 2]}, "steps"),
        ({"legal_basis": {"a": 1}}, "legal_basis"),
        ({"legal_basis": "x" * 4001}, "legal_basis"),
        ({"checks": {"999999": {"points": "x"}}}, "checks"),
        ({"checks": "x"}, "checks"),
    ],
)
def test_bad_draft_input_is_refused_and_changes_nothing(actors, items_a, clock, data, field):
    draft = write_guide(actors["manager_a"], items_a["SB-001"], publish=False)
    audits = AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        services.guide_draft_save(actor=actors["manager_a"], guide=draft, data=data)
    assert field in caught.value.fields
    draft.refresh_from_db()
    assert draft.steps[0] == "核对身份证原件与本人一致"
    assert AuditEntry.objects.count() == audits


def test_a_draft_without_steps_cannot_be_published(actors, items_a, clock):
    draft = write_guide(actors["manager_a"], items_a["SB-001"], steps=[], publish=False)
    with pytest.raises(Invalid) as caught:
        services.guide_publish(actor=actors["manager_a"], guide=draft)
    assert "steps" in caught.value.fields


def test_saving_and_publishing_are_audited_with_before_and_after(actors, guide):
    saved = AuditEntry.objects.get(action="guides.guide.save")
    assert saved.before["steps"] == [] and saved.after["steps"][0] == "核对身份证原件与本人一致"
    published = AuditEntry.objects.get(action="guides.guide.publish")
    assert published.after == {"status": "published", "version": 1}


def test_a_manager_adds_and_changes_a_procedure_audited(actors, hall_a, procedure):
    changed = services.procedure_save(
        actor=actors["manager_a"], hall=hall_a, procedure=procedure, data={"steps": "一\n二\n\n三\n四"}
    )
    assert changed.steps == ["一", "二", "三", "四"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="guides.procedure").values_list("action", flat=True)
    )
    assert sorted(actions) == ["guides.procedure.add", "guides.procedure.change"]
    with pytest.raises(PermissionDenied):
        services.procedure_save(
            actor=actors["clerk_a"], hall=hall_a, data={"code": "x", "title": "x", "steps": ["x"]}
        )
    with pytest.raises(Invalid) as caught:
        services.procedure_save(
            actor=actors["manager_a"],
            hall=hall_a,
            data={"code": "manual-calling", "title": "重复", "steps": ["x"]},
        )
    assert "code" in caught.value.fields
    assert Procedure.objects.count() == 1
