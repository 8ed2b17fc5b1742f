"""Walkthroughs: a scenario played step by step by element id (click, type, key, wait)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from game.element_ids import is_known, scenario_ids
from game.runtime.events import OUTCOMES
from game.scenario.loader import WALKTHROUGH_SUFFIX, LoadedScenario, ScenarioError, validation_problems
from game.scenario.source import Problem, SourceError, read_source
from game.scenario.texts import LocaleText

KEY_PATTERN = r"^((ctrl|shift|alt)\+)*(tab|enter|return|space|escape|backspace|delete|up|down|left|right|home|end|pageup|pagedown|f[1-9]|[a-z0-9])$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Click(Strict):
    click: str = Field(description="Element id, e.g. mail.message.m1")


class Type(Strict):
    type: Union[str, LocaleText] = Field(description="Text typed into the focused element")


class Key(Strict):
    key: str = Field(pattern=KEY_PATTERN, description="A key or chord, e.g. tab, shift+tab, ctrl+a")


class Hold(Strict):
    """Press a key and keep it down (to run in the game), until a `release` step."""

    hold: str = Field(pattern=KEY_PATTERN)


class Release(Strict):
    release: str = Field(pattern=KEY_PATTERN)


class Wait(Strict):
    wait: int = Field(ge=0, le=600_000, description="Milliseconds of game time")


STEP_KINDS = ("click", "type", "key", "hold", "release", "wait")


def _step_kind(value: object) -> str:
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value))
    return "unknown"


# A step is told by its one key, so an error in it is reported once, not once per kind of step.
Step = Annotated[
    Union[Annotated[Click, Tag("click")], Annotated[Type, Tag("type")], Annotated[Key, Tag("key")],
          Annotated[Hold, Tag("hold")], Annotated[Release, Tag("release")], Annotated[Wait, Tag("wait")]],
    Discriminator(_step_kind),
]


class Expect(Strict):
    outcome: Literal[OUTCOMES] = "completed"  # type: ignore[valid-type]
    observables: dict[str, float | int | None] = {}
    item_score: int | None = Field(default=None, ge=0, description="The item score this play must get (checked "
                                                                    "when given; needs a measurement block)")


class Walkthrough(Strict):
    scenario: str
    steps: list[Step] = Field(min_length=1)
    expect: Expect = Expect()


def walkthrough_path(scenario_path: Path) -> Path:
    return scenario_path.with_name(scenario_path.stem + WALKTHROUGH_SUFFIX)


def load_walkthrough(path: Path, scenario: LoadedScenario | None = None) -> Walkthrough:
    """Read a walkthrough and check its steps and expectations against its scenario."""
    try:
        source = read_source(path)
    except SourceError as exc:
        raise ScenarioError(exc.problems) from None
    data = source.data
    if isinstance(data, dict) and isinstance(data.get("steps"), list):
        problems = []
        for i, step in enumerate(data["steps"]):
            if not isinstance(step, dict) or len(step) != 1 or _step_kind(step) not in STEP_KINDS:
                problems.append(source.problem(("steps", i), f"steps[{i}]: a step is one of {', '.join(STEP_KINDS)}"))
        if problems:
            raise ScenarioError(problems)
    try:
        walkthrough = Walkthrough.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(source, exc)) from None
    if scenario is not None:
        problems: list[Problem] = []
        if walkthrough.scenario != scenario.id:
            problems.append(source.problem(("scenario",), f"scenario: walkthrough is for {walkthrough.scenario!r} "
                                                          f"but sits beside {scenario.id!r}"))
        known = scenario_ids(scenario.scenario)
        for i, step in enumerate(walkthrough.steps):
            if isinstance(step, Click) and not is_known(step.click, known):
                problems.append(source.problem(("steps", i, "click"),
                                               f"steps[{i}].click: no element {step.click!r} in this scenario"))
        rules = {rule.observable for rule in scenario.scenario.evidence}
        for name in walkthrough.expect.observables:
            if name not in rules:
                problems.append(source.problem(("expect", "observables", name),
                                               f"expect.observables: no observable {name!r} in the scenario", key=True))
        wanted = walkthrough.expect.item_score
        if wanted is not None:
            block = scenario.scenario.measurement
            if block is None:
                problems.append(source.problem(("expect", "item_score"), "expect.item_score: the scenario has no "
                                                                         "measurement block", key=True))
            elif wanted > block.item_score.max_score:
                problems.append(source.problem(("expect", "item_score"), f"expect.item_score: {wanted} is above "
                                               f"the scenario's top score {block.item_score.max_score}"))
        if problems:
            raise ScenarioError(problems)
    return walkthrough
