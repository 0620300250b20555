"""Before/after of a marked change (issue 18): a planted effect is found by difference-in-differences
even while every service drifts, the drift alone is not credited to the change, pure noise is reported
as "no detectable effect", and too few observations say so. Also through the page, on real tickets."""

import datetime
import random

import pytest

from servicehall.analytics import effect, selectors, services
from servicehall.analytics.effect import Observation
from servicehall.core.errors import Invalid
from servicehall.core.models import AuditEntry


def _sample(rng, *, effect_after=0.0, drift=0.0, n=300, base=12.0, sd=4.0):
    out = []
    for treated in (True, False):
        for after in (False, True):
            shift = (drift if after else 0.0) + (effect_after if treated and after else 0.0)
            out += [Observation(treated, after, rng.gauss(base + shift, sd)) for _ in range(n)]
    return out


def test_a_planted_effect_is_found_despite_a_drift_of_every_service():
    rng = random.Random(7)
    found = effect.estimate(_sample(rng, effect_after=-3.0, drift=+2.0), lower_is_better=True)
    assert found.method == "did" and found.verdict == "improved" and found.p_value < 0.001
    assert found.ci_low < -3.0 < found.ci_high
    # a plain before/after of the touched services would have seen only -1 (the drift hides it)
    assert found.means["treated_after"] - found.means["treated_before"] == pytest.approx(-1.0, abs=0.8)


def test_a_drift_alone_is_not_credited_to_the_change():
    rng = random.Random(11)
    found = effect.estimate(_sample(rng, drift=-3.0), lower_is_better=True)
    assert found.verdict == "no_effect" and found.p_value >= effect.ALPHA


@pytest.mark.parametrize("seed", range(5))
def test_noise_is_no_detectable_effect(seed):
    found = effect.estimate(_sample(random.Random(seed)), lower_is_better=True)
    assert found.verdict == "no_effect"


def test_without_a_control_it_is_before_and_after_and_small_samples_say_so():
    rng = random.Random(3)
    only_touched = [o for o in _sample(rng, effect_after=2.0) if o.treated]
    found = effect.estimate(only_touched, lower_is_better=False)
    assert found.method == "before_after" and found.verdict == "improved"
    few = effect.estimate(only_touched[:10] + only_touched[-10:], lower_is_better=False)
    assert few.verdict == "insufficient" and few.estimate is None
    same = effect.estimate(
        [Observation(True, a, 5.0) for a in (False, True) for _ in range(30)], lower_is_better=True
    )
    assert same.verdict == "no_effect"


@pytest.mark.django_db
def test_marking_a_change_and_reading_its_effect(history, hall_a, items_a, actors, clock):
    """The history's SB-001 tickets after the marked day are made faster; the page's figures find it."""
    from servicehall.queueing.models import Ticket

    today = clock.now.date()
    day = today - datetime.timedelta(days=30)
    Ticket.objects.filter(service=items_a["SB-001"], day__gt=day).update(service_seconds=60)
    with pytest.raises(Invalid):
        services.change_mark_create(
            actor=actors["manager_a"], hall=hall_a, day=day, title=" ", service_codes=["XX"]
        )
    mark = services.change_mark_create(
        actor=actors["manager_a"], hall=hall_a, day=day, title="社保预填表上线", service_codes=["SB-001"]
    )
    assert AuditEntry.objects.filter(action="analytics.change_mark").count() == 1
    figures = {
        row["code"]: row["effect"] for row in selectors.change_effects(hall=hall_a, mark=mark, today=today)
    }
    assert figures["service"].method == "did" and figures["service"].verdict == "improved"
    assert figures["wait"].verdict == "no_effect"  # the waits were not touched
    assert figures["good"].verdict == "insufficient"  # the history has no ratings


@pytest.mark.django_db
def test_the_page_marks_a_change_and_shows_the_answer(client, staff, history, hall_a, items_a, clock):
    from servicehall.queueing.models import Ticket

    client.force_login(staff["manager_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    day = clock.now.date() - datetime.timedelta(days=30)
    Ticket.objects.filter(service=items_a["SB-001"], day__gt=day).update(service_seconds=60)
    url = "/staff/hall-a/analytics/changes/"
    bad = client.post(url, {"day": "0001-01-01x", "title": "", "window_days": 500})
    page = bad.content.decode()
    assert bad.status_code == 422 and page.count('class="field has-error"') == 3
    done = client.post(
        url, {"day": day.isoformat(), "title": "预填表", "services": ["SB-001"], "window_days": 28}
    )
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    row = page.split('id="effect-service"')[1].split("</tr>")[0]
    assert 'data-verdict="improved"' in page and "Better" in row
    assert "No detectable effect" in page.split('id="effect-wait"')[1].split("</tr>")[0]
    assert client.get(url).status_code == 200
    client.force_login(staff["clerk_a"])
    assert client.get(url).status_code == 403
