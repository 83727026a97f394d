"""The pure routing and health rules of a host pool (no I/O)."""

from __future__ import annotations

import random

import pytest

from ollama_lite._hosts import HostHealth, Scheduler, Ticket


def make(n: int = 3, cap: int = 2, seed: int = 0) -> Scheduler:
    return Scheduler([f"h{i}" for i in range(n)], max_in_flight=cap, rng=random.Random(seed))


def serve(s: Scheduler, count: int, now: float = 0.0, model: str = "") -> list[Ticket]:
    tickets = [Ticket(model) for _ in range(count)]
    for t in tickets:
        s.submit(t)
    s.dispatch(now)
    return tickets


def test_fewest_in_flight_first_and_cap_per_host() -> None:
    s = make(3, cap=2)
    tickets = serve(s, 7)
    hosts = [t.host for t in tickets]
    # The first three go one per host, the next three fill each host to 2, the 7th waits.
    assert sorted(hosts[:3]) == [0, 1, 2]
    assert sorted(hosts[3:6]) == [0, 1, 2]
    assert hosts[6] is None
    assert [slot.in_flight for slot in s.hosts] == [2, 2, 2]
    assert list(s.waiting) == [tickets[6]]


def test_ties_are_broken_by_the_injected_rng() -> None:
    firsts = {serve(make(4, seed=seed), 1)[0].host for seed in range(40)}
    assert firsts == {0, 1, 2, 3}
    assert serve(make(4, seed=7), 1)[0].host == serve(make(4, seed=7), 1)[0].host


def test_waiters_are_served_in_arrival_order() -> None:
    s = make(1, cap=1)
    first, *waiting = serve(s, 4)
    assert first.host == 0
    for expected in waiting:
        s.succeeded(first)
        assert s.dispatch(0.0) == [expected]
        first = expected
    assert s.hosts[0].done == 3


def test_released_slot_goes_to_the_least_loaded_host() -> None:
    s = make(2, cap=3)
    tickets = serve(s, 3)
    loads = [slot.in_flight for slot in s.hosts]
    assert sorted(loads) == [1, 2]
    lonely = next(t for t in tickets if loads[t.host or 0] == 1)
    s.succeeded(lonely)
    (d,) = serve(s, 1)
    assert d.host == lonely.host


def test_cooldown_doubles_up_to_the_cap_and_success_resets() -> None:
    h = HostHealth(cooldown=1.0, max_cooldown=30.0)
    rests = [h.record_failure(0.0) for _ in range(7)]
    assert rests == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    h.record_success()
    assert h.state(0.0) == "healthy"
    assert h.record_failure(0.0) == 1.0


def test_retry_after_wins_over_the_doubling_up_to_max_cooldown() -> None:
    h = HostHealth()
    assert h.record_failure(10.0, retry_after=20.0) == 20.0
    assert h.state(29.9) == "cooling"
    assert h.state(30.0) == "probe_due"
    # A server asking for more than max_cooldown (30 s) gets max_cooldown.
    assert h.record_failure(100.0, retry_after=3600.0) == 30.0
    assert h.state(129.9) == "cooling" and h.state(130.0) == "probe_due"


def test_a_failed_host_rests_then_is_probed_before_traffic() -> None:
    s = make(2, cap=2)
    (t,) = serve(s, 1)
    sick = t.host
    assert sick is not None
    assert s.failed(t, "connect", 100.0, unwell=True) == 1.0
    assert s.snapshot(100.0).hosts[sick].state == "cooling"
    # While it rests, everything goes to the other host.
    tickets = serve(s, 2, now=100.5)
    assert {x.host for x in tickets} == {1 - sick}
    assert s.next_change(100.5) == pytest.approx(0.5)
    # After the rest, the next ticket probes it; nobody else is sent there meanwhile.
    for x in tickets:
        s.succeeded(x)
    probe, other = serve(s, 2, now=101.0)
    assert probe.host == sick and probe.probe
    assert other.host == 1 - sick and not other.probe
    (third,) = serve(s, 1, now=101.0)
    assert third.host == 1 - sick
    s.probe_passed(probe)
    assert s.snapshot(101.0).hosts[sick].state == "healthy"
    assert s.hosts[sick].in_flight == 1  # the prober keeps its slot for its request


def test_a_failed_probe_doubles_the_rest() -> None:
    s = make(1, cap=2)
    (t,) = serve(s, 1)
    s.failed(t, "connect", 0.0, unwell=True)
    s.submit(t)
    assert s.dispatch(0.5) == []
    assert s.dispatch(1.0) == [t] and t.probe
    assert s.failed(t, "connect", 1.0, unwell=True) == 2.0
    s.submit(t, front=True)
    assert s.dispatch(2.9) == []
    assert s.dispatch(3.0) == [t]


def test_missing_model_routes_that_model_elsewhere() -> None:
    s = make(2, cap=2)
    (t,) = serve(s, 1, model="m")
    lacking = t.host
    assert lacking is not None
    s.failed(t, "model_missing", 0.0, unwell=False, missing_model=True)
    assert s.snapshot(0.0).hosts[lacking].state == "healthy"
    for _ in range(3):
        (x,) = serve(s, 1, model="m")
        assert x.host == 1 - lacking
        s.succeeded(x)
    # Other models still go there, and when no host has the model, waiting cannot help.
    assert not s.unservable(Ticket("m"))
    (y,) = serve(s, 1, model="m")
    s.failed(y, "model_missing", 0.0, unwell=False, missing_model=True)
    assert s.unservable(Ticket("m"))
    assert not s.unservable(Ticket("other"))


def test_exhausted_after_max_attempts_on_every_host() -> None:
    s = make(2, cap=2)
    t = Ticket()
    for now in (0.0, 10.0):
        for _ in range(2):
            s.submit(t)
            s.dispatch(now)
            assert not s.exhausted(t, 2)
            s.failed(t, "http_503", now, unwell=True)
            now += 100.0
    assert s.exhausted(t, 2)
    assert t.attempts == {0: 2, 1: 2}


def test_withdraw_frees_the_slot_or_the_place_in_line() -> None:
    s = make(1, cap=1)
    a, b = serve(s, 2)
    s.withdraw(b)
    assert not s.waiting
    s.withdraw(a)
    assert s.hosts[0].in_flight == 0


def test_snapshot_counts() -> None:
    s = make(2, cap=2)
    a, b = serve(s, 2)
    s.succeeded(a)
    s.failed(b, "http_503", 5.0, unwell=True, retry_after=3.0)
    stats = s.snapshot(6.0)
    assert stats.done == 1 and stats.in_flight == 0
    sick = stats[f"h{b.host}"]
    assert sick.failures == {"http_503": 1} and sick.failed == 1
    assert sick.state == "cooling" and sick.cooling_for == pytest.approx(2.0)
    with pytest.raises(KeyError):
        stats["nope"]


def test_bad_settings() -> None:
    with pytest.raises(ValueError):
        Scheduler([])
    with pytest.raises(ValueError):
        Scheduler(["a"], max_in_flight=0)


def test_a_retry_prefers_hosts_it_failed_on_least_and_stops_at_max_attempts() -> None:
    s = Scheduler(["a", "b"], max_in_flight=2, cooldown=0.0, max_attempts=2)
    t = Ticket()
    s.submit(t)
    s.dispatch(0.0)
    first = t.host
    assert first is not None
    s.failed(t, "dropped", 0.0, unwell=True)  # no rest: the host may be probed at once
    s.submit(t, front=True)
    s.dispatch(0.0)
    assert t.host == 1 - first
    s.failed(t, "dropped", 0.0, unwell=True)
    s.submit(t, front=True)
    s.dispatch(0.0)
    assert t.host is not None and t.probe  # both failed once: either, probed first
    s.failed(t, "dropped", 0.0, unwell=True)
    s.submit(t, front=True)
    s.dispatch(0.0)
    assert t.host is not None and t.attempts.get(t.host, 0) == 1  # the one failed on less
    s.failed(t, "dropped", 0.0, unwell=True)
    s.submit(t, front=True)
    assert s.dispatch(0.0) == []  # every host failed it twice
    assert s.exhausted(t, 2)
