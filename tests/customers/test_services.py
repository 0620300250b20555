"""Customer record services: identify by digest (and no text search), masking, the audited full read,
merge keeping every link, erasure leaving statistics and no personal field in the rows themselves, and
the retention sweep (dry-run, batches, resumable after a kill)."""

import datetime
from pathlib import Path

import pytest
from django.db import connection

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.customers import links, selectors, services
from servicehall.customers.choices import CertificateType, PersonStatus
from servicehall.customers.models import Consent, Person
from servicehall.queueing.models import Ticket
from tests.customers.conftest import STANDARD_ID, make_id

pytestmark = pytest.mark.django_db


class TestPersonIdentify:
    def test_the_same_id_number_finds_the_same_record_and_fills_blanks(self, actors, hall_a, person):
        again, created = services.person_identify(
            actor=actors["clerk_a"], hall=hall_a, id_number=make_id().lower(), name="李四"
        )
        assert not created and again.pk == person.pk
        assert again.name_hint == "张**"  # nothing typed overwrites what is there

    def test_a_bad_check_character_is_a_field_error(self, actors, hall_a, clock):
        with pytest.raises(Invalid) as err:
            services.person_identify(actor=actors["clerk_a"], hall=hall_a, id_number=make_id()[:-1] + "Y")
        assert "id_number" in err.value.fields

    def test_a_passport_is_a_certificate_of_its_own_kind(self, actors, hall_a, clock):
        p, created = services.person_identify(
            actor=actors["clerk_a"], hall=hall_a, id_type=CertificateType.PASSPORT, id_number="E12345678"
        )
        assert created and p.id_hint == "E1*****78" and p.birth_year is None

    def test_coarse_fields_are_derived_and_the_number_is_not_stored_readable(self, person):
        row = Person.objects.get(pk=person.pk)
        assert (row.birth_year, row.sex, row.province_code, row.city_code) == (1990, "M", "32", "3201")
        assert row.region_name == "江苏省南京市"
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM customers_person WHERE id = %s", [person.pk])
            stored = " ".join(str(v) for v in cur.fetchone())
        for clear in (make_id(), "张三丰", "13812345678", "19900101"):
            assert clear not in stored

    def test_another_hall_and_the_evaluator_cannot_identify(self, actors, hall_a):
        for who in ("manager_b", "evaluator_a", "citizen"):
            with pytest.raises(Exception) as err:
                services.person_identify(actor=actors[who], hall=hall_a, id_number=make_id())
            assert getattr(err.value, "status", None) in {401, 403}


class TestPersonSearch:
    def test_search_by_digest_finds_the_person_by_id_or_phone(self, actors, hall_a, person):
        by_id = services.person_search(actor=actors["clerk_a"], hall=hall_a, id_number=make_id())
        by_phone = services.person_search(actor=actors["clerk_a"], hall=hall_a, phone="138 1234 5678")
        assert [p.pk for p in by_id] == [p.pk for p in by_phone] == [person.pk]
        audit = AuditEntry.objects.filter(action="customers.person.search").latest("id")
        assert audit.after["found"] == [person.pk] and "13812345678" not in str(audit.after)

    def test_part_of_a_number_finds_nothing_there_is_no_like_search(self, actors, hall_a, person):
        assert services.person_search(actor=actors["clerk_a"], hall=hall_a, phone="1381234") == []
        assert services.person_search(actor=actors["clerk_a"], hall=hall_a, id_number=make_id()[:10]) == []
        assert not hasattr(selectors, "person_search_text")
        source = Path(selectors.__file__).read_text(encoding="utf-8")
        assert "__contains" not in source and "__icontains" not in source and "__startswith" not in source


class TestPersonReveal:
    def test_a_full_read_needs_a_reason_and_is_audited(self, actors, hall_a, person):
        with pytest.raises(Invalid):
            services.person_reveal(actor=actors["clerk_a"], person=person, reason="")
        clear = services.person_reveal(actor=actors["clerk_a"], person=person, reason="核对办件人身份")
        assert clear["id_number"] == make_id() and clear["phone"] == "13812345678"
        row = AuditEntry.objects.get(action="customers.person.reveal")
        assert row.actor_label == "clerk_a" and row.after == {"reason": "核对办件人身份"}
        assert make_id() not in str(row.after) + str(row.before)

    def test_the_masked_view_has_no_clear_value(self, person):
        shown = str(selectors.person_masked(person))
        assert "320102********1234"[:6] in shown
        for clear in (make_id(), "张三丰", "13812345678"):
            assert clear not in shown


def _linked_ticket(actors, q, person):
    ticket = q.issue()
    services.ticket_citizen_identify(actor=actors["clerk_a"], ticket=ticket, id_number=make_id())
    assert Ticket.objects.get(pk=ticket.pk).customer_id == person.pk
    return ticket


class TestPersonMerge:
    def test_merge_keeps_every_link_and_marks_the_duplicate(self, actors, hall_a, person, q):
        duplicate, _c = services.person_identify(actor=actors["clerk_a"], hall=hall_a, phone="13900001111")
        services.consent_record(
            actor=actors["clerk_a"], person=duplicate, purpose="notify", agreed=True, channel="counter"
        )
        t1 = _linked_ticket(actors, q, person)
        t2 = q.issue()
        services.ticket_citizen_identify(actor=actors["clerk_a"], ticket=t2, phone="13900001111")
        assert Ticket.objects.get(pk=t2.pk).customer_id == duplicate.pk
        kept = services.person_merge(
            actor=actors["manager_a"], keep=person, duplicate=duplicate, reason="同一人重复建档"
        )
        assert set(Ticket.objects.filter(customer_id=kept.pk).values_list("pk", flat=True)) == {t1.pk, t2.pk}
        assert Consent.objects.get().person_id == kept.pk
        gone = Person.objects.get(pk=duplicate.pk)
        assert gone.status == PersonStatus.MERGED and gone.merged_into_id == kept.pk
        assert AuditEntry.objects.get(action="customers.person.merge").after["moved"]["tickets"] == 1
        assert selectors.person_get(hall=hall_a, pk=duplicate.pk).pk == kept.pk

    def test_a_clerk_cannot_merge_and_a_merged_record_cannot_merge_again(self, actors, hall_a, person):
        dup, _c = services.person_identify(actor=actors["clerk_a"], hall=hall_a, phone="13900001111")
        with pytest.raises(PermissionDenied):
            services.person_merge(actor=actors["clerk_a"], keep=person, duplicate=dup, reason="重复建档")
        services.person_merge(actor=actors["manager_a"], keep=person, duplicate=dup, reason="重复建档")
        with pytest.raises(Conflict):
            services.person_merge(actor=actors["manager_a"], keep=person, duplicate=dup, reason="重复建档")


PERSONAL_COLUMNS = [
    "id_encrypted",
    "id_hint",
    "id_digest",
    "name_encrypted",
    "name_hint",
    "phone_encrypted",
    "phone_hint",
    "phone_digest",
]


class TestPersonErase:
    def test_erase_blanks_every_personal_column_and_keeps_the_statistics(self, actors, hall_a, person, q):
        ticket = _linked_ticket(actors, q, person)
        tokens = [person.id_encrypted, person.name_encrypted, person.phone_encrypted, person.id_digest]
        services.person_erase(actor=actors["manager_a"], person=person, reason="本人申请删除")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {', '.join(PERSONAL_COLUMNS)}, birth_year, province_code, status "
                "FROM customers_person WHERE id = %s",
                [person.pk],
            )
            row = cur.fetchone()
        assert all(v == "" for v in row[: len(PERSONAL_COLUMNS)])
        assert row[-3:] == (1990, "32", "erased")
        assert Ticket.objects.get(pk=ticket.pk).customer_id == person.pk  # an anonymous statistic
        assert services.person_search(actor=actors["clerk_a"], hall=hall_a, id_number=make_id()) == []
        # The audit trail outlives the erasure: it never held a token or a digest of the person.
        trail = " ".join(str(e.before) + str(e.after) + e.object_repr for e in AuditEntry.objects.all())
        assert not [t for t in tokens if t and t in trail]

    def test_erase_is_refused_with_the_reason_when_something_must_be_kept(self, actors, person, monkeypatch):
        kind = links.LinkKind(name="case", move=lambda *a: 0, erase_block=lambda p: "案件材料须依法保存")
        monkeypatch.setitem(links.LINKS, "case", kind)
        with pytest.raises(Conflict) as err:
            services.person_erase(actor=actors["manager_a"], person=person, reason="本人申请删除")
        assert err.value.status == 409 and err.value.fields == {"reasons": ["案件材料须依法保存"]}
        assert Person.objects.get(pk=person.pk).id_hint


class TestPersonExport:
    def test_export_bundles_the_clear_data_and_the_history_and_is_audited(self, actors, person, q):
        _linked_ticket(actors, q, person)
        bundle = services.person_export(actor=actors["manager_a"], person=person, reason="本人申请查阅")
        assert bundle["person"]["id_number"] == make_id()
        assert [e["kind"] for e in bundle["timeline"]] == ["ticket"]
        assert AuditEntry.objects.filter(action="customers.person.export").count() == 1


class TestRetentionSweep:
    def _people(self, actors, hall_a, n):
        return [
            services.person_identify(
                actor=actors["clerk_a"], hall=hall_a, id_number=make_id(seq=f"{i:03d}"), name="王五"
            )[0]
            for i in range(n)
        ]

    def test_dry_run_counts_then_batches_erase_with_one_audit_row_each(self, actors, hall_a, clock):
        self._people(actors, hall_a, 5)
        later = clock.now + datetime.timedelta(days=3 * 365 + 1)
        assert services.persons_retention_sweep(hall=hall_a, now=later, dry_run=True)["due"] == 5
        assert Person.objects.filter(status="active").count() == 5
        done = services.persons_retention_sweep(hall=hall_a, now=later, batch=2)
        assert done == {"due": 5, "erased": 5, "kept": 0}
        assert Person.objects.filter(status="erased", name_hint="").count() == 5
        rows = AuditEntry.objects.filter(action="customers.person.retention")
        assert rows.count() == 3 and rows.first().actor_label == "system:customers.retention"

    def test_a_run_killed_after_a_batch_is_finished_by_the_next_run(self, actors, hall_a, clock, monkeypatch):
        self._people(actors, hall_a, 4)
        later = clock.now + datetime.timedelta(days=3 * 365 + 1)
        real, calls = services.erase_fields, []

        def dies_on_the_third(person, *, reason):
            calls.append(person.pk)
            if len(calls) == 3:
                raise KeyboardInterrupt("killed")
            return real(person, reason=reason)

        monkeypatch.setattr(services, "erase_fields", dies_on_the_third)
        with pytest.raises(KeyboardInterrupt):
            services.persons_retention_sweep(hall=hall_a, now=later, batch=2)
        assert Person.objects.filter(status="erased").count() == 2  # the finished batch stayed done
        monkeypatch.setattr(services, "erase_fields", real)
        assert services.persons_retention_sweep(hall=hall_a, now=later, batch=2)["erased"] == 2
        assert Person.objects.filter(status="active").count() == 0

    def test_people_seen_recently_are_kept(self, actors, hall_a, clock):
        self._people(actors, hall_a, 2)
        soon = clock.now + datetime.timedelta(days=300)
        assert services.persons_retention_sweep(hall=hall_a, now=soon)["erased"] == 0


def test_the_standard_example_is_a_woman_from_beijing(actors, hall_a, clock):
    p, _c = services.person_identify(actor=actors["clerk_a"], hall=hall_a, id_number=STANDARD_ID)
    assert (p.sex, p.region_name, p.age_band(2030)) == ("F", "北京市", "60+")


class TestOrganisation:
    def test_an_organisation_is_known_by_a_valid_uscc_and_has_agents(self, actors, hall_a, person):
        with pytest.raises(Invalid) as err:
            services.organisation_save(
                actor=actors["clerk_a"], hall=hall_a, name="某公司", uscc="91110000600037341M"
            )
        assert "uscc" in err.value.fields
        org = services.organisation_save(
            actor=actors["clerk_a"],
            hall=hall_a,
            name="某某科技有限公司",
            uscc="9111 0000 6000 3734 1l",
            representative="赵六",
        )
        assert org.uscc == "91110000600037341L" and org.representative_hint == "赵*"
        again = services.organisation_save(
            actor=actors["clerk_a"], hall=hall_a, name="改名公司", uscc=org.uscc
        )
        assert again.pk == org.pk and again.name == "改名公司"
        services.organisation_agent_add(actor=actors["clerk_a"], organisation=org, person=person)
        assert list(person.organisations.all()) == [org]


class TestPersonUpdate:
    def test_a_correction_changes_the_digest_and_the_preferences_are_checked(self, actors, hall_a, person):
        services.person_update(
            actor=actors["clerk_a"], person=person, phone="13700009999", accessibility=["elderly"]
        )
        assert [
            p.pk for p in services.person_search(actor=actors["clerk_a"], hall=hall_a, phone="13700009999")
        ] == [person.pk]
        assert services.person_search(actor=actors["clerk_a"], hall=hall_a, phone="13812345678") == []
        with pytest.raises(Invalid):
            services.person_update(actor=actors["clerk_a"], person=person, accessibility=["flying"])
        row = AuditEntry.objects.filter(action="customers.person.update").first()
        assert "13700009999" not in str(row.after)
