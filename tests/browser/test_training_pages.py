"""Training in Chromium on the demo hall: the clerk takes an exam on a phone (the countdown runs, no answer
is in the page), passes, sees the certificate and their progress criterion by criterion; the manager
sees the clerk on the levels page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def _right_answers(attempt_id: int) -> dict[int, list[int]]:
    from servicehall.training.models import ExamAttempt, Question

    attempt = ExamAttempt.objects.get(pk=attempt_id)
    return {q.pk: q.correct for q in Question.objects.filter(pk__in=attempt.question_ids)}


def test_the_clerk_takes_an_exam_and_sees_their_progress(site, new_page, recorder, screenshot):
    page = new_page(viewport=PHONE, recorder=recorder)
    _sign_in(page, site, "clerk")
    page.goto(site.path(f"/staff/{site.hall_code}/training/me/"))
    page.locator("button[data-course=fire-safety]").click()
    page.wait_for_url("**/training/attempts/*/")
    expect(page.locator(".question")).to_have_count(4)
    value = page.locator("#timer-value")
    expect(value).to_contain_text(":")  # the countdown replaced the seconds with mm:ss
    html = page.content()
    assert "correct" not in html
    attempt_id = int(page.url.rstrip("/").split("/")[-1])
    screenshot(page, "training-exam-phone-zh")
    for qid, picked in _right_answers(attempt_id).items():
        for index in picked:
            page.locator(f'input[name="q{qid}"][value="{index}"]').check()
    page.locator("#exam-submit").click()
    expect(page.locator("#result")).to_contain_text("100")
    expect(page.locator("#result")).to_have_class("card result passed")
    page.goto(site.path(f"/staff/{site.hall_code}/training/me/"))
    rows = page.locator("#my-certificates tbody tr")
    expect(rows).to_have_count(4)  # the demo's three and the new one
    criteria = page.locator("#progress li[data-code]")
    expect(criteria).to_have_count(10)
    # the demo's sessions are dated back from today, so how many fall in this year depends on the day
    hours = page.locator("#progress li[data-code=training_hours] .crit-text")
    expect(hours).to_have_text(re.compile(r"^\d+(\.\d)?/40 [✓✗]$"))
    assert recorder.errors() == []


def test_the_manager_sees_the_clerk_on_the_levels_page(site, new_page, recorder, screenshot):
    page = new_page(recorder=recorder)
    _sign_in(page, site, "manager")
    page.goto(site.path(f"/staff/{site.hall_code}/training/levels/"))
    row = page.locator("#eligible tr[data-user=clerk]")
    expect(row.locator("li")).to_have_count(10)
    screenshot(page, "training-levels-zh", full_page=True)
    assert recorder.errors() == []
