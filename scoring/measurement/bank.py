"""The item bank: every scored scenario with its area, measurement parameters and constraints."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scoring.framework import Framework
from scoring.measurement.models import ItemParameters
from scoring.measurement.parameters import ParametersFile

if TYPE_CHECKING:
    from game.scenario.loader import LoadedScenario
    from game.scenario.measurement import ItemScore


@dataclass(frozen=True)
class BankItem:
    id: str
    area: str
    parameters: ItemParameters
    status: str = "provisional"  # or "calibrated"
    calibrated: dict | None = None  # {"date", "sample_size"} when calibrated
    overlaps: frozenset[str] = frozenset()
    minutes: float = 1.0
    item_score: "ItemScore | None" = None


@dataclass
class ItemBank:
    framework: Framework
    items: dict[str, BankItem]
    version: str
    unscored: list[str] = field(default_factory=list)  # scenarios without a measurement block (e.g. the tutorial)

    @classmethod
    def from_items(cls, framework: Framework, items: list[BankItem], version: str | None = None) -> "ItemBank":
        # Overlap is symmetric whichever scenario declares it.
        pairs = {(item.id, other) for item in items for other in item.overlaps}
        complete = [BankItem(**{**item.__dict__, "overlaps": frozenset(
            {o for a, o in pairs if a == item.id} | {a for a, o in pairs if o == item.id})}) for item in items]
        return cls(framework, {item.id: item for item in complete}, version or provisional_version(complete))

    @classmethod
    def from_library(cls, library: dict[str, "LoadedScenario"], framework: Framework,
                     calibrated: ParametersFile | None = None) -> "ItemBank":
        """Scenario parameters, with calibrated ones (when given) taking the place of the authors'."""
        items: list[BankItem] = []
        unscored: list[str] = []
        from_file: set[str] = set()  # items whose parameters come from the calibrated file
        for sid in sorted(library):
            scenario = library[sid].scenario
            block = scenario.measurement
            if block is None:
                unscored.append(sid)
                continue
            codes = block.competences or scenario.competences
            area = next((a for a in (framework.area_of(c) for c in codes) if a is not None), None)
            if area is None:
                continue  # this framework does not cover what the scenario measures
            params = ItemParameters(block.model, block.discrimination, tuple(block.thresholds))
            status = block.parameters
            when = block.calibrated.model_dump(mode="json") if block.calibrated else None
            found = calibrated.items.get(sid) if calibrated is not None else None
            if found is not None and found.parameters().max_score == params.max_score:
                params, status = found.parameters(), "calibrated"
                when = {"date": calibrated.date.isoformat(), "sample_size": found.sample_size}
                from_file.add(sid)
            items.append(BankItem(sid, area, params, status, when, frozenset(block.overlaps),
                                  float(scenario.estimated_minutes), block.item_score))
        version = provisional_version(items)
        if from_file:
            rest = [i for i in items if i.id not in from_file]
            version = calibrated.version + (f"+{provisional_version(rest)}" if rest else "")
        bank = cls.from_items(framework, items, version)
        bank.unscored = unscored
        return bank

    def areas(self) -> list[str]:
        """The framework's areas this bank can measure, in framework order."""
        present = {item.area for item in self.items.values()}
        return [a.id for a in self.framework.areas if a.id in present]


def provisional_version(items: list[BankItem]) -> str:
    """A short, stable fingerprint of the parameters in use, so a result names what produced it."""
    data = [[i.id, i.area, i.parameters.model, i.parameters.discrimination, list(i.parameters.thresholds)]
            for i in sorted(items, key=lambda i: i.id)]
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    return f"provisional-{digest}"
