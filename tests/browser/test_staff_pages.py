"""The staff administration pages in Chromium (issue 17): a hall manager adds a clerk, grants two skills
and plans the week, on the demo hall; no console errors (strict CSP), and what was done is in the
database and the audit trail."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1440, "height": 900}


def test_a_manager_adds_a_clerk_grants_two_skills_and_plans_the_week(site, new_page, recorder, screenshot):
    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import AuditEntry
    from servicehall.staff.models import RotaEntry, Skill
    from servicehall.training.models import RequiredCourse

    page = new_page(viewport=DESKTOP, recorder=recorder)
    _sign_in(page, site, "manager")
    page.locator("#home-staff-admin").click()
    page.fill("#id_username", "chenjing")
    page.fill("#id_display_name", "陈静")
    page.fill("#id_staff_number", "QS0220")
    page.locator("#new-clerk button[type=submit]").click()
    expect(page.locator("#created code.secret")).to_be_visible()
    expect(page.locator("#staff-list")).to_contain_text("QS0220")
    screenshot(page, "staff-people-zh.png")

    page.locator("#created a").click()
    # the demo's insurance items require the social-insurance course, which the new clerk has not passed
    required = RequiredCourse.objects.values_list("service_id", flat=True)
    second = ServiceItem.objects.filter(pk__in=required).order_by("code").first()
    first = ServiceItem.objects.filter(ticket_prefix="B").exclude(pk__in=required).order_by("code").first()
    page.select_option(f"#skill-{second.code}", "qualified")
    page.locator("#save-skills").click()
    refusal = page.locator(f"tr:has(#skill-{second.code}) .field-error")
    expect(refusal).to_contain_text("社保")  # the course is named on the item's row
    expect(page.locator(f"#skill-{second.code}")).to_have_value("qualified")  # the choice is kept
    assert not Skill.objects.filter(user__username="chenjing").exists()
    page.select_option(f"#skill-{first.code}", "qualified")
    page.select_option(f"#skill-{second.code}", "learning")
    page.fill("#skill-reason", "培训合格")
    page.locator("#save-skills").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator(f"#skill-{first.code}")).to_have_value("qualified")
    skills = dict(Skill.objects.filter(user__username="chenjing").values_list("item__code", "level"))
    assert skills == {first.code: "qualified", second.code: "learning"}
    screenshot(page, "staff-person-zh.png")

    page.goto(f"{site.url}/staff/{site.hall_code}/rota/?week=2030-W10")
    page.select_option("select[name='cell-chenjing-2030-03-04-am']", "3")
    page.select_option("select[name='cell-chenjing-2030-03-04-pm']", "3")
    page.select_option("select[name='cell-chenjing-2030-03-05-am']", "leave")
    page.locator("#save-rota").click()
    expect(page.locator("#rota-saved")).to_be_visible()
    expect(page.locator("select[name='cell-chenjing-2030-03-05-am']")).to_have_value("leave")
    plan = set(RotaEntry.objects.filter(user__username="chenjing").values_list("date", "half", "kind"))
    assert {(str(d), h, k) for d, h, k in plan} == {
        ("2030-03-04", "am", "work"),
        ("2030-03-04", "pm", "work"),
        ("2030-03-05", "am", "leave"),
    }
    screenshot(page, "staff-rota-zh.png")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"staff.create", "staff.skills", "staff.rota"} <= actions
    # the refused save answered 422 on purpose (the browser logs every 4xx page load)
    assert [e for e in recorder.errors() if "status of 422" not in e] == []
