"""Calibrated item parameters as written by `numplus calibrate` and loaded by the game and `numplus score`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.measurement.models import ItemParameters


class CalibratedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Literal["2pl", "gpcm", "grm"]
    discrimination: float = Field(gt=0, le=10)
    thresholds: list[float] = Field(min_length=1)
    sample_size: int = Field(ge=1)
    infit: float | None = None
    outfit: float | None = None
    misfit: bool = False
    dif_class: str | None = None

    @model_validator(mode="after")
    def _valid_item(self) -> "CalibratedItem":
        self.parameters()  # the model's own checks (2pl has one threshold, grm thresholds increase)
        return self

    def parameters(self) -> ItemParameters:
        return ItemParameters(self.model, self.discrimination, tuple(self.thresholds))


class ParametersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    date: dt.date
    sample_size: int = Field(ge=1)
    method: str
    marginal_reliability: float | None = None
    items: dict[str, CalibratedItem]


class ParametersError(Exception):
    """The parameters file cannot be used; one line says why."""


def load_parameters(path: Path | str) -> ParametersFile:
    from game.scenario.source import SourceError, read_source

    path = Path(path)
    if not path.is_file():
        raise ParametersError(f"{path}: no such parameters file")
    try:
        source = read_source(path)
        return ParametersFile.model_validate(source.data)
    except SourceError as exc:
        raise ParametersError(str(exc).splitlines()[0]) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        line, col = source.position(loc) if loc else (1, 1)
        where = ".".join(str(p) for p in loc) or "parameters"
        message = first["msg"].removeprefix("Value error, ")
        raise ParametersError(f"{path}:{line}:{col}: {where}: {message}") from None
