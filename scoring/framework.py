"""A competence framework (DigComp 2.2 by default): areas, competences, proficiency levels, cut scores.

Data, not code: each framework is a YAML file in `scoring/frameworks/`; settings choose one by its id.
Cut scores place the levels on the ability scale: `cut_scores[i]` is where level i+2 starts, so 8 levels
have 7 cuts, strictly increasing and inside the measurement grid (an area may carry its own).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.paths import bundled_dir
from game.scenario.texts import LocaleText

FRAMEWORKS = bundled_dir("scoring", "frameworks")  # package data, read with importlib.resources
DEFAULT_FRAMEWORK = "digcomp-2.2"
GRID_LIMIT = 4.0  # the measurement grid spans [-4, 4]; cut scores must fall inside it


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Competence(Strict):
    id: str = Field(description="e.g. 2.1")
    label: LocaleText
    description: LocaleText = Field(description="What the competence is, in plain words for participants")
    digcomp: list[str] = Field(default_factory=list,
                               description="DigComp 2.2 competences this one covers (default: its own id)")

    @property
    def covers(self) -> list[str]:
        return self.digcomp or [self.id]


class Area(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    number: int
    label: LocaleText
    description: LocaleText
    competences: list[Competence] = Field(min_length=1)
    next_steps: dict[str, LocaleText] = Field(
        default_factory=dict, description="Per level group: a next step in plain words for a participant there")
    cut_scores: list[float] | None = Field(default=None, description="This area's own cuts (default: the framework's)")


class Level(Strict):
    number: int = Field(ge=1)
    group: str
    label: LocaleText
    description: LocaleText = Field(description="What a person at this level does, in plain words")


class LevelGroup(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    label: LocaleText
    description: LocaleText
    levels: list[int] = Field(min_length=1)


def _check_cuts(cuts: list[float], n_levels: int, where: str) -> None:
    if len(cuts) != n_levels - 1:
        raise ValueError(f"{where}: {n_levels} levels need {n_levels - 1} cut scores, not {len(cuts)}")
    for low, high in zip(cuts, cuts[1:]):
        if not low < high:
            raise ValueError(f"{where}: cut scores must increase ({low} is followed by {high})")
    outside = [c for c in cuts if not -GRID_LIMIT < c < GRID_LIMIT]
    if outside:
        raise ValueError(f"{where}: cut score {outside[0]} is outside the measurement grid "
                         f"(-{GRID_LIMIT}, {GRID_LIMIT})")


class Framework(Strict):
    id: str = Field(pattern=r"^[a-z0-9.-]+$")
    version: str
    title: LocaleText
    source: str = Field(description="Where the framework comes from (citation or URL)")
    levels: list[Level] = Field(min_length=2)
    groups: list[LevelGroup] = Field(min_length=1)
    cut_scores: list[float]
    areas: list[Area] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Framework":
        numbers = [level.number for level in self.levels]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("levels must be numbered 1, 2, 3... in order")
        group_ids = [g.id for g in self.groups]
        if len(set(group_ids)) != len(group_ids):
            raise ValueError("level group ids must be unique")
        in_groups = [n for g in self.groups for n in g.levels]
        if in_groups != numbers:
            raise ValueError("level groups must cover every level once, in order")
        for level in self.levels:
            group = next((g for g in self.groups if level.number in g.levels), None)
            if group is None or group.id != level.group:
                raise ValueError(f"level {level.number} says group {level.group!r} but is listed elsewhere")
        _check_cuts(self.cut_scores, len(self.levels), "cut_scores")
        area_ids = [a.id for a in self.areas]
        if len(set(area_ids)) != len(area_ids):
            raise ValueError("area ids must be unique")
        if len({a.number for a in self.areas}) != len(self.areas):
            raise ValueError("area numbers must be unique")
        competence_ids = [c.id for a in self.areas for c in a.competences]
        if len(set(competence_ids)) != len(competence_ids):
            raise ValueError("competence ids must be unique")
        seen: dict[str, str] = {}
        for area in self.areas:
            if area.cut_scores is not None:
                _check_cuts(area.cut_scores, len(self.levels), f"areas.{area.id}.cut_scores")
            unknown = set(area.next_steps) - set(group_ids)
            if unknown:
                raise ValueError(f"areas.{area.id}.next_steps: unknown level group {sorted(unknown)[0]!r}")
            if area.next_steps and set(area.next_steps) != set(group_ids):
                missing = sorted(set(group_ids) - set(area.next_steps))
                raise ValueError(f"areas.{area.id}.next_steps: give one for every level group (missing: "
                                 f"{', '.join(missing)})")
            for competence in area.competences:
                for code in competence.covers:
                    if code in seen and seen[code] != area.id:
                        raise ValueError(f"competence {code} is in two areas ({seen[code]}, {area.id})")
                    seen[code] = area.id
        return self

    # --- lookups ---------------------------------------------------------------
    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def area_of(self, competence: str) -> str | None:
        """The area covering a DigComp competence code (e.g. "2.1"), if this framework has one."""
        for area in self.areas:
            if any(competence in c.covers for c in area.competences):
                return area.id
        return None

    def cuts(self, area_id: str | None = None) -> list[float]:
        if area_id is not None:
            area = next((a for a in self.areas if a.id == area_id), None)
            if area is not None and area.cut_scores is not None:
                return area.cut_scores
        return self.cut_scores

    def group_of(self, level: int) -> LevelGroup:
        return next(g for g in self.groups if level in g.levels)


class FrameworkError(Exception):
    """A framework file cannot be used; the message says why in one line."""


def available_frameworks() -> list[str]:
    return sorted(p.stem for p in FRAMEWORKS.glob("*.yaml"))


@lru_cache(maxsize=8)
def load_framework(framework_id: str = DEFAULT_FRAMEWORK) -> Framework:
    from pydantic import ValidationError

    from game.scenario.source import SourceError, read_source

    path = FRAMEWORKS / f"{framework_id}.yaml"
    if not path.is_file():
        raise FrameworkError(f"unknown competence framework {framework_id!r} "
                             f"(available: {', '.join(available_frameworks())})")
    try:
        data = read_source(path).data
        return Framework.model_validate(data)
    except SourceError as exc:
        raise FrameworkError(f"{path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "framework"
        raise FrameworkError(f"{path}: {where}: {first['msg']}") from None
