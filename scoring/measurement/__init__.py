"""Measurement: item scores -> ability per area and overall (EAP, posterior SD) -> levels with probabilities."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.framework import DEFAULT_FRAMEWORK, load_framework
from scoring.measurement.bank import BankItem, ItemBank
from scoring.measurement.estimates import OVERALL, Estimates
from scoring.measurement.models import ItemParameters
from scoring.measurement.parameters import load_parameters

if TYPE_CHECKING:
    from game.scenario.loader import LoadedScenario

__all__ = ["BankItem", "Estimates", "ItemBank", "ItemParameters", "OVERALL", "load_bank", "measure"]


def load_bank(library: dict[str, "LoadedScenario"], framework: str = DEFAULT_FRAMEWORK,
              parameters: Path | str | None = None) -> ItemBank:
    """The bank of a scenario library in a framework, with calibrated parameters when a file is given.
    Raises FrameworkError or ParametersError with a one-line message."""
    calibrated = load_parameters(parameters) if parameters else None
    return ItemBank.from_library(library, load_framework(framework), calibrated)


def estimates_of(item_scores: dict[str, int | None], bank: ItemBank) -> Estimates:
    estimates = Estimates(bank.framework)
    for sid in sorted(item_scores):  # a fixed order: the same scores always give the same figures
        score = item_scores[sid]
        if score is not None and sid in bank.items:
            estimates.record(bank.items[sid], score)
    return estimates


def measure(item_scores: dict[str, int | None], bank: ItemBank) -> dict[str, Any]:
    """{"overall": {...}, "areas": {area: {...}}, "framework", "parameters_version"} (see Estimates.report)."""
    estimates = estimates_of(item_scores, bank)
    return {"overall": estimates.report(OVERALL),
            "areas": {area.id: estimates.report(area.id) for area in bank.framework.areas},
            "framework": bank.framework.id,
            "parameters_version": bank.version}
