"""The calling policy alone: no database, no clock, only ``policy.choose_next``."""

import datetime

from servicehall.queueing.policy import Candidate, Rules, choose_next

T0 = datetime.datetime(2030, 3, 6, 1, 0, tzinfo=datetime.UTC)
HERE, ELSEWHERE = 10, 11
SB, GJ, HJ = 1, 2, 3
RULES = Rules(priority_per_normal=2, max_wait=datetime.timedelta(minutes=45))


def ticket(pk, minute, *, priority=False, service=SB, to=None) -> Candidate:
    return Candidate(
        id=pk,
        queued_at=T0 + datetime.timedelta(minutes=minute),
        is_priority=priority,
        service_id=service,
        target_counter_id=to,
    )


def choose(candidates, *, now_minute, streak=0, services=None, rules=RULES, counter=HERE):
    return choose_next(
        candidates,
        counter_id=counter,
        services=services or {SB: (1, 1.0)},
        streak=streak,
        rules=rules,
        now=T0 + datetime.timedelta(minutes=now_minute),
    )


def call_in_turn(candidates, *, calls, now_minute, streak=0, services=None, rules=RULES):
    """Call ``calls`` times from ``candidates`` (removing each pick) and return the picks."""
    waiting, picks = list(candidates), []
    for _ in range(calls):
        choice = choose(waiting, now_minute=now_minute, streak=streak, services=services, rules=rules)
        picks.append(choice)
        streak = choice.streak
        waiting = [c for c in waiting if c.id != choice.id]
    return picks


class TestEligibility:
    def test_nothing_is_chosen_when_nobody_waits(self):
        assert choose([], now_minute=0) is None

    def test_a_ticket_is_never_chosen_when_the_counter_does_not_serve_its_service(self):
        overdue_elsewhere = ticket(1, 0, service=GJ, priority=True)
        assert choose([overdue_elsewhere], now_minute=120) is None
        assert choose([overdue_elsewhere, ticket(2, 100)], now_minute=120).id == 2

    def test_a_ticket_transferred_to_another_counter_is_not_called_here(self):
        directed_away = ticket(1, 0, to=ELSEWHERE)
        assert choose([directed_away], now_minute=120) is None


class TestCeiling:
    def test_an_overdue_ticket_is_called_first_whatever_its_class_or_tier(self):
        services = {SB: (1, 1.0), GJ: (2, 1.0)}
        old_normal_low_tier = ticket(1, 0, service=GJ)
        fresh_priority_top_tier = ticket(2, 40, priority=True, service=SB)
        choice = choose([fresh_priority_top_tier, old_normal_low_tier], now_minute=45, services=services)
        assert (choice.id, choice.reason) == (1, "ceiling")

    def test_a_ticket_just_short_of_the_ceiling_waits_its_turn(self):
        choice = choose([ticket(1, 0), ticket(2, 10, priority=True)], now_minute=44.9)
        assert (choice.id, choice.reason) == (2, "priority")

    def test_among_overdue_tickets_the_oldest_goes_first(self):
        choice = choose([ticket(1, 5, priority=True), ticket(2, 0), ticket(3, 2)], now_minute=60)
        assert (choice.id, choice.reason) == (2, "ceiling")

    def test_an_overdue_ticket_goes_before_a_transfer_to_this_counter(self):
        choice = choose([ticket(1, 50, to=HERE), ticket(2, 0)], now_minute=50)
        assert (choice.id, choice.reason) == (2, "ceiling")

    def test_an_overdue_priority_ticket_still_counts_in_the_streak(self):
        choice = choose([ticket(1, 0, priority=True), ticket(2, 30)], now_minute=50, streak=2)
        assert (choice.id, choice.streak) == (1, 3)


class TestDirectedTransfers:
    def test_a_ticket_transferred_to_this_counter_comes_before_the_queue(self):
        choice = choose([ticket(1, 0, priority=True), ticket(2, 1), ticket(3, 20, to=HERE)], now_minute=21)
        assert (choice.id, choice.reason) == (3, "directed")

    def test_a_ticket_transferred_here_is_called_even_when_the_counter_does_not_list_its_service(self):
        choice = choose([ticket(1, 0, service=HJ, to=HERE)], now_minute=1)
        assert (choice.id, choice.reason) == (1, "directed")

    def test_several_transfers_here_are_called_oldest_first(self):
        choice = choose([ticket(1, 5, to=HERE), ticket(2, 3, to=HERE)], now_minute=10)
        assert choice.id == 2


class TestInterleave:
    def test_with_both_kinds_waiting_the_sequence_is_two_priority_then_one_normal(self):
        waiting = [ticket(i, i, priority=True) for i in range(1, 9)] + [
            ticket(100 + i, i) for i in range(1, 9)
        ]
        picks = call_in_turn(waiting, calls=9, now_minute=20)
        kinds = "".join("P" if p.id < 100 else "N" for p in picks)
        assert kinds == "PPNPPNPPN"
        assert [p.reason for p in picks[:3]] == ["priority", "priority", "interleave"]

    def test_the_ratio_is_the_halls_setting(self):
        waiting = [ticket(i, i, priority=True) for i in range(1, 9)] + [
            ticket(100 + i, i) for i in range(1, 9)
        ]
        for ratio, expected in ((1, "PNPNPN"), (3, "PPPNPP")):
            picks = call_in_turn(
                waiting,
                calls=6,
                now_minute=20,
                rules=Rules(priority_per_normal=ratio, max_wait=datetime.timedelta(minutes=45)),
            )
            assert "".join("P" if p.id < 100 else "N" for p in picks) == expected

    def test_a_normal_call_resets_the_streak(self):
        choice = choose([ticket(1, 0, priority=True), ticket(2, 0)], now_minute=5, streak=2)
        assert (choice.id, choice.streak) == (2, 0)

    def test_when_only_priority_tickets_wait_they_are_called_past_the_ratio(self):
        choice = choose([ticket(1, 0, priority=True)], now_minute=5, streak=7)
        assert (choice.id, choice.streak, choice.reason) == (1, 8, "priority")

    def test_when_only_normal_tickets_wait_they_are_called(self):
        choice = choose([ticket(1, 3), ticket(2, 1)], now_minute=5, streak=0)
        assert (choice.id, choice.streak, choice.reason) == (2, 0, "normal")

    def test_a_normal_ticket_arriving_after_a_long_priority_run_is_next(self):
        choice = choose([ticket(1, 0, priority=True), ticket(2, 4)], now_minute=5, streak=9)
        assert (choice.id, choice.reason) == (2, "interleave")


class TestTiersAndWeights:
    def test_the_counters_first_tier_goes_first_even_when_a_lower_tier_ticket_is_older(self):
        services = {SB: (2, 1.0), GJ: (1, 1.0)}
        choice = choose(
            [ticket(1, 0, service=SB), ticket(2, 30, service=GJ)], now_minute=31, services=services
        )
        assert choice.id == 2

    def test_within_a_tier_waited_time_times_weight_decides(self):
        services = {SB: (1, 1.0), GJ: (1, 3.0)}
        # SB waited 10 minutes (score 10), GJ waited 5 minutes at weight 3 (score 15).
        choice = choose(
            [ticket(1, 0, service=SB), ticket(2, 5, service=GJ)], now_minute=10, services=services
        )
        assert choice.id == 2
        # GJ waited 3 minutes (score 9) now loses to SB's 10.
        choice = choose(
            [ticket(1, 0, service=SB), ticket(2, 7, service=GJ)], now_minute=10, services=services
        )
        assert choice.id == 1

    def test_equal_scores_go_to_the_earlier_ticket(self):
        services = {SB: (1, 1.0), GJ: (1, 1.0)}
        choice = choose([ticket(2, 0, service=GJ), ticket(1, 0, service=SB)], now_minute=5, services=services)
        assert choice.id == 1
        choice = choose([ticket(5, 1, service=GJ), ticket(9, 0, service=SB)], now_minute=5, services=services)
        assert choice.id == 9

    def test_the_class_kind_is_chosen_before_the_tier(self):
        services = {SB: (1, 1.0), GJ: (2, 1.0)}
        choice = choose(
            [ticket(1, 0, service=SB), ticket(2, 1, service=GJ, priority=True)],
            now_minute=5,
            services=services,
        )
        assert (choice.id, choice.reason) == (2, "priority")


def simulate_priority_stream(rules: Rules, *, backlog: int = 10, minutes: int = 120):
    """A counter calls once a minute; a priority ticket arrives every minute, on top of a backlog of priority
    tickets already waiting; one normal ticket arrives at minute 0. Returns the minute the normal ticket is
    called and the reason, and checks at every call that no later ticket went ahead of an overdue one."""
    waiting = [ticket(1000 + k, -backlog + k, priority=True) for k in range(backlog)]
    normal = ticket(1, 0)
    waiting.append(normal)
    streak = 0
    for minute in range(1, minutes + 1):
        waiting.append(ticket(2000 + minute, minute, priority=True))
        choice = choose(waiting, now_minute=minute, streak=streak, rules=rules)
        picked = next(c for c in waiting if c.id == choice.id)
        overdue = [
            c
            for c in waiting
            if (minute - (c.queued_at - T0).total_seconds() / 60) * 60 >= rules.max_wait.total_seconds()
        ]
        if overdue:
            assert picked.queued_at <= min(c.queued_at for c in overdue), (
                f"minute {minute}: a later ticket went first"
            )
        if choice.id == normal.id:
            return minute, choice.reason
        streak = choice.streak
        waiting.remove(picked)
    raise AssertionError("the normal ticket was never called")


class TestStarvation:
    def test_with_a_steady_stream_of_priority_tickets_a_normal_ticket_is_called_within_the_ceiling(self):
        no_interleave = Rules(priority_per_normal=10_000, max_wait=datetime.timedelta(minutes=45))
        minute, reason = simulate_priority_stream(no_interleave)
        assert minute <= 45
        assert reason == "ceiling"

    def test_with_the_interleave_a_normal_ticket_is_called_long_before_the_ceiling(self):
        minute, reason = simulate_priority_stream(RULES)
        assert minute == 3
        assert reason == "interleave"

    def test_past_the_ceiling_a_normal_ticket_waits_only_for_tickets_older_than_itself(self):
        # 30 priority tickets queued before it are all overdue too; they go first, no later one does.
        rules = Rules(priority_per_normal=10_000, max_wait=datetime.timedelta(minutes=5))
        minute, reason = simulate_priority_stream(rules, backlog=30)
        assert (minute, reason) == (31, "ceiling")
