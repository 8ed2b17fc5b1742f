"""Accuracy and length of the adaptive measurement, apart from the size of today's bank, printed as JSON.

    python benchmarks/measurement.py --json [--examinees 5000] [--seed 0] [--workers N]

Simulated examinees with abilities drawn from N(0, 1) play sessions run by the kiosk's own code
(scoring.adaptive.Sequencer for selection and stopping, scoring.measurement.Estimates for the EAP estimate,
its SD and the level probabilities), on the overall scale of the DigComp framework, whose 4 level groups
have cut scores at -1, 0 and +1 (its 8 levels: -1.5, -1, ..., +1.5). Two banks:

- ``reference``: a synthetic bank of 60 scenarios scored 0..3 (GPCM), seeded by ``--seed``: discriminations
  drawn uniformly in [1.0, 2.0]; each scenario's location drawn uniformly in [-1.9, 1.9] and its 3 step
  thresholds = location + 3 sorted offsets drawn uniformly in [-0.6, 0.6], clipped to [-2.5, 2.5], so the
  thresholds spread over [-2.5, 2.5]; the scenarios go round-robin to the framework's 5 areas (the target
  is the overall scale, so the area does not matter).
- ``shipped``: the scenarios in ``scenarios/`` with the parameters of their ``measurement:`` blocks, as they
  are (never tuned to this benchmark).

Each examinee has one seeded ability and one seeded uniform draw per scenario of the bank, which fixes the
score the examinee gets on that scenario whenever it is played; the same examinee plays both orders:

- ``adaptive``: the game's plan for the overall scale (``AssessmentPlan(targets=["overall"], min_per_area=0,
  max_scenarios=15)``, a time budget that never binds, the plan's defaults for the rest: at least 3
  scenarios, the next drawn among the 3 most informative, stop once the most likely level group has
  probability >= 0.85 or the SE <= 0.32).
- ``random``: the same plan and stopping rule (``Sequencer.known``), but the next scenario drawn uniformly
  among the unplayed ones the game allows (never a scenario overlapping one already played).

Figures of the stopped sessions (what a facilitator would be told): ``bias`` = mean(theta_hat - theta);
``rmse``; ``reliability`` = squared correlation between theta_hat and theta over the examinees;
``accuracy_4_groups`` = share whose reported level group (the most likely) is the group of their true
ability; ``accuracy_within_1_of_8`` = share whose reported proficiency level (the most likely of 8) is within
1 of their true level; ``mean_scenarios``, ``max_scenarios``, ``stop_reasons``.

Every session is also carried on, without stopping, to 15 scenarios (the adaptive choice does not depend on
the stopping rule, so the stopped session is the start of that sequence; the script re-runs a sample of
examinees without stopping from the start to check this), giving ``rmse_by_length`` (lengths 1..15).
``length_ratio_same_rmse`` = the length adaptive needs to reach the RMSE random order reaches with 12
scenarios (linear interpolation between lengths; null if not reached by 15), divided by 12.
``calibration_by_decile``: the stopped adaptive sessions sorted by the stated probability of their reported
level group, cut into 10 equal-count deciles: mean stated probability, share correctly classified, count;
``calibration_gap`` = the mean over deciles of |stated - observed|.

Targets on the reference bank (issue), with a mean of at most 12 scenarios: RMSE <= 0.35, 4-group accuracy
>= 0.78, calibration gap <= 0.03, length ratio <= 0.55. The result does not depend on ``--workers``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_SCENARIOS = 15
FIXED_LENGTH = 12  # random order's length whose RMSE adaptive has to reach
DECILES = 10
CHECK_EVERY = 10  # one examinee in this many is re-run without stopping from the start (equivalence check)
TIME_BUDGET = 10_000.0  # minutes: never binds
REFERENCE_SIZE = 60
TARGETS = {"rmse": 0.35, "accuracy_4_groups": 0.78, "calibration_gap": 0.03, "length_ratio_same_rmse": 0.55,
           "mean_scenarios": 12}

# Plain description of a bank item, sent to the worker processes (one bank for the whole run).
ItemSpec = tuple  # (id, area, model, discrimination, thresholds, overlaps, minutes)


# --- the banks ---------------------------------------------------------------------
def reference_specs(seed: int) -> list[ItemSpec]:
    """60 GPCM scenarios scored 0..3, a ~ U(1, 2), thresholds = location ~ U(-1.9, 1.9) + sorted offsets
    ~ U(-0.6, 0.6), clipped to [-2.5, 2.5]; areas round-robin."""
    from scoring.framework import load_framework

    areas = [a.id for a in load_framework().areas]
    rng = random.Random(f"reference-bank:{seed}")
    specs = []
    for i in range(REFERENCE_SIZE):
        a = rng.uniform(1.0, 2.0)
        location = rng.uniform(-1.9, 1.9)
        offsets = sorted(rng.uniform(-0.6, 0.6) for _ in range(3))
        thresholds = tuple(round(min(2.5, max(-2.5, location + o)), 6) for o in offsets)
        specs.append((f"ref.{i:02d}", areas[i % len(areas)], "gpcm", round(a, 6), thresholds, (), 1.0))
    return specs


def shipped_bank():
    from game.paths import SCENARIOS
    from game.sessions import scenario_library
    from scoring.measurement import load_bank

    return load_bank(scenario_library([SCENARIOS]))


def specs_of(bank) -> list[ItemSpec]:
    return [(i.id, i.area, i.parameters.model, i.parameters.discrimination, tuple(i.parameters.thresholds),
             tuple(sorted(i.overlaps)), i.minutes) for i in bank.items.values()]


def bank_of(specs: list[ItemSpec]):
    from scoring.framework import load_framework
    from scoring.measurement import BankItem, ItemBank, ItemParameters

    items = [BankItem(sid, area, ItemParameters(model, a, tuple(bs)), overlaps=frozenset(overlaps), minutes=minutes)
             for sid, area, model, a, bs, overlaps, minutes in specs]
    return ItemBank.from_items(load_framework(), items)


# --- one examinee ------------------------------------------------------------------
def plans():
    from scoring.adaptive import AssessmentPlan

    common = {"mode": "adaptive", "targets": ["overall"], "min_per_area": 0, "max_scenarios": MAX_SCENARIOS,
              "time_budget_minutes": TIME_BUDGET}
    game = AssessmentPlan(**common)  # the plan's defaults for the stopping rule and exposure control
    no_stop = AssessmentPlan(**common, stop_probability=1.0, stop_se=1e-6)
    return game, no_stop


def true_level(theta: float, cuts: list[float]) -> int:
    """1..8: level i+2 starts at cuts[i] (the same convention as Posterior.interval_probabilities)."""
    return 1 + sum(1 for c in cuts if theta >= c)


def group_cuts(framework) -> list[float]:
    """Where each level group after the first starts on the overall scale."""
    cuts = framework.cuts()
    return [cuts[g.levels[0] - 2] for g in framework.groups[1:]]


class Run:
    """One examinee's session in one order: the stopped figures and the estimate at every length."""

    def __init__(self) -> None:
        self.stopped: tuple | None = None  # (theta_hat, level, proficiency_level, stated, n, reason)
        self.path: list[float] = []  # overall EAP after 1, 2, ... scenarios
        self.played: list[str] = []
        self.forced = 0  # times the no-stop plan still stopped and known() had to be overridden

    def snapshot(self, sequencer, reason: str) -> None:
        from scoring.measurement import OVERALL

        report = sequencer.estimates.report(OVERALL)
        groups = sequencer.estimates.level_probabilities(OVERALL)
        stated = groups[report["level"]] if groups else 0.0
        self.stopped = (report["theta"] if report["theta"] is not None else 0.0, report["level"],
                        report["proficiency_level"], stated, len(sequencer.played), reason)


def adaptive_run(bank, plan, no_stop_plan, seed: int, scores: dict[str, int]) -> Run:
    """The game's adaptive session to its stop, then carried on with the same selection to 15 scenarios."""
    from scoring.adaptive import Sequencer
    from scoring.measurement import OVERALL

    run = Run()
    sequencer = Sequencer(plan, bank, seed)
    while len(sequencer.played) < MAX_SCENARIOS:
        choice = sequencer.next()
        if choice is None:
            if run.stopped is None:
                run.snapshot(sequencer, sequencer.stop_reason or "")
                if sequencer.stop_reason != "precise_enough":
                    break  # the bank or the budget ran out: no longer session exists
                sequencer.plan = no_stop_plan  # carry on: the choice does not depend on the stopping rule
                sequencer.stop_reason = None
                continue
            if sequencer.stop_reason == "precise_enough" and "known" not in sequencer.__dict__:
                # the no-stop plan still stopped (a level probability rounded to 1.0): same selection anyway
                sequencer.known = lambda target: False
                sequencer.stop_reason = None
                run.forced += 1
                continue
            break
        sequencer.record(choice.scenario, scores[choice.scenario])
        run.path.append(sequencer.estimates.posterior(OVERALL).mean)
    if run.stopped is None:
        sequencer.next()  # at 15 this stops with "max_scenarios"
        run.snapshot(sequencer, sequencer.stop_reason or "max_scenarios")
    run.played = list(sequencer.played)
    return run


def no_stop_run(bank, no_stop_plan, seed: int, scores: dict[str, int]) -> list[str]:
    """The adaptive sequence of a session that never stops early, from the start (equivalence check)."""
    from scoring.adaptive import Sequencer

    sequencer = Sequencer(no_stop_plan, bank, seed)
    while len(sequencer.played) < MAX_SCENARIOS:
        choice = sequencer.next()
        if choice is None:
            if sequencer.stop_reason == "precise_enough" and "known" not in sequencer.__dict__:
                sequencer.known = lambda target: False
                sequencer.stop_reason = None
                continue
            break
        sequencer.record(choice.scenario, scores[choice.scenario])
    return list(sequencer.played)


def random_run(bank, plan, rng: random.Random, scores: dict[str, int]) -> Run:
    """Uniformly random order among the scenarios the game allows, with the game's stopping rule
    (checked after each scenario: at least min_scenarios, then stop when the overall level is known)."""
    from scoring.adaptive import Sequencer
    from scoring.measurement import OVERALL

    run = Run()
    sequencer = Sequencer(plan, bank, 0)
    pool = sequencer.pool()
    while len(sequencer.played) < MAX_SCENARIOS:  # the checks in the order Sequencer.next makes them
        blocked = {o for s in sequencer.played for o in bank.items[s].overlaps}
        eligible = [s for s in pool if s not in sequencer.played and s not in blocked]
        if not eligible:
            break
        if (run.stopped is None and len(sequencer.played) >= plan.min_scenarios
                and sequencer.known(OVERALL)):
            run.snapshot(sequencer, "precise_enough")
        chosen = rng.choice(eligible)
        sequencer.record(chosen, scores[chosen])
        run.path.append(sequencer.estimates.posterior(OVERALL).mean)
    if run.stopped is None:
        run.snapshot(sequencer, "max_scenarios" if len(sequencer.played) >= MAX_SCENARIOS else "bank_exhausted")
    run.played = list(sequencer.played)
    return run


def examinee(bank, name: str, seed: int, index: int) -> dict:
    """One examinee on one bank: the same ability and the same responses in both orders."""
    plan, no_stop_plan = plans()
    theta = random.Random(f"{seed}:theta:{index}").gauss(0.0, 1.0)
    draws = random.Random(f"{seed}:responses:{name}:{index}")
    scores = {sid: bank.items[sid].parameters.sample(theta, draws.random()) for sid in sorted(bank.items)}
    session_seed = seed * 1_000_003 + index
    adaptive = adaptive_run(bank, plan, no_stop_plan, session_seed, scores)
    rand = random_run(bank, plan, random.Random(f"{seed}:order:{name}:{index}"), scores)
    out = {"theta": theta, "adaptive": adaptive, "random": rand, "checked": None}
    if index % CHECK_EVERY == 0:
        out["checked"] = no_stop_run(bank, no_stop_plan, session_seed, scores) == adaptive.played
    return out


# --- the worker processes ------------------------------------------------------------
_BANKS: dict = {}


def _init(banks: dict[str, list[ItemSpec]]) -> None:
    for name, specs in banks.items():
        _BANKS[name] = bank_of(specs)


def _chunk(job: tuple[str, int, int, int]) -> list[tuple]:
    name, seed, start, stop = job
    bank = _BANKS[name]
    rows = []
    for index in range(start, stop):
        e = examinee(bank, name, seed, index)
        rows.append((e["theta"], e["checked"],
                     *[(run.stopped, run.path, run.forced) for run in (e["adaptive"], e["random"])]))
    return rows


# --- the figures ---------------------------------------------------------------------
def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def squared_correlation(x: list[float], y: list[float]) -> float:
    mx, my = mean(x), mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy * sxy / (sxx * syy) if sxx > 0 and syy > 0 else 0.0


def rmse_by_length(thetas: list[float], paths: list[list[float]]) -> list[float]:
    """RMSE after 1..15 scenarios (a session that cannot go on keeps its last estimate)."""
    out = []
    for n in range(1, MAX_SCENARIOS + 1):
        errors = [((path[min(n, len(path)) - 1] if path else 0.0) - t) ** 2 for t, path in zip(thetas, paths)]
        out.append(math.sqrt(mean(errors)))
    return out


def length_to_reach(rmse: list[float], target: float, prior_rmse: float) -> float | None:
    """The (interpolated) length at which the RMSE first reaches the target; None if it never does."""
    previous = prior_rmse  # length 0: the prior mean for everyone
    for n, value in enumerate(rmse, start=1):
        if value <= target:
            if previous <= value:
                return float(n)
            return n - 1 + (previous - target) / (previous - value)
        previous = value
    return None


def mode_figures(thetas: list[float], runs: list[tuple], framework) -> tuple[dict, list[tuple[float, bool]]]:
    cuts = framework.cuts()
    stopped = [r[0] for r in runs]
    estimates = [s[0] for s in stopped]
    errors = [e - t for e, t in zip(estimates, thetas)]
    true_levels = [true_level(t, cuts) for t in thetas]
    correct = [s[1] == framework.group_of(level).id for s, level in zip(stopped, true_levels)]
    near = [abs(s[2] - level) <= 1 for s, level in zip(stopped, true_levels)]
    lengths = [s[4] for s in stopped]
    reasons: dict[str, int] = {}
    for s in stopped:
        reasons[s[5]] = reasons.get(s[5], 0) + 1
    figures = {
        "bias": round(mean(errors), 4),
        "rmse": round(math.sqrt(mean([e * e for e in errors])), 4),
        "reliability": round(squared_correlation(estimates, thetas), 4),
        "accuracy_4_groups": round(mean([float(c) for c in correct]), 4),
        "accuracy_within_1_of_8": round(mean([float(c) for c in near]), 4),
        "mean_scenarios": round(mean([float(n) for n in lengths]), 3),
        "max_scenarios": max(lengths),
        "stop_reasons": dict(sorted(reasons.items())),
        "rmse_by_length": [round(v, 4) for v in rmse_by_length(thetas, [r[1] for r in runs])],
        "forced_continuations": sum(r[2] for r in runs),
    }
    return figures, [(s[3], c) for s, c in zip(stopped, correct)]


def calibration(pairs: list[tuple[float, bool]]) -> tuple[float, list[dict]]:
    ordered = sorted(pairs, key=lambda p: p[0])
    size, extra = divmod(len(ordered), DECILES)
    deciles, start = [], 0
    for d in range(DECILES):
        part = ordered[start:start + size + (1 if d < extra else 0)]
        start += len(part)
        if part:
            deciles.append({"stated": round(mean([p[0] for p in part]), 4),
                            "observed": round(mean([float(p[1]) for p in part]), 4), "n": len(part)})
    gap = mean([abs(d["stated"] - d["observed"]) for d in deciles])
    return round(gap, 4), deciles


def bank_figures(rows: list[tuple], n_items: int, framework) -> dict:
    thetas = [r[0] for r in rows]
    adaptive, pairs = mode_figures(thetas, [r[2] for r in rows], framework)
    rand, _ = mode_figures(thetas, [r[3] for r in rows], framework)
    prior_rmse = math.sqrt(mean([t * t for t in thetas]))
    target = rand["rmse_by_length"][FIXED_LENGTH - 1]
    length = length_to_reach(adaptive["rmse_by_length"], target, prior_rmse)
    gap, deciles = calibration(pairs)
    checked = [r[1] for r in rows if r[1] is not None]
    return {
        "n_items": n_items,
        "adaptive": adaptive,
        "random": rand,
        "length_ratio_same_rmse": round(length / FIXED_LENGTH, 4) if length is not None else None,
        "adaptive_length_same_rmse": round(length, 3) if length is not None else None,
        "random_rmse_at_12": target,
        "calibration_gap": gap,
        "calibration_by_decile": deciles,
        "equivalence_checked": len(checked),
        "equivalence_mismatches": sum(1 for ok in checked if not ok),
    }


# --- running ---------------------------------------------------------------------------
def simulate(banks: dict[str, list[ItemSpec]], examinees: int, seed: int, workers: int) -> dict[str, list[tuple]]:
    chunk = max(1, min(100, math.ceil(examinees / max(1, workers * 8))))
    jobs = [(name, seed, start, min(examinees, start + chunk)) for name in banks
            for start in range(0, examinees, chunk)]
    if workers <= 1:
        _init(banks)
        results = [_chunk(job) for job in jobs]
    else:
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init, initargs=(banks,)) as pool:
            results = pool.map(_chunk, jobs, chunksize=1)
    out: dict[str, list[tuple]] = {name: [] for name in banks}
    for job, rows in zip(jobs, results):  # in examinee order, whatever the number of workers
        out[job[0]].extend(rows)
    return out


def table(result: dict) -> str:
    keys = ["bias", "rmse", "reliability", "accuracy_4_groups", "accuracy_within_1_of_8", "mean_scenarios",
            "max_scenarios"]
    lines = []
    for name, bank in result.items():
        if not isinstance(bank, dict) or "adaptive" not in bank:
            continue
        lines.append(f"{name} bank ({bank['n_items']} scenarios)")
        lines.append(f"  {'':24}{'adaptive':>10}{'random':>10}")
        for key in keys:
            lines.append(f"  {key:24}{bank['adaptive'][key]:>10}{bank['random'][key]:>10}")
        for mode in ("adaptive", "random"):
            lines.append(f"  {mode} stop reasons: {bank[mode]['stop_reasons']}")
            lines.append(f"  {mode} RMSE by length: {' '.join(f'{v:.3f}' for v in bank[mode]['rmse_by_length'])}")
        lines.append(f"  length ratio for the same RMSE: {bank['length_ratio_same_rmse']}")
        lines.append(f"  calibration gap: {bank['calibration_gap']}")
        for d in bank["calibration_by_decile"]:
            lines.append(f"    stated {d['stated']:.3f}  observed {d['observed']:.3f}  n {d['n']}")
        lines.append("")
    return "\n".join(lines)


def kiosk_step_ms(specs: list[ItemSpec], sessions: int = 200, seed: int = 0) -> dict:
    """What a kiosk pays between two scenarios: one estimate update plus the next choice, in ms (the item
    tables start cold, as on a kiosk that just started)."""
    from scoring.adaptive import Sequencer
    from scoring.measurement.posterior import log_likelihood

    log_likelihood.cache_clear()
    bank, (plan, _) = bank_of(specs), plans()
    rng = random.Random(seed)
    steps: list[float] = []
    for index in range(sessions):
        theta = rng.gauss(0, 1)
        sequencer = Sequencer(plan, bank, seed=index)
        choice = sequencer.next()
        while choice is not None:
            score = bank.items[choice.scenario].parameters.sample(theta, rng.random())
            began = time.perf_counter()
            sequencer.record(choice.scenario, score)
            choice = sequencer.next()
            steps.append((time.perf_counter() - began) * 1000)
    steps.sort()
    return {"median": round(steps[len(steps) // 2], 3), "p99": round(steps[int(len(steps) * 0.99)], 3),
            "max": round(steps[-1], 3), "steps": len(steps), "target": 5.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON (default: a readable table)")
    parser.add_argument("--examinees", type=int, default=5000, help="simulated examinees per bank (default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.examinees < DECILES:
        parser.error(f"--examinees must be at least {DECILES}")
    began = time.perf_counter()
    from scoring.framework import load_framework

    framework = load_framework()
    shipped = shipped_bank()
    banks = {"reference": reference_specs(args.seed), "shipped": specs_of(shipped)}
    if not banks["shipped"]:
        del banks["shipped"]
        print("no scored scenario in scenarios/: the shipped bank is left out", file=sys.stderr)
    steps = {name: kiosk_step_ms(banks[name]) for name in banks}  # before the workers load the machine
    rows = simulate(banks, args.examinees, args.seed, args.workers)
    result: dict = {name: bank_figures(rows[name], len(banks[name]), framework) for name in banks}
    for name in banks:
        result[name]["kiosk_step_ms"] = steps[name]
    if "shipped" in result:
        result["shipped"]["parameters_version"] = shipped.version
    result["settings"] = {"examinees": args.examinees, "seed": args.seed, "max_scenarios": MAX_SCENARIOS,
                          "framework": framework.id, "group_cuts": group_cuts(framework), "targets": TARGETS}
    wall = time.perf_counter() - began
    print(json.dumps(result, indent=2) if args.json else table(result))
    print(f"wall time {wall:.1f} s ({args.workers} workers)", file=sys.stderr)
    for name in banks:
        if result[name]["equivalence_mismatches"]:
            print(f"warning: {name}: {result[name]['equivalence_mismatches']} adaptive sequences differ without "
                  "the stopping rule", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
