"""How a session chooses its scenarios: the assessment plan a facilitator or researcher sets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Mode = Literal["adaptive", "fixed", "chosen"]


class AssessmentPlan(BaseModel):
    """adaptive: the next scenario is the most informative at the current estimate (among the pool);
    fixed: an ordered form set by a facilitator or researcher; chosen: the scenarios a participant or
    facilitator picked, in the order picked (from a list shown when the session starts, when the plan
    does not list them already)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = "adaptive"
    scenarios: list[str] = Field(default_factory=list,
                                 description="fixed/chosen: the scenarios in order; adaptive: the pool (empty: all)")
    targets: list[str] = Field(default_factory=list,
                               description="Areas to measure ('overall' for the overall scale; empty: every area "
                                           "the pool covers)")
    min_per_area: int = Field(default=2, ge=0, description="Scenarios every targeted area gets at least")
    min_scenarios: int = Field(default=3, ge=1)
    max_scenarios: int = Field(default=8, ge=1)
    time_budget_minutes: float = Field(default=60, gt=0, description="Planned minutes (estimated) for the session")
    top_n: int = Field(default=3, ge=1, description="Exposure control: draw among this many most informative")
    stop_probability: float = Field(default=0.85, gt=0.5, le=1,
                                    description="An area is known when its most likely level is this likely")
    stop_se: float = Field(default=0.32, gt=0, description="... or when its standard error is this small")

    @model_validator(mode="after")
    def _consistent(self) -> "AssessmentPlan":
        if self.min_scenarios > self.max_scenarios:
            raise ValueError("min_scenarios is above max_scenarios")
        if self.mode == "fixed" and not self.scenarios:
            raise ValueError("a fixed plan needs its list of scenarios")  # chosen: picked when the session starts
        if len(set(self.scenarios)) != len(self.scenarios):
            raise ValueError("a scenario is listed twice")
        return self
