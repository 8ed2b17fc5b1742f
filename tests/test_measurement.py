"""Measurement: item response models, the grid posterior (EAP and posterior SD), reports with level
probabilities, the framework's cut scores, item scores from observables, scenario measurement blocks and
calibrated parameters files."""

from __future__ import annotations

import copy
import itertools
import math
import re

import pytest
from pydantic import ValidationError

from game.cli import main
from game.paths import SCENARIOS
from game.scenario.loader import ScenarioError, load_scenario
from game.scenario.measurement import Criterion, ItemScore, Measurement
from game.scenario.source import read_source
from scoring.framework import FRAMEWORKS, Framework, FrameworkError, load_framework
from scoring.measurement import (
    OVERALL,
    BankItem,
    Estimates,
    ItemBank,
    ItemParameters,
    load_bank,
    measure,
)
from scoring.measurement.bank import provisional_version
from scoring.measurement.item_score import item_score
from scoring.measurement.parameters import ParametersError
from scoring.measurement.posterior import GRID, Posterior

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"
SAMPLE_ID = "mail.confirm-meeting"
AREAS = ("information-data-literacy", "communication-collaboration", "digital-content-creation", "safety",
         "problem-solving")
GROUP_CONFIDENCE = 0.70


def gpcm(a: float, *bs: float) -> ItemParameters:
    return ItemParameters("gpcm", a, tuple(bs))


def grm(a: float, *bs: float) -> ItemParameters:
    return ItemParameters("grm", a, tuple(bs))


def two_pl(a: float, b: float) -> ItemParameters:
    return ItemParameters("2pl", a, (b,))


def posterior_of(responses: list[tuple[ItemParameters, int]], prior_mean: float = 0.0) -> Posterior:
    posterior = Posterior(prior_mean=prior_mean)
    for item, score in responses:
        posterior.update(item, score)
    return posterior


def thetas(low: float = -5.0, high: float = 5.0, n: int = 101) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


# --- the posterior ---------------------------------------------------------------------------------
def test_without_responses_the_estimate_is_the_prior():
    posterior = Posterior()
    assert posterior.n_items == 0
    assert posterior.mean == pytest.approx(0.0, abs=1e-9)
    # a 0.1-wide midpoint grid over [-4, 4]: variance 1 + 0.1^2/12 less the tails beyond +-4
    assert posterior.sd == pytest.approx(1.0, abs=1e-3)
    assert sum(posterior.density) == pytest.approx(1.0, abs=1e-12)


def test_a_shifted_prior_moves_the_estimate():
    posterior = Posterior(prior_mean=0.5)
    # the grid stops at +4, 3.5 SD above the prior mean: its cut tail pulls the mean down by < 1e-3
    assert posterior.mean == pytest.approx(0.5, abs=1e-3)
    assert posterior.sd == pytest.approx(1.0, abs=2e-3)


def test_grid_is_80_midpoints_of_cells_over_minus_4_to_4():
    assert len(GRID) == 80
    assert GRID[0] == pytest.approx(-3.95) and GRID[-1] == pytest.approx(3.95)
    assert all(b - a == pytest.approx(0.1) for a, b in itertools.pairwise(GRID))


@pytest.mark.parametrize("k", [0, 1, 2])
def test_gpcm_with_symmetric_thresholds_gives_mirror_estimates(k):
    item = gpcm(1.3, -1.0, 0.0, 1.0)
    K = item.max_score
    low, high = posterior_of([(item, k)]), posterior_of([(item, K - k)])
    assert low.mean == pytest.approx(-high.mean, abs=1e-9)
    assert low.sd == pytest.approx(high.sd, abs=1e-9)
    if k < K - k:
        assert low.mean < 0 < high.mean


def test_2pl_at_difficulty_zero_gives_mirror_estimates():
    item = two_pl(1.7, 0.0)
    wrong, right = posterior_of([(item, 0)]), posterior_of([(item, 1)])
    assert wrong.mean < 0 < right.mean
    assert wrong.mean == pytest.approx(-right.mean, abs=1e-9)
    assert wrong.sd == pytest.approx(right.sd, abs=1e-9)
    assert right.sd < 1.0  # one response already narrows the prior


MIXED_ITEMS = [two_pl(1.2, -0.5), gpcm(0.9, -1.5, -0.2, 0.8), grm(1.5, -1.0, 0.3), gpcm(1.4, 0.5, -0.3),
               grm(0.7, -2.0, -0.5, 1.0, 2.2), two_pl(2.0, 1.1)]


def brute_force(responses: list[tuple[ItemParameters, int]], prior_mean: float = 0.0) -> tuple[float, float]:
    """EAP and posterior SD by a fine trapezoid over [-8, 8]: normal density x likelihood."""
    n, low, high = 20001, -8.0, 8.0
    h = (high - low) / (n - 1)
    m0 = m1 = m2 = 0.0
    for i in range(n):
        theta = low + h * i
        f = math.exp(-0.5 * (theta - prior_mean) ** 2)
        for item, score in responses:
            f *= item.probabilities(theta)[score]
        w = h * (0.5 if i in (0, n - 1) else 1.0) * f
        m0 += w
        m1 += w * theta
        m2 += w * theta * theta
    mean = m1 / m0
    return mean, math.sqrt(m2 / m0 - mean * mean)


@pytest.mark.parametrize("scores", [
    [1, 2, 1, 1, 3, 0],
    [0, 0, 0, 0, 0, 0],
    [1, 3, 2, 2, 4, 1],
    [0, 1, 2, 0, 2, 1],
])
def test_eap_and_sd_agree_with_a_fine_numerical_integral(scores):
    responses = list(zip(MIXED_ITEMS, scores))
    posterior = posterior_of(responses)
    mean, sd = brute_force(responses)
    assert posterior.mean == pytest.approx(mean, abs=0.01)
    assert posterior.sd == pytest.approx(sd, abs=0.01)


def test_eap_with_a_shifted_prior_agrees_with_a_fine_numerical_integral():
    responses = list(zip(MIXED_ITEMS[:3], [1, 2, 0]))
    posterior = posterior_of(responses, prior_mean=0.5)
    mean, sd = brute_force(responses, prior_mean=0.5)
    assert posterior.mean == pytest.approx(mean, abs=0.01)
    assert posterior.sd == pytest.approx(sd, abs=0.01)


def test_interval_probabilities_sum_to_one_and_follow_the_cuts():
    posterior = posterior_of([(gpcm(1.0, -0.5, 0.5), 2)])
    cuts = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
    fine = posterior.interval_probabilities(cuts)
    assert len(fine) == 8
    assert sum(fine) == pytest.approx(1.0, abs=1e-12)
    below = sum(p for t, p in zip(GRID, posterior.density) if t < 0.0)
    assert sum(fine[:4]) == pytest.approx(below, abs=1e-12)


# --- the models ----------------------------------------------------------------------------------------
MODEL_ITEMS = [two_pl(1.0, 0.3), two_pl(2.5, -1.2), gpcm(1.1, -1.0, 0.2, 1.5), gpcm(0.6, 0.8, -0.4),
               gpcm(2.2, -2.0, -1.0, 0.0, 1.0, 2.0), grm(1.3, -1.0, 0.5), grm(0.8, -2.5, -0.1, 0.4, 3.0)]


@pytest.mark.parametrize("item", MODEL_ITEMS, ids=lambda i: f"{i.model}-{i.max_score}")
def test_probabilities_sum_to_one_at_every_theta(item):
    for theta in thetas(-8, 8, 161):
        probs = item.probabilities(theta)
        assert len(probs) == item.max_score + 1
        assert all(p >= 0 for p in probs)
        assert sum(probs) == pytest.approx(1.0, abs=1e-12), theta


@pytest.mark.parametrize("a,b", [(1.0, 0.0), (1.7, -0.8), (0.4, 2.1)])
def test_with_one_threshold_gpcm_grm_and_2pl_are_the_same_item(a, b):
    items = [ItemParameters(model, a, (b,)) for model in ("2pl", "gpcm", "grm")]
    for theta in thetas():
        expected = 1.0 / (1.0 + math.exp(-a * (theta - b)))
        for item in items:
            p0, p1 = item.probabilities(theta)
            assert p1 == pytest.approx(expected, abs=1e-12)
            assert p0 == pytest.approx(1.0 - expected, abs=1e-12)
            assert item.information(theta) == pytest.approx(a * a * expected * (1 - expected), abs=1e-12)


def numeric_fisher(item: ItemParameters, theta: float, h: float = 1e-5) -> float:
    """Sum over k of (dP_k/dtheta)^2 / P_k, the derivative by central differences."""
    up, down, here = item.probabilities(theta + h), item.probabilities(theta - h), item.probabilities(theta)
    return sum(((u - d) / (2 * h)) ** 2 / p for u, d, p in zip(up, down, here) if p > 1e-12)


@pytest.mark.parametrize("item", [i for i in MODEL_ITEMS if i.model == "gpcm"], ids=lambda i: f"gpcm-{i.max_score}")
def test_gpcm_information_is_a_squared_times_the_score_variance(item):
    for theta in thetas(-4, 4, 41):
        probs = item.probabilities(theta)
        mean = sum(k * p for k, p in enumerate(probs))
        variance = sum((k - mean) ** 2 * p for k, p in enumerate(probs))
        assert item.information(theta) == pytest.approx(item.discrimination ** 2 * variance, rel=1e-12)


@pytest.mark.parametrize("item", [i for i in MODEL_ITEMS if i.model in ("gpcm", "grm")],
                         ids=lambda i: f"{i.model}-{i.max_score}")
def test_information_is_the_fisher_information_of_the_score(item):
    for theta in thetas(-4, 4, 41):
        assert item.information(theta) == pytest.approx(numeric_fisher(item, theta), rel=1e-5, abs=1e-9), theta


@pytest.mark.parametrize("model,a,thresholds,message", [
    ("grm", 1.0, (0.5, -0.5), "must increase"),
    ("grm", 1.0, (0.0, 0.0), "must increase"),
    ("2pl", 1.0, (-1.0, 1.0), "exactly one threshold"),
    ("gpcm", 0.0, (0.0,), "discrimination must be positive"),
    ("2pl", -1.0, (0.0,), "discrimination must be positive"),
    ("gpcm", 1.0, (), "at least one threshold"),
    ("rasch", 1.0, (0.0,), "unknown model"),
])
def test_invalid_parameters_are_refused(model, a, thresholds, message):
    with pytest.raises(ValueError, match=message):
        ItemParameters(model, a, thresholds)


def test_a_score_outside_the_item_range_is_refused():
    with pytest.raises(ValueError, match="outside 0..2"):
        Posterior().update(gpcm(1.0, 0.0, 1.0), 3)


# --- estimates and reports ----------------------------------------------------------------------------
def synthetic_bank() -> ItemBank:
    items = [
        BankItem("a.easy", AREAS[0], gpcm(1.2, -2.0, -1.2, -0.4)),
        BankItem("a.mid", AREAS[0], gpcm(1.0, -0.6, 0.0, 0.6)),
        BankItem("a.hard", AREAS[0], grm(1.5, 0.5, 1.2, 2.0)),
        BankItem("b.easy", AREAS[1], two_pl(1.3, -1.0)),
        BankItem("b.mid", AREAS[1], gpcm(0.9, -0.5, 0.5)),
        BankItem("b.hard", AREAS[1], grm(1.1, 0.0, 1.5)),
        BankItem("d.one", AREAS[3], gpcm(1.4, -1.0, 0.0, 1.0)),
    ]
    return ItemBank.from_items(load_framework(), items)


SCORE_PATTERNS = [
    {"a.easy": 3, "a.mid": 3, "a.hard": 3, "b.easy": 1, "b.mid": 2, "b.hard": 2, "d.one": 3},
    {"a.easy": 0, "a.mid": 0, "a.hard": 0, "b.easy": 0, "b.mid": 0, "b.hard": 0, "d.one": 0},
    {"a.easy": 2, "a.mid": 1, "b.easy": 1},
    {"a.easy": 3, "a.mid": 2, "a.hard": 1, "b.mid": 1, "d.one": 1},
    {"a.mid": 1},
    {"d.one": 2, "b.hard": 0},
]


def test_reports_have_level_probabilities_summing_to_one_and_name_the_most_likely_level():
    bank = synthetic_bank()
    framework = bank.framework
    between_seen = set()
    for scores in SCORE_PATTERNS:
        estimates = Estimates(framework)
        for sid, score in scores.items():
            estimates.record(bank.items[sid], score)
        for scale in (OVERALL, *{bank.items[s].area for s in scores}):
            report = estimates.report(scale)
            assert report["status"] == "measured"
            groups = estimates.level_probabilities(scale)
            assert list(groups) == [g.id for g in framework.groups]
            assert sum(groups.values()) == pytest.approx(1.0, abs=1e-12)
            assert sum(report["level_probabilities"].values()) == pytest.approx(1.0, abs=5e-4)
            assert sum(report["proficiency_probabilities"].values()) == pytest.approx(1.0, abs=5e-4)
            assert list(report["proficiency_probabilities"]) == [str(n) for n in range(1, 9)]
            best = max(groups.values())
            assert groups[report["level"]] == best
            assert report["between_levels"] is (best < GROUP_CONFIDENCE)
            between_seen.add(report["between_levels"])
            fine = report["proficiency_probabilities"]
            assert fine[str(report["proficiency_level"])] == max(fine.values())
            assert report["n_scenarios"] == estimates.posterior(scale).n_items
    assert between_seen == {True, False}, "the patterns should give both confident and uncertain reports"


def test_report_level_groups_follow_the_framework_cut_scores():
    framework = load_framework()
    estimates = Estimates(framework)
    for _ in range(30):  # a very able person: well above the top group boundary (+1.0)
        estimates.record(BankItem("x", AREAS[0], two_pl(2.0, 1.5)), 1)
    report = estimates.report(AREAS[0])
    assert report["level"] == "highly-specialised"
    assert report["between_levels"] is False
    assert report["proficiency_level"] in (7, 8)


def test_an_area_without_evidence_is_not_measured():
    bank = synthetic_bank()
    result = measure({"a.mid": 2, "b.easy": 1}, bank)
    assert result["areas"][AREAS[0]]["status"] == "measured"
    for area in (AREAS[2], AREAS[3], AREAS[4]):
        report = result["areas"][area]
        assert report["status"] == "not_measured"
        assert report["level"] is None and report["theta"] is None and report["se"] is None
        assert report["level_probabilities"] is None and report["n_scenarios"] == 0
    assert result["overall"]["n_scenarios"] == 2
    assert result["framework"] == "digcomp-2.2"
    assert result["parameters_version"] == bank.version


def test_no_item_scores_measure_nothing():
    bank = synthetic_bank()
    for scores in ({}, {"a.mid": None, "b.easy": None}, {"not.in.bank": 2}):
        result = measure(scores, bank)
        assert result["overall"]["status"] == "not_measured"
        assert result["overall"]["level"] is None
        assert set(result["areas"]) == set(AREAS)
        assert all(r["status"] == "not_measured" and r["level"] is None for r in result["areas"].values())


def test_measure_is_deterministic_whatever_the_order_of_the_scores():
    bank = synthetic_bank()
    scores = SCORE_PATTERNS[3]
    first = measure(dict(scores), bank)
    assert measure(dict(scores), bank) == first
    assert measure(dict(reversed(list(scores.items()))), bank) == first
    assert measure(dict(sorted(scores.items(), key=lambda kv: kv[1])), bank) == first


def test_measure_matches_the_posterior_of_the_scores():
    bank = synthetic_bank()
    scores = SCORE_PATTERNS[2]
    result = measure(scores, bank)
    overall = posterior_of([(bank.items[s].parameters, k) for s, k in sorted(scores.items())])
    assert result["overall"]["theta"] == round(overall.mean, 4)
    assert result["overall"]["se"] == round(overall.sd, 4)
    area = posterior_of([(bank.items[s].parameters, k) for s, k in sorted(scores.items())
                         if bank.items[s].area == AREAS[0]])
    assert result["areas"][AREAS[0]]["theta"] == round(area.mean, 4)
    assert result["areas"][AREAS[0]]["n_scenarios"] == 2


def test_more_consistent_evidence_lowers_the_standard_error():
    # A person at theta 0 scoring the middle of items centred on 0, item after item.
    items = [gpcm(1.0, -0.5, 0.5), two_pl(1.2, 0.0), grm(1.4, -0.8, 0.8), gpcm(0.8, -1.0, 0.0, 0.0, 1.0),
             grm(1.0, -0.4, 0.4), gpcm(1.5, -0.3, 0.3), two_pl(0.9, 0.0), gpcm(1.1, -0.7, 0.7)]
    scores = [1, None, 1, 2, 1, 1, None, 1]
    posterior = Posterior()
    sds = [posterior.sd]
    for n, (item, score) in enumerate(zip(items, scores)):
        if score is None:  # a 0/1 item: alternate so the evidence stays centred
            score = n % 2
        posterior.update(item, score)
        sds.append(posterior.sd)
    assert all(later < earlier for earlier, later in itertools.pairwise(sds)), sds
    assert sds[-1] < 0.6


def test_se_in_reports_decreases_with_each_consistent_scenario():
    framework = load_framework()
    estimates = Estimates(framework)
    previous = None
    for n in range(8):
        estimates.record(BankItem(f"s{n}", AREAS[1], gpcm(1.0 + 0.05 * n, -0.5, 0.5)), 1)
        se = estimates.report(AREAS[1])["se"]
        assert estimates.report(OVERALL)["se"] == se  # every score is in this one area
        if previous is not None:
            assert se < previous
        previous = se


# --- cut scores and the framework ------------------------------------------------------------------------
@pytest.fixture
def framework_data() -> dict:
    return copy.deepcopy(read_source(FRAMEWORKS / "digcomp-2.2.yaml").data)


def test_the_shipped_framework_validates(framework_data):
    framework = Framework.model_validate(framework_data)
    assert len(framework.levels) == 8 and len(framework.cut_scores) == 7
    assert framework == load_framework()


@pytest.mark.parametrize("cuts,message", [
    ([-1.5, -1.0, -0.5, 0.0, 0.0, 1.0, 1.5], "cut scores must increase"),
    ([-1.5, -1.0, -0.5, 0.5, 0.0, 1.0, 1.5], "cut scores must increase"),
    ([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 4.0], "outside the measurement grid"),
    ([-4.2, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5], "outside the measurement grid"),
    ([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0], "need 7 cut scores, not 6"),
    ([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0], "need 7 cut scores, not 8"),
])
def test_bad_framework_cut_scores_are_refused(framework_data, cuts, message):
    framework_data["cut_scores"] = cuts
    with pytest.raises(ValidationError, match=message):
        Framework.model_validate(framework_data)


def test_an_area_cut_scores_are_validated_and_used(framework_data):
    own = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0]
    framework_data["areas"][1]["cut_scores"] = own
    framework = Framework.model_validate(framework_data)
    assert framework.cuts(framework_data["areas"][1]["id"]) == own
    assert framework.cuts(framework_data["areas"][0]["id"]) == framework.cut_scores
    for bad, message in (([-2.0, -1.5, -1.0, -1.0, 0.0, 0.5, 1.0], "must increase"),
                         ([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 4.5], "outside the measurement grid"),
                         ([-2.0, -1.0], "need 7 cut scores")):
        framework_data["areas"][1]["cut_scores"] = bad
        with pytest.raises(ValidationError, match=re.escape(f"areas.{framework_data['areas'][1]['id']}.cut_scores")):
            Framework.model_validate(framework_data)
        with pytest.raises(ValidationError, match=message):
            Framework.model_validate(framework_data)


def test_an_area_own_cut_scores_place_its_levels(framework_data):
    area = framework_data["areas"][0]["id"]
    framework_data["areas"][0]["cut_scores"] = [-3.5, -3.0, -2.5, -2.0, -1.5, -1.2, -1.1]
    framework = Framework.model_validate(framework_data)
    estimates = Estimates(framework)
    estimates.record(BankItem("x", area, gpcm(1.0, -0.5, 0.5)), 1)  # theta about 0
    assert estimates.report(area)["level"] == "highly-specialised"
    assert estimates.report(OVERALL)["level"] in ("intermediate", "advanced")


def test_an_unknown_framework_names_the_available_ones():
    with pytest.raises(FrameworkError, match=r"unknown competence framework 'nope' \(available: .*digcomp-2\.2"):
        load_framework("nope")


# --- item scores -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    return load_scenario(SAMPLE).scenario


def played(outcome: str = "completed", **values) -> dict:
    return {"outcome": outcome, "observables": {name: {"value": v, "competence": "2.1", "events": []}
                                                for name, v in values.items()}}


ALL_MET = {"replied_to_manager": 1, "reply_confirms_attendance": 1, "reply_is_polite": 1,
           "message_read_first": 1, "time_to_reply_ms": 6000}


def test_rubric_score_is_the_highest_rung_reached_with_every_rung_below(sample):
    assert sample.measurement.item_score.rubric is not None
    assert item_score(sample, played(**ALL_MET)) == 3
    assert item_score(sample, played(**{**ALL_MET, "message_read_first": 0})) == 2
    assert item_score(sample, played(**{**ALL_MET, "reply_confirms_attendance": 0})) == 1
    # later rungs met alone do not count
    assert item_score(sample, played(**{**ALL_MET, "replied_to_manager": 0})) == 0


def test_a_missing_observable_value_never_meets_a_criterion(sample):
    assert item_score(sample, played(**{**ALL_MET, "reply_confirms_attendance": None})) == 1
    assert item_score(sample, played(**{**ALL_MET, "replied_to_manager": None})) == 0


@pytest.mark.parametrize("outcome,expected", [("completed", 3), ("ended_by_participant", 3), ("timed_out", 3),
                                              ("abandoned", None)])
def test_only_plays_that_say_something_are_scored(sample, outcome, expected):
    assert item_score(sample, played(outcome, **ALL_MET)) == expected


def test_a_scenario_without_measurement_block_has_no_item_score(sample):
    unscored = sample.model_copy(update={"measurement": None})
    assert item_score(unscored, played(**ALL_MET)) is None


def test_a_scenario_with_a_sum_rule(sample):
    rule = ItemScore(sum=["replied_to_manager", "reply_is_polite",
                          Criterion(observable="time_to_reply_ms", at_most=60_000)])
    summed = sample.model_copy(update={"measurement": sample.measurement.model_copy(update={"item_score": rule})})
    assert item_score(summed, played(**ALL_MET)) == 3
    assert item_score(summed, played(**{**ALL_MET, "replied_to_manager": 0})) == 2
    assert item_score(summed, played(**{**ALL_MET, "time_to_reply_ms": 90_000})) == 2
    assert item_score(summed, played(**{**ALL_MET, "time_to_reply_ms": None})) == 2


def test_sum_counts_the_criteria_met():
    rule = ItemScore(sum=["a", Criterion(observable="b", at_least=2), Criterion(observable="c", at_most=0),
                          Criterion(observable="d", at_least=1, at_most=3)])
    assert rule.max_score == 4
    assert rule.score({"a": 1, "b": 2, "c": 0, "d": 3}) == 4
    assert rule.score({"a": 0, "b": 1, "c": 1, "d": 4}) == 0
    assert rule.score({"a": 5, "b": 7, "c": -1, "d": 0.5}) == 3
    assert rule.score({}) == 0
    assert rule.score({"a": None, "b": None, "c": None, "d": None}) == 0


def test_rubric_stops_at_the_first_rung_not_met():
    rule = ItemScore(rubric=[["a"], ["b", Criterion(observable="c", at_most=1)], ["d"]])
    assert rule.max_score == 3
    assert rule.score({"a": 1, "b": 1, "c": 0, "d": 1}) == 3
    assert rule.score({"a": 1, "b": 1, "c": 2, "d": 1}) == 1
    assert rule.score({"a": 0, "b": 1, "c": 0, "d": 1}) == 0
    assert rule.score({"a": 1, "b": 1, "c": None, "d": 1}) == 1


@pytest.mark.parametrize("criterion,value,met", [
    (Criterion(observable="x"), 1, True),
    (Criterion(observable="x"), 0.99, False),
    (Criterion(observable="x"), None, False),
    (Criterion(observable="x", at_least=3), 3, True),
    (Criterion(observable="x", at_least=3), 2.5, False),
    (Criterion(observable="x", at_most=0), 0, True),
    (Criterion(observable="x", at_most=0), 1, False),
    (Criterion(observable="x", at_most=0), None, False),
    (Criterion(observable="x", at_least=1, at_most=2), 2, True),
    (Criterion(observable="x", at_least=1, at_most=2), 0, False),
    (Criterion(observable="x", at_least=1, at_most=2), 3, False),
])
def test_criterion_bounds(criterion, value, met):
    assert criterion.met(value) is met


def test_item_score_rules_refuse_what_can_never_work():
    with pytest.raises(ValidationError, match="never be met"):
        Criterion(observable="x", at_least=3, at_most=1)
    with pytest.raises(ValidationError, match="exactly one of"):
        ItemScore(sum=["a"], rubric=[["a"]])
    with pytest.raises(ValidationError, match="exactly one of"):
        ItemScore()
    with pytest.raises(ValidationError, match="at least one criterion"):
        ItemScore(rubric=[["a"], []])


def test_qa_values_feed_item_scores():
    subtle = load_scenario(SCENARIOS / "qa" / "subtle-bugs.yaml").scenario
    rubric = subtle.measurement.item_score.rubric
    assert rubric[1][0].observable == "qa.bugs_reported"
    values = {rule.observable: 0 for rule in subtle.evidence}
    values["bugs_met"] = 1
    result = played(**values)
    result["seeded_bugs"] = [{"met": True, "reported": False}]
    assert item_score(subtle, result) == 1
    result["seeded_bugs"] = [{"met": True, "reported": True}]
    assert item_score(subtle, result) == 2


# --- scenario measurement blocks ----------------------------------------------------------------------------
BLOCK = {"item_score": {"rubric": [["a"], ["b"], ["c"]]}, "model": "gpcm", "discrimination": 1.0,
         "thresholds": [-1.0, 0.0, 1.0]}


def test_a_valid_measurement_block():
    block = Measurement.model_validate(BLOCK)
    assert block.item_score.max_score == 3 and block.parameters == "provisional"


@pytest.mark.parametrize("change,message", [
    ({"thresholds": [-1.0, 0.0]}, "needs 3 threshold"),
    ({"thresholds": [-1.0, 0.0, 1.0, 2.0]}, "needs 3 threshold"),
    ({"model": "2pl"}, "a 2pl item is scored 0/1"),
    ({"model": "grm", "thresholds": [-1.0, 1.0, 0.5]}, "thresholds must increase"),
    ({"model": "grm", "thresholds": [-1.0, 0.0, 0.0]}, "thresholds must increase"),
    ({"parameters": "calibrated"}, "need `calibrated: {date, sample_size}`"),
    ({"calibrated": {"date": "2026-01-01", "sample_size": 120}}, "and only they do"),
    ({"thresholds": [-1.0, 0.0, 4.5]}, "within \\[-4, 4\\]"),
    ({"discrimination": 0}, "greater than 0"),
])
def test_measurement_block_refuses_inconsistent_parameters(change, message):
    with pytest.raises(ValidationError, match=message):
        Measurement.model_validate({**BLOCK, **change})


def test_calibrated_block_with_its_calibration_is_accepted():
    block = Measurement.model_validate({**BLOCK, "parameters": "calibrated",
                                        "calibrated": {"date": "2026-01-01", "sample_size": 120}})
    assert block.calibrated.sample_size == 120
    two = Measurement.model_validate({**BLOCK, "model": "2pl", "item_score": {"sum": ["a"]}, "thresholds": [0.2]})
    assert two.item_score.max_score == 1


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def write_variant(tmp_path, text: str, old: str, new: str):
    assert text.count(old) == 1, f"the sample's layout changed: {old!r}"
    path = tmp_path / "confirm-meeting.yaml"
    changed = text.replace(old, new)
    path.write_text(changed, encoding="utf-8")
    return path, changed


def position_of(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def test_validate_reports_an_item_score_naming_an_unknown_observable(capsys, tmp_path, sample_text):
    path, text = write_variant(tmp_path, sample_text, "- [replied_to_manager]", "- [replied_to_manajer]")
    code = main(["validate", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    line, col = position_of(text, "replied_to_manajer")
    assert out == [(f"{path}:{line}:{col}: measurement.item_score.rubric[0][0]: no observable 'replied_to_manajer' "
                    "in this scenario's evidence (observables: message_read_first, replied_to_manager, "
                    "reply_confirms_attendance, reply_is_polite, time_to_reply_ms)")]


def test_validate_accepts_the_unchanged_sample(capsys, tmp_path, sample_text):
    path = tmp_path / "confirm-meeting.yaml"
    path.write_text(sample_text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_validate_reports_a_bad_measurement_block_where_it_is(capsys, tmp_path, sample_text):
    path, text = write_variant(tmp_path, sample_text, "thresholds: [-2.0, -1.3, -0.6]", "thresholds: [-2.0, -1.3]")
    assert main(["validate", str(path)]) == 1
    [problem] = capsys.readouterr().out.splitlines()
    assert problem.startswith(f"{path}:")
    assert "needs 3 threshold(s), not 2" in problem
    # the measurement block (its mapping starts at its first key), not the top of the file
    line, col = position_of(text, '  competences: ["2.1", "2.5"]\n  item_score')
    assert problem.startswith(f"{path}:{line}:{col + 2}: measurement: ")


def test_a_measurement_block_informing_two_areas_is_refused(tmp_path, sample_text):
    path, text = write_variant(tmp_path, sample_text, 'competences: ["2.1", "2.5"]\n  item_score',
                               'competences: ["2.1", "4.2"]\n  item_score')
    path, text = write_variant(tmp_path, text, 'competences: ["2.1", "2.5"]', 'competences: ["2.1", "2.5", "4.2"]')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    messages = [p.message for p in caught.value.problems]
    assert any("must inform one DigComp area, not 2 (2, 4)" in m for m in messages), messages


def test_a_scenario_whose_competences_span_two_areas_needs_measurement_competences(tmp_path, sample_text):
    path, text = write_variant(tmp_path, sample_text, '  competences: ["2.1", "2.5"]\n  item_score', "  item_score")
    path, text = write_variant(tmp_path, text, 'competences: ["2.1", "2.5"]', 'competences: ["2.1", "2.5", "4.2"]')
    with pytest.raises(ScenarioError, match="must inform one DigComp area, not 2"):
        load_scenario(path)


# --- calibrated parameters files ------------------------------------------------------------------------------
PARAMETERS = """\
version: cal-2026-02
date: 2026-02-01
sample_size: 250
method: MML-EM
items:
  mail.confirm-meeting:
    model: grm
    discrimination: 1.4
    thresholds: [-1.5, -0.5, 0.5]
    sample_size: 240
"""


@pytest.fixture(scope="module")
def two_scenarios():
    return {s.id: s for s in (load_scenario(SAMPLE), load_scenario(SCENARIOS / "mail" / "forward-document.yaml"))}


def test_a_parameters_file_replaces_the_authors_parameters(tmp_path, two_scenarios):
    path = tmp_path / "parameters.yaml"
    path.write_text(PARAMETERS, encoding="utf-8")
    provisional = load_bank(two_scenarios)
    bank = load_bank(two_scenarios, parameters=path)
    item = bank.items[SAMPLE_ID]
    assert item.parameters == grm(1.4, -1.5, -0.5, 0.5)
    assert item.status == "calibrated"
    assert item.calibrated == {"date": "2026-02-01", "sample_size": 240}
    other = bank.items["mail.forward-document"]
    assert other == provisional.items["mail.forward-document"]
    assert other.status == "provisional"
    assert bank.version == "cal-2026-02+" + provisional_version([other])
    assert re.fullmatch(r"cal-2026-02\+provisional-[0-9a-f]{12}", bank.version)
    # and the scores are measured with the calibrated parameters
    assert measure({SAMPLE_ID: 2}, bank)["overall"]["theta"] == round(posterior_of([(item.parameters, 2)]).mean, 4)
    assert measure({SAMPLE_ID: 2}, bank) != measure({SAMPLE_ID: 2}, provisional)


def test_a_parameters_file_covering_every_item_names_the_version(tmp_path, two_scenarios):
    path = tmp_path / "parameters.yaml"
    path.write_text(PARAMETERS + "  mail.forward-document:\n    model: gpcm\n    discrimination: 0.9\n"
                                 "    thresholds: [-1.2, 0.1, 0.3]\n    sample_size: 230\n", encoding="utf-8")
    bank = load_bank(two_scenarios, parameters=path)
    assert bank.version == "cal-2026-02"
    assert {i.status for i in bank.items.values()} == {"calibrated"}


def test_calibrated_parameters_for_another_score_range_are_not_used(tmp_path, two_scenarios):
    path = tmp_path / "parameters.yaml"
    path.write_text(PARAMETERS.replace("[-1.5, -0.5, 0.5]", "[-1.5, 0.5]"), encoding="utf-8")
    bank = load_bank(two_scenarios, parameters=path)
    assert bank.items[SAMPLE_ID].status == "provisional"
    assert bank.items[SAMPLE_ID].parameters == load_bank(two_scenarios).items[SAMPLE_ID].parameters
    assert bank.version == load_bank(two_scenarios).version


def test_an_item_whose_calibration_was_not_used_stays_in_the_version_fingerprint(tmp_path, two_scenarios):
    path = tmp_path / "parameters.yaml"
    path.write_text(PARAMETERS + "  mail.forward-document:\n    model: gpcm\n    discrimination: 0.9\n"
                                 "    thresholds: [-1.2, 0.1]\n    sample_size: 230\n", encoding="utf-8")
    bank = load_bank(two_scenarios, parameters=path)
    assert bank.items["mail.forward-document"].status == "provisional"  # K = 2 in the file, 3 in the scenario
    assert bank.version == "cal-2026-02+" + provisional_version([bank.items["mail.forward-document"]])


def test_a_broken_parameters_file_is_one_line_with_its_place(tmp_path, two_scenarios):
    path = tmp_path / "parameters.yaml"
    text = PARAMETERS.replace("discrimination: 1.4", "discrimination: -1.4")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParametersError) as caught:
        load_bank(two_scenarios, parameters=path)
    message = str(caught.value)
    assert "\n" not in message
    line, col = position_of(text, "-1.4")
    assert message.startswith(f"{path}:{line}:{col}: items.mail.confirm-meeting.discrimination: ")
    assert "greater than 0" in message


@pytest.mark.parametrize("old,new,where", [
    ("thresholds: [-1.5, -0.5, 0.5]", "thresholds: [0.5, -0.5, 1.5]", "model: grm"),  # the item
    ("sample_size: 250", "sample_size: 0", "sample_size: 0"),
    ("method: MML-EM", "method: MML-EM\ncolour: blue", None),
])
def test_parameters_file_problems_name_their_line(tmp_path, old, new, where):
    from scoring.measurement.parameters import load_parameters

    path = tmp_path / "parameters.yaml"
    text = PARAMETERS.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParametersError) as caught:
        load_parameters(path)
    message = str(caught.value)
    assert "\n" not in message
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: ", message), message
    if where is not None:
        line, _ = position_of(text, where.strip())
        assert message.startswith(f"{path}:{line}:"), message


def test_unreadable_or_missing_parameters_files(tmp_path):
    from scoring.measurement.parameters import load_parameters

    with pytest.raises(ParametersError, match="no such parameters file"):
        load_parameters(tmp_path / "missing.yaml")
    path = tmp_path / "broken.yaml"
    path.write_text("version: [\n", encoding="utf-8")
    with pytest.raises(ParametersError) as caught:
        load_parameters(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
