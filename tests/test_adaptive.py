"""Adaptive sequencing on a synthetic bank with simulated examinees: stopping rules, choosing the most
informative scenario (drawn among the best few), exposure, content balancing, overlaps, determinism, and
that adaptive order measures better than random order."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from scoring.adaptive import AssessmentPlan, Sequencer
from scoring.framework import load_framework
from scoring.measurement import OVERALL, BankItem, ItemBank, ItemParameters
from scoring.measurement.posterior import Posterior

AREAS = ("information-data-literacy", "communication-collaboration", "digital-content-creation", "safety")
NEVER_BY_PROBABILITY = 1.0  # stop_probability 1: never stop on a level probability
NEVER_BY_SE = 1e-9


def make_bank(n_per_area: int = 10, areas: tuple[str, ...] = AREAS, minutes=lambda i, j: 5.0,
              overlaps: dict[str, set[str]] | None = None, base: float = 1.0, spread: float = 0.02) -> ItemBank:
    """GPCM items 0..3 spread from easy to hard in every area, with slightly different discriminations
    (so no two items are equally informative)."""
    overlaps = overlaps or {}
    items = []
    for i, area in enumerate(areas):
        for j in range(n_per_area):
            centre = -2.5 + 5.0 * j / (n_per_area - 1) + 0.13 * i
            a = base + spread * ((3 * j + 5 * i) % 11) + 0.001 * j
            sid = f"{area[:4]}.{j:02d}"
            items.append(BankItem(sid, area, ItemParameters("gpcm", round(a, 4), (
                round(centre - 0.6, 3), round(centre, 3), round(centre + 0.6, 3))),
                minutes=minutes(i, j), overlaps=frozenset(overlaps.get(sid, ()))))
    return ItemBank.from_items(load_framework(), items)


BANK = make_bank()


def response(bank: ItemBank, scenario: str, theta: float, key: object) -> int:
    """The simulated examinee's score: the same examinee always gives the same score to the same scenario."""
    return bank.items[scenario].parameters.sample(theta, random.Random(f"{key}:{scenario}").random())


def run(plan: AssessmentPlan, theta: float, seed: int, bank: ItemBank = BANK, key: object = None,
        each=None) -> Sequencer:
    """Play a whole session; `each(sequencer, choice)` is called before every choice is recorded."""
    sequencer = Sequencer(plan, bank, seed)
    while (choice := sequencer.next()) is not None:
        if each is not None:
            each(sequencer, choice)
        sequencer.record(choice.scenario, response(bank, choice.scenario, theta, seed if key is None else key))
    return sequencer


def thetas(n: int, key: str = "theta") -> list[float]:
    return [random.Random(f"{key}:{e}").gauss(0.0, 1.0) for e in range(n)]


def group_probabilities(posterior: Posterior, cuts: list[float]) -> list[float]:
    """The four DigComp groups (levels 1-2, 3-4, 5-6, 7-8) straight from the grid."""
    fine = posterior.interval_probabilities(cuts)
    return [fine[0] + fine[1], fine[2] + fine[3], fine[4] + fine[5], fine[6] + fine[7]]


def independently_known(sequencer: Sequencer, target: str) -> bool:
    posterior = sequencer.estimates.posterior(target)
    if posterior is None:
        return False
    framework = sequencer.bank.framework
    groups = group_probabilities(posterior, framework.cuts(None if target == OVERALL else target))
    plan = sequencer.plan
    return (plan.stop_probability < 1 and max(groups) >= plan.stop_probability) or posterior.sd <= plan.stop_se


def count_in(sequencer: Sequencer, area: str) -> int:
    return sum(1 for s in sequencer.played if sequencer.bank.items[s].area == area)


# --- stopping rules ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", [-2.0, 0.0, 1.3])
def test_stops_at_max_scenarios(theta):
    plan = AssessmentPlan(max_scenarios=5, min_scenarios=1, stop_probability=NEVER_BY_PROBABILITY,
                          stop_se=NEVER_BY_SE)
    sequencer = run(plan, theta, seed=3)
    assert len(sequencer.played) == 5
    assert sequencer.stop_reason == "max_scenarios"
    assert sequencer.next() is None and sequencer.stop_reason == "max_scenarios"


def test_stops_once_every_target_is_known_and_not_before():
    plan = AssessmentPlan(targets=[AREAS[0], AREAS[1]], min_per_area=2, min_scenarios=5, max_scenarios=20,
                          time_budget_minutes=1000, stop_probability=0.85, stop_se=0.32)
    bank = make_bank(n_per_area=12, base=1.8)  # informative enough to stop early
    reasons = Counter()

    def check(sequencer: Sequencer, choice) -> None:
        n = len(sequencer.played)
        balanced = all(count_in(sequencer, t) >= plan.min_per_area for t in plan.targets)
        if n >= plan.min_scenarios and balanced:
            # it goes on only while some target is still unsettled
            assert not all(independently_known(sequencer, t) for t in plan.targets), sequencer.played

    for e, theta in enumerate(thetas(60)):
        sequencer = run(plan, theta, seed=e, bank=bank, each=check)
        reasons[sequencer.stop_reason] += 1
        if sequencer.stop_reason == "precise_enough":
            assert len(sequencer.played) >= plan.min_scenarios
            for target in plan.targets:
                assert sequencer.known(target) and independently_known(sequencer, target)
                assert count_in(sequencer, target) >= plan.min_per_area
    assert reasons["precise_enough"] >= 10, reasons
    assert set(reasons) <= {"precise_enough", "max_scenarios", "bank_exhausted"}


def test_known_means_a_likely_level_or_a_small_se():
    plan = AssessmentPlan(targets=[AREAS[0]], stop_probability=0.85, stop_se=0.32)
    sequencer = Sequencer(plan, BANK, 0)
    assert not sequencer.known(AREAS[0])  # no evidence yet
    seen = set()
    for j, sid in enumerate(s for s in sorted(BANK.items) if BANK.items[s].area == AREAS[0]):
        sequencer.record(sid, 3 if j < 7 else 2)
        posterior = sequencer.estimates.posterior(AREAS[0])
        groups = group_probabilities(posterior, BANK.framework.cut_scores)
        expected = max(groups) >= 0.85 or posterior.sd <= 0.32
        assert sequencer.known(AREAS[0]) is expected
        seen.add(expected)
    assert seen == {True, False}
    never = Sequencer(plan.model_copy(update={"stop_probability": 1.0, "stop_se": 0.01}), BANK, 0)
    for sid in sequencer.played:
        never.record(sid, 3)
    assert not never.known(AREAS[0])  # probability 1 is never reached on purpose: only the SE can stop it


def test_precise_enough_waits_for_min_scenarios():
    for minimum in (1, 4, 6):
        plan = AssessmentPlan(targets=[OVERALL], min_per_area=0, min_scenarios=minimum, max_scenarios=10,
                              stop_se=5.0)  # known from the first scenario on
        sequencer = run(plan, 0.3, seed=1)
        assert sequencer.stop_reason == "precise_enough"
        assert len(sequencer.played) == minimum


def test_stops_when_no_scenario_fits_the_time_left():
    bank = make_bank(minutes=lambda i, j: 4.0 + 3.0 * ((i + j) % 3))  # 4, 7 or 10 minutes
    plan = AssessmentPlan(time_budget_minutes=23, min_scenarios=1, max_scenarios=20,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)

    def minutes_left(sequencer: Sequencer) -> float:
        return plan.time_budget_minutes - sum(bank.items[s].minutes for s in sequencer.played)

    def fits(sequencer: Sequencer, choice) -> None:
        assert bank.items[choice.scenario].minutes <= minutes_left(sequencer)

    for e, theta in enumerate(thetas(20)):
        sequencer = run(plan, theta, seed=e, bank=bank, each=fits)
        assert sequencer.stop_reason == "time_budget"
        left = minutes_left(sequencer)
        assert left >= 0
        unplayed = [s for s in bank.items if s not in sequencer.played]
        assert unplayed and all(bank.items[s].minutes > left for s in unplayed)


def test_stops_when_the_pool_runs_out():
    pool = ["comm.03", "info.07", "safe.01"]
    plan = AssessmentPlan(scenarios=pool, min_scenarios=1, max_scenarios=8, stop_probability=NEVER_BY_PROBABILITY,
                          stop_se=NEVER_BY_SE)
    sequencer = run(plan, 0.0, seed=2)
    assert sorted(sequencer.played) == sorted(pool)
    assert sequencer.stop_reason == "bank_exhausted"


def test_an_adaptive_pool_naming_an_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="'nope' is not in the item bank"):
        Sequencer(AssessmentPlan(scenarios=["info.01", "nope"]), BANK, 0)


def test_a_pool_left_only_with_overlapping_scenarios_is_exhausted_not_out_of_time():
    bank = make_bank(n_per_area=2, areas=AREAS[:1], overlaps={"info.00": {"info.01"}})
    plan = AssessmentPlan(time_budget_minutes=60, min_scenarios=1, max_scenarios=8,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    sequencer = run(plan, 0.0, seed=0, bank=bank)
    assert len(sequencer.played) == 1  # the other overlaps it
    assert sum(bank.items[s].minutes for s in sequencer.played) == 5.0  # 55 of 60 minutes left
    assert sequencer.stop_reason == "bank_exhausted"


@pytest.mark.parametrize("mode", ["fixed", "chosen"])
def test_a_fixed_or_chosen_form_plays_its_list_in_order(mode):
    form = ["safe.09", "info.00", "comm.05", "info.04"]
    plan = AssessmentPlan(mode=mode, scenarios=form)
    for theta, seed in ((-2.0, 0), (2.0, 9)):
        sequencer = Sequencer(plan, BANK, seed)
        given = []
        while (choice := sequencer.next()) is not None:
            assert choice.why == {"mode": mode, "position": len(given)}
            given.append(choice.scenario)
            sequencer.record(choice.scenario, response(BANK, choice.scenario, theta, seed))
        assert given == form
        assert sequencer.stop_reason == "form_finished"
        assert sequencer.estimates.posterior(OVERALL).n_items == len(form)  # still measured


# --- choosing the most informative --------------------------------------------------------------------------
@pytest.mark.parametrize("target", [OVERALL, AREAS[2]])
def test_with_top_1_the_choice_is_the_most_informative_at_the_current_estimate(target):
    plan = AssessmentPlan(targets=[target], top_n=1, min_per_area=0, min_scenarios=1, max_scenarios=12,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    for e, theta in enumerate((-1.7, 0.4, 2.2)):
        sequencer = Sequencer(plan, BANK, e)
        posterior = Posterior()
        while (choice := sequencer.next()) is not None:
            estimate = posterior.mean if posterior.n_items else 0.0
            candidates = [s for s in BANK.items if s not in sequencer.played
                          and (target == OVERALL or BANK.items[s].area == target)]
            best = max(candidates, key=lambda s: BANK.items[s].parameters.information(estimate))
            assert choice.scenario == best
            assert choice.why["mode"] == "adaptive"
            assert choice.why["among"] == [best]
            assert choice.why["information"] == pytest.approx(BANK.items[best].parameters.information(estimate),
                                                              abs=1e-4)
            assert choice.why["estimate"] == pytest.approx(estimate, abs=1e-4)
            score = response(BANK, choice.scenario, theta, e)
            sequencer.record(choice.scenario, score)
            posterior.update(BANK.items[choice.scenario].parameters, score)
        # the whole length, or every scenario of the area
        assert len(sequencer.played) == (12 if target == OVERALL else 10)


def top_three(estimate: float, candidates: list[str]) -> list[str]:
    return sorted(candidates, key=lambda s: -BANK.items[s].parameters.information(estimate))[:3]


def test_with_top_3_the_choice_is_among_the_three_best_and_the_best_is_drawn_most_often():
    plan = AssessmentPlan(top_n=3)
    best = top_three(0.0, list(BANK.items))
    drawn = Counter()
    for seed in range(2000):
        choice = Sequencer(plan, BANK, seed).next()
        assert choice.scenario in best
        assert choice.why["among"] == best
        drawn[choice.scenario] += 1
    shares = [drawn[s] / 2000 for s in best]
    assert shares[0] == pytest.approx(4 / 7, abs=0.04)  # weights 1, 1/2, 1/4
    assert shares[1] == pytest.approx(2 / 7, abs=0.04)
    assert shares[2] == pytest.approx(1 / 7, abs=0.04)


def test_with_top_3_later_choices_are_among_the_three_best_at_the_estimate():
    plan = AssessmentPlan(targets=[OVERALL], top_n=3, min_per_area=0, max_scenarios=6,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)

    def among_best(sequencer: Sequencer, choice) -> None:
        posterior = sequencer.estimates.posterior(OVERALL)
        estimate = posterior.mean if posterior is not None else 0.0
        unplayed = [s for s in BANK.items if s not in sequencer.played]
        assert choice.scenario in top_three(estimate, unplayed)

    for e, theta in enumerate(thetas(100)):
        run(plan, theta, seed=e, each=among_best)


def exposure(top_n: int, sessions: int = 500) -> float:
    plan = AssessmentPlan(targets=[OVERALL], top_n=top_n, min_per_area=0, min_scenarios=5, max_scenarios=5,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    used = Counter()
    for e, theta in enumerate(thetas(sessions, "exposure")):
        used.update(run(plan, theta, seed=e).played)
    return max(used.values()) / sessions


def test_drawing_among_the_best_three_lowers_the_exposure_of_the_most_used_scenario():
    greedy, drawn = exposure(1), exposure(3)
    assert greedy == 1.0  # the same first scenario for everyone
    assert drawn <= greedy - 0.1, (greedy, drawn)


# --- content balancing and overlaps ---------------------------------------------------------------------------
def test_every_targeted_area_gets_its_minimum():
    plan = AssessmentPlan(targets=list(AREAS[:3]), min_per_area=2, min_scenarios=3, max_scenarios=8)
    lengths = Counter()
    for e, theta in enumerate(thetas(200, "balance")):
        sequencer = run(plan, theta, seed=e)
        for area in plan.targets:
            assert count_in(sequencer, area) >= 2, (e, sequencer.played)
        assert count_in(sequencer, AREAS[3]) == 0  # not a target
        lengths[len(sequencer.played)] += 1
    assert min(lengths) >= 6


def test_an_area_with_fewer_scenarios_than_its_minimum_gets_what_it_has():
    items = [*make_bank(n_per_area=5, areas=AREAS[:2]).items.values(),
             BankItem("safe.only", AREAS[3], ItemParameters("gpcm", 1.0, (-0.5, 0.0, 0.5)))]
    bank = ItemBank.from_items(load_framework(), items)
    plan = AssessmentPlan(min_per_area=2, min_scenarios=3, max_scenarios=8)
    for e, theta in enumerate(thetas(30, "short")):
        sequencer = run(plan, theta, seed=e, bank=bank)
        assert "safe.only" in sequencer.played
        assert count_in(sequencer, AREAS[0]) >= 2 and count_in(sequencer, AREAS[1]) >= 2


def test_an_overlap_declared_on_one_side_is_symmetric_in_the_bank():
    bank = make_bank(overlaps={"info.04": {"info.05"}})
    assert bank.items["info.04"].overlaps == {"info.05"}
    assert bank.items["info.05"].overlaps == {"info.04"}
    assert bank.items["info.03"].overlaps == frozenset()


@pytest.mark.parametrize("first,other", [("info.04", "info.05"), ("info.05", "info.04")])
def test_an_overlap_blocks_both_ways(first, other):
    bank = make_bank(overlaps={"info.04": {"info.05"}})  # declared by info.04 only
    plan = AssessmentPlan(top_n=1, min_scenarios=1, max_scenarios=50, time_budget_minutes=1000,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    sequencer = Sequencer(plan, bank, 0)
    sequencer.record(first, 1)
    while (choice := sequencer.next()) is not None:
        assert choice.scenario != other
        sequencer.record(choice.scenario, 1)
    assert other not in sequencer.played
    assert len(sequencer.played) == len(bank.items) - 1


def test_never_two_overlapping_scenarios_in_one_session():
    # Overlaps among the most informative scenarios of each area, declared on one side only.
    pairs = {"info.04": {"info.05"}, "comm.05": {"comm.04", "comm.06"}, "safe.04": {"safe.05"},
             "digi.05": {"info.05"}}
    bank = make_bank(overlaps=pairs)
    plan = AssessmentPlan(min_per_area=2, min_scenarios=3, max_scenarios=10)
    both_seen = Counter()
    for e, theta in enumerate(thetas(300, "overlap")):
        played = set(run(plan, theta, seed=e, bank=bank).played)
        for sid, others in pairs.items():
            for other in others:
                assert not {sid, other} <= played, (e, sid, other)
                both_seen[sid in played] += 1
    assert both_seen[True] > 0  # the overlapping scenarios were in play


# --- determinism and abandoned scenarios ----------------------------------------------------------------------
def test_same_seed_and_responses_give_the_same_session():
    plan = AssessmentPlan(max_scenarios=10)
    for e, theta in enumerate(thetas(10, "determinism")):
        whys_one: list = []
        whys_two: list = []
        one = run(plan, theta, seed=e, each=lambda s, c, log=whys_one: log.append((c.scenario, c.why)))
        two = run(plan, theta, seed=e, each=lambda s, c, log=whys_two: log.append((c.scenario, c.why)))
        assert one.played == two.played and whys_one == whys_two
        assert one.stop_reason == two.stop_reason


def test_different_seeds_give_different_sessions():
    plan = AssessmentPlan(max_scenarios=10)
    differ = 0
    for e, theta in enumerate(thetas(20, "seeds")):
        one = run(plan, theta, seed=e, key=e)
        two = run(plan, theta, seed=1000 + e, key=e)  # the same examinee, another seed
        differ += one.played != two.played
    assert differ >= 10


def test_an_abandoned_scenario_counts_as_played_but_does_not_move_the_estimate():
    plan = AssessmentPlan(top_n=1, min_scenarios=1, max_scenarios=50, time_budget_minutes=1000,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    sequencer = Sequencer(plan, BANK, 0)
    first = sequencer.next().scenario
    sequencer.record(first, None)
    assert sequencer.played == [first]
    assert sequencer.estimates.posterior(OVERALL) is None
    area = BANK.items[first].area
    assert sequencer.estimates.report(area)["status"] == "not_measured"

    second = sequencer.next().scenario
    assert second != first
    sequencer.record(second, 2)
    before = (sequencer.estimates.posterior(OVERALL).mean, sequencer.estimates.posterior(OVERALL).sd)
    third = sequencer.next().scenario
    sequencer.record(third, None)
    after = sequencer.estimates.posterior(OVERALL)
    assert (after.mean, after.sd) == before and after.n_items == 1
    while (choice := sequencer.next()) is not None:
        assert choice.scenario not in (first, third)
        sequencer.record(choice.scenario, 1)
    assert sequencer.played.count(first) == 1 and sequencer.played.count(third) == 1
    assert len(sequencer.played) == len(BANK.items)
    assert sequencer.stop_reason == "bank_exhausted"


# --- adaptive order pays ------------------------------------------------------------------------------------
def test_adaptive_order_measures_better_than_random_order():
    length = 8
    plan = AssessmentPlan(targets=[OVERALL], min_per_area=0, min_scenarios=length, max_scenarios=length,
                          stop_probability=NEVER_BY_PROBABILITY, stop_se=NEVER_BY_SE)
    ids = sorted(BANK.items)
    adaptive_sq = random_sq = 0.0
    people = thetas(300, "rmse")
    for e, theta in enumerate(people):
        sequencer = run(plan, theta, seed=e)
        assert len(sequencer.played) == length
        adaptive_sq += (sequencer.estimates.posterior(OVERALL).mean - theta) ** 2
        posterior = Posterior()
        for sid in random.Random(f"random-order:{e}").sample(ids, length):
            posterior.update(BANK.items[sid].parameters, response(BANK, sid, theta, e))  # the same answers
        random_sq += (posterior.mean - theta) ** 2
    adaptive_rmse, random_rmse = math.sqrt(adaptive_sq / len(people)), math.sqrt(random_sq / len(people))
    assert adaptive_rmse < random_rmse - 0.05, (adaptive_rmse, random_rmse)
