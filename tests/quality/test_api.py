"""The quality API: rating by the ticket's link, rectification steps, indicator systems and AHP."""

import pytest


def test_rate_by_the_ticket_link_and_work_the_case(clock, served, api_as):
    ticket = served()
    citizen = api_as(None)
    status, err = citizen.call("POST", f"tickets/{ticket.public_id}/rating", {"level": 1})
    assert status == 422 and "tags" in err["fields"]
    status, rating = citizen.call(
        "POST",
        f"tickets/{ticket.public_id}/rating",
        {"level": 1, "tags": ["服务态度差"], "comment": "不耐烦"},
    )
    assert status == 201 and rating["rectification"]
    assert citizen.call("POST", f"tickets/{ticket.public_id}/rating", {"level": 5})[0] == 409
    case = rating["rectification"]
    status, rows = api_as("clerk_a").call("GET", "halls/hall-a/rectifications")
    assert status == 200 and [r["id"] for r in rows] == [case]
    assert api_as("clerk_b").call("GET", "halls/hall-a/rectifications")[0] == 403
    # The revisit is the office's: the rated clerk is refused with the reason; the evaluator does it.
    status, err = api_as("clerk_a").call("POST", f"rectifications/{case}/revisit", {"note": "已回访"})
    assert status == 403 and err["error"] == "step_not_yours" and "好差评" in err["message"]
    assert [r["steps"] for r in api_as("clerk_a").call("GET", "halls/hall-a/rectifications")[1]] == [[]]
    assert api_as("evaluator_a").call("GET", "halls/hall-a/rectifications")[1][0]["steps"] == ["revisit"]
    status, out = api_as("evaluator_a").call("POST", f"rectifications/{case}/revisit", {"note": "已回访"})
    assert status == 200 and out["status"] == "revisited"
    assert out["steps"] == ["reasonable", "unreasonable", "appeal"]
    status, err = api_as("evaluator_a").call("POST", f"rectifications/{case}/close", {})
    assert status == 409 and err["error"] == "illegal_transition"
    assert api_as(None).call("POST", f"rectifications/{case}/reasonable", {})[0] == 401


@pytest.mark.parametrize("who", ["clerk_a", "manager_b"])
def test_indicator_systems_are_for_the_hall_s_evaluators_and_managers(clock, api_as, who):
    assert api_as(who).call("POST", "halls/hall-a/indicator-systems", {"template": "article"})[0] == 403


def test_ahp_over_the_api(clock, api_as):
    evaluator = api_as("evaluator_a")
    status, system = evaluator.call("POST", "halls/hall-a/indicator-systems", {"template": "servqual"})
    assert status == 201 and len(system["tree"]) == 5
    sid = system["id"]
    status, err = evaluator.call(
        "POST", f"indicator-systems/{sid}/judgements", {"parent": "R", "matrix": [[1, 2], [0.5, 1]]}
    )
    assert status == 422 and "matrix" in err["fields"]  # R has four children
    status, err = evaluator.call(
        "POST",
        f"indicator-systems/{sid}/judgements",
        {"parent": "P", "matrix": [[1, 9, 1 / 9, 1], [1 / 9, 1, 9, 1], [9, 1 / 9, 1, 1], [1, 1, 1, 1]]},
    )
    assert status == 422 and err["error"] == "inconsistent"
    status, out = evaluator.call(
        "POST",
        f"indicator-systems/{sid}/judgements",
        {
            "parent": None,
            "matrix": [
                [1, 1 / 3, 1 / 2, 1, 2],
                [3, 1, 2, 3, 4],
                [2, 1 / 2, 1, 2, 3],
                [1, 1 / 3, 1 / 2, 1, 2],
                [1 / 2, 1 / 4, 1 / 3, 1 / 2, 1],
            ],
        },
    )
    assert status == 201 and out["cr"] < 0.1 and max(out["weights"], key=out["weights"].get) == "R"
    assert abs(sum(out["weights"].values()) - 1) < 1e-9
    status, published = evaluator.call("POST", f"indicator-systems/{sid}/publish")
    assert status == 200 and published["status"] == "published"
    status, err = evaluator.call("PATCH", f"indicator-systems/{sid}/indicators/T1", {"name": "新名称"})
    assert status == 409 and err["error"] == "frozen"
