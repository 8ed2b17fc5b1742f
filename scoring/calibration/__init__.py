"""Item calibration and research statistics, behind `numplus calibrate`.

This package needs the research extra (numpy, scipy); the kiosk (scoring.measurement, scoring.adaptive)
never imports it. calibrate() estimates every item with enough data (mml), checks its fit (fit) and its
DIF between languages (dif); write_parameters() writes the file the game loads.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

# Each M-step optimises 2 to 5 numbers: OpenBLAS's worker threads only add overhead there (calibration ran 2x
# slower idle, 10x on a busy machine). OpenBLAS reads this once, when numpy or scipy first loads it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from scoring.calibration.data import ExportError, ResponseTable, read_export
from scoring.calibration.dif import DifResult, mantel_haenszel
from scoring.calibration.fit import item_fit, marginal_reliability
from scoring.calibration.mml import N_POINTS, fit_mml
from scoring.calibration.writer import write_parameters

__all__ = ["CalibrationError", "CalibrationReport", "ExportError", "ItemReport", "ResponseTable", "calibrate",
           "read_export", "write_parameters"]

MODELS = ("2pl", "gpcm", "grm")
MIN_RESPONSES = 100  # below this, estimates are too unstable to replace the authors' provisional values
MAX_DISCRIMINATION = 10.0  # the most the parameters file accepts (scoring.measurement.parameters)


class CalibrationError(ValueError):
    """Nothing can be calibrated; the message is one line."""


@dataclass(frozen=True)
class ItemReport:
    model: str
    discrimination: float
    thresholds: tuple[float, ...]
    sample_size: int  # persons who took the item
    infit: float
    outfit: float
    misfit: bool
    misfit_reasons: tuple[str, ...]
    dif_class: str
    se_discrimination: float | None = None
    se_thresholds: tuple[float, ...] | None = None

    def to_dict(self) -> dict:
        return {"model": self.model, "discrimination": self.discrimination, "thresholds": list(self.thresholds),
                "sample_size": self.sample_size, "infit": self.infit, "outfit": self.outfit, "misfit": self.misfit,
                "misfit_reasons": list(self.misfit_reasons), "dif_class": self.dif_class,
                "se_discrimination": self.se_discrimination,
                "se_thresholds": None if self.se_thresholds is None else list(self.se_thresholds)}


@dataclass(frozen=True)
class CalibrationReport:
    date: str  # ISO date of the calibration
    sample_size: int  # persons with at least one item score in the export
    items: dict[str, ItemReport]  # calibrated: written to the parameters file
    provisional: dict[str, str]  # left with the authors' parameters, and why
    dif: dict[str, DifResult]  # every item of the export
    marginal_reliability: float
    method: str
    cycles: int
    converged: bool
    log_likelihood: float
    theta: np.ndarray = field(repr=False)  # EAP of each person in `persons`
    theta_sd: np.ndarray = field(repr=False)
    persons: tuple[str, ...] = field(repr=False, default=())

    @property
    def version(self) -> str:
        return f"calibrated-{self.date}-n{self.sample_size}"

    def to_dict(self) -> dict:
        """Everything but the persons' abilities, as JSON-ready data (non-finite numbers become None)."""
        return _json_safe({
            "version": self.version, "date": self.date, "method": self.method, "sample_size": self.sample_size,
            "marginal_reliability": self.marginal_reliability, "converged": self.converged, "cycles": self.cycles,
            "items": {k: v.to_dict() for k, v in self.items.items()}, "provisional": dict(self.provisional),
            "dif": {k: v.to_dict() for k, v in self.dif.items()}})


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def default_model(max_score: int) -> str:
    return "2pl" if max_score == 1 else "gpcm"


def _provisional_reason(scores: np.ndarray, model: str, scenario_max: int | None, min_responses: int) -> str | None:
    """Why an item's column cannot be calibrated, or None."""
    observed = scores[~np.isnan(scores)].astype(int)
    if observed.size < min_responses:
        return f"{observed.size} responses (calibration needs at least {min_responses})"
    if model not in MODELS:
        return f"unknown model {model!r} (one of {', '.join(MODELS)})"
    top = int(observed.max())
    if scenario_max is not None and top > scenario_max:
        return f"scores up to {top}, but the scenario's item score goes up to {scenario_max}"
    k = top if scenario_max is None else scenario_max
    if k == 0:
        return "every response is 0"
    missing = [str(s) for s, n in enumerate(np.bincount(observed, minlength=k + 1)) if n == 0]
    if missing:
        return f"score{'s' if len(missing) > 1 else ''} {', '.join(missing)} never observed (scored 0..{k})"
    if model == "2pl" and k > 1:
        return f"model 2pl is for a 0/1 score, but scores go up to {k}"
    return None


def calibrate(table: ResponseTable, models: dict[str, str] | None = None, *,
              max_scores: dict[str, int] | None = None, date: str | None = None,
              min_responses: int = MIN_RESPONSES, n_points: int = N_POINTS) -> CalibrationReport:
    """Calibrate every item with enough data. `models` and `max_scores` come from the scenarios (an item's
    model and the top of its 0..K score); without them, 2pl for 0/1 scores and gpcm for 0..K."""
    models, max_scores = models or {}, max_scores or {}
    table = table.subset(persons=table.taken.any(axis=1))
    if not table.persons:
        raise CalibrationError("the export has no item scores (every row is 'not administered')")
    chosen: dict[str, str] = {}
    provisional: dict[str, str] = {}
    for j, item in enumerate(table.items):
        column = table.scores[:, j]
        top = int(np.nanmax(column)) if (~np.isnan(column)).any() else 0
        model = models.get(item) or default_model(top)
        reason = _provisional_reason(column, model, max_scores.get(item), min_responses)
        if reason is None:
            chosen[item] = model
        else:
            provisional[item] = reason
    if not chosen:
        first = next(iter(provisional.items()))
        raise CalibrationError(f"no item can be calibrated ({len(provisional)} item(s); e.g. {first[0]}: {first[1]})")
    ids = list(chosen)
    sub = table.subset(items=ids)
    sub = sub.subset(persons=sub.taken.any(axis=1))
    result = fit_mml(sub.scores, ids, [chosen[i] for i in ids], n_points=n_points)
    dif = mantel_haenszel(table)
    items: dict[str, ItemReport] = {}
    for j, item in enumerate(ids):
        est = result.items[item]
        if est.discrimination > MAX_DISCRIMINATION:
            provisional[item] = (f"discrimination {est.discrimination:.1f} is above {MAX_DISCRIMINATION:g}: "
                                 "the scores are (nearly) a step function of ability")
            continue
        rows = ~np.isnan(sub.scores[:, j])
        fit = item_fit(est.model, est.discrimination, est.thresholds, sub.scores[rows, j], result.theta[rows])
        items[item] = ItemReport(est.model, est.discrimination, est.thresholds, est.n, fit.infit, fit.outfit,
                                 fit.misfit, fit.reasons, dif[item].dif_class, est.se_discrimination,
                                 est.se_thresholds)
    return CalibrationReport(
        date=date or dt.date.today().isoformat(),
        sample_size=len(table.persons),
        items=items,
        provisional=provisional,
        dif=dif,
        marginal_reliability=marginal_reliability(result.theta, result.theta_sd),
        method=f"MML-EM, {n_points} quadrature points, N(0,1) population, weak priors",
        cycles=result.cycles,
        converged=result.converged,
        log_likelihood=result.log_likelihood,
        theta=result.theta,
        theta_sd=result.theta_sd,
        persons=sub.persons,
    )

