"""The worker's sweeps in quality leave an audit trail: one row per hall and batch, naming the job and
listing the ids it changed, written by the system (no user, no device)."""

from servicehall.core.models import AuditEntry
from servicehall.quality import services
from servicehall.quality.models import Rating, Rectification


def test_the_default_rating_sweep_writes_one_audit_row_listing_the_ratings(clock, served, actors, hall_a):
    services.settings_update(actor=actors["manager_a"], hall=hall_a, default_rule="good")
    first, second, rated = served(), served(), served()
    services.rating_submit(actor=actors["citizen"], ticket=rated, level=5)
    clock.advance(days=8)
    assert services.ratings_default() == 2
    entry = AuditEntry.objects.get(action="quality.ratings_default")
    made = Rating.objects.filter(is_default=True)
    assert set(made.values_list("ticket_id", flat=True)) == {first.pk, second.pk}
    assert sorted(entry.after["ids"]) == sorted(made.values_list("pk", flat=True))
    assert entry.after["job"] == "quality.default_ratings"
    assert (entry.hall_id, entry.actor_id, entry.object_type) == (hall_a.pk, None, "quality.rating")
    assert services.ratings_default() == 0
    assert AuditEntry.objects.filter(action="quality.ratings_default").count() == 1  # nothing new, no row


def test_the_overdue_sweep_writes_one_audit_row_listing_the_cases(clock, served, actors, hall_a):
    for tag in ("服务态度差", "等候时间长"):
        services.rating_submit(actor=actors["citizen"], ticket=served(), level=2, tags=[tag])
    assert services.rectifications_overdue() == 0
    assert not AuditEntry.objects.filter(action="quality.rectifications_overdue").exists()
    clock.advance(days=2)
    assert services.rectifications_overdue() == 2
    entry = AuditEntry.objects.get(action="quality.rectifications_overdue")
    assert sorted(entry.after["ids"]) == sorted(Rectification.objects.values_list("pk", flat=True))
    assert (entry.hall_id, entry.actor_id, entry.after["job"]) == (
        hall_a.pk,
        None,
        "quality.rectifications_overdue",
    )
    assert not Rectification.objects.filter(overdue_alerted_at__isnull=True).exists()
    assert services.rectifications_overdue() == 0
    assert AuditEntry.objects.filter(action="quality.rectifications_overdue").count() == 1


def test_a_case_is_overdue_past_its_revisit_while_open_or_past_its_rectification(clock, served, actors):
    case = services.rating_submit(
        actor=actors["citizen"], ticket=served(), level=1, comment="慢"
    ).rectification
    assert not case.is_overdue(case.opened_at)
    assert case.is_overdue(case.revisit_due + (case.revisit_due - case.opened_at))
    case.status = "revisited"
    assert not case.is_overdue(case.revisit_due + (case.revisit_due - case.opened_at))
    assert case.is_overdue(case.rectify_due + (case.rectify_due - case.opened_at))
    case.status = "closed"
    assert not case.is_overdue(case.rectify_due + (case.rectify_due - case.opened_at))
