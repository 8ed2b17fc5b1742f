"""The QA game's levels as data: pydantic models for assets/qa/levels.yaml and its loader.

A level is a grid of one-character tiles, rows top to bottom, each tile 32x32 px:

    .  empty            #  ground (solid)      =  platform (solid)     ^  spikes (hazard)
    D  door (solid until a switch opens it)    S  switch (touch: opens the level's doors)
    B  blueberry (1)    G  golden berry (5)    C  checkpoint           E  exit flag
    P  player start (exactly one)

plus bees: hazards flying back and forth along a path of tile positions (axis-aligned segments).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from game.paths import ASSETS
from game.scenario.source import Problem, Source, SourceError, read_source
from game.scenario.texts import LocaleText

TILE = 32  # px per tile side
TILE_CHARS = frozenset(".#=^DSBGCEP")
LEVELS_FILE = ASSETS / "qa" / "levels.yaml"
MAX_SIZE = 400  # tiles per side: keeps a typo from building a gigantic level

T = TypeVar("T", bound=BaseModel)


def located(message: str, *at: str | int) -> PydanticCustomError:
    """An error whose place is more precise than the field's: `at` is the rest of the path (a row...)."""
    return PydanticCustomError("qa_level", message, {"at": list(at)})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bee(Strict):
    """A bee flies from the first waypoint to the last and back, forever, at `speed` px per tick."""

    path: list[tuple[int, int]] = Field(min_length=2, description="Waypoints as [column, row] tiles")
    speed: float = Field(default=1.0, gt=0, le=8, multiple_of=0.5,
                         description="px per tick; halves keep positions exact in binary floats")

    @field_validator("path")
    @classmethod
    def _axis_aligned(cls, path: list[tuple[int, int]]) -> list[tuple[int, int]]:
        # Straight horizontal/vertical legs keep lengths whole numbers, so positions stay exact.
        for (c1, r1), (c2, r2) in zip(path, path[1:]):
            if c1 != c2 and r1 != r2:
                raise ValueError(f"leg [{c1}, {r1}] -> [{c2}, {r2}] must be horizontal or vertical")
            if (c1, r1) == (c2, r2):
                raise ValueError(f"waypoint [{c1}, {r1}] is repeated")
        return path


class Level(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,30}$", description="Short id, used in item ids and telemetry")
    name: LocaleText
    time_hint: int = Field(ge=1, le=3600, description="Seconds a steady player needs; not a limit")
    tiles: list[str] = Field(min_length=2, max_length=MAX_SIZE, description="Rows top to bottom")
    bees: list[Bee] = []

    @field_validator("tiles", mode="before")
    @classmethod
    def _rows_are_text(cls, tiles: object) -> object:
        # In YAML, `- ####` is an empty item followed by a comment: say so rather than "not a string".
        if isinstance(tiles, list):
            for row, line in enumerate(tiles):
                if line is None:
                    raise located(f"row {row} is empty: put each row in quotes (a # starts a YAML comment)", row)
        return tiles

    @field_validator("tiles")
    @classmethod
    def _grid(cls, tiles: list[str]) -> list[str]:
        width = len(tiles[0])
        if width < 2 or width > MAX_SIZE:
            raise located(f"rows must be 2 to {MAX_SIZE} tiles wide (row 0 has {width})", 0)
        for row, line in enumerate(tiles):
            if len(line) != width:
                raise located(f"row {row} has {len(line)} tiles, row 0 has {width}: the grid must be rectangular", row)
            for col, char in enumerate(line):
                if char not in TILE_CHARS:
                    raise located(f"unknown tile {char!r} at column {col}, row {row} "
                                  f"(known: {' '.join(sorted(TILE_CHARS))})", row, col)
        starts = [(row, col) for row, line in enumerate(tiles) for col, char in enumerate(line) if char == "P"]
        if len(starts) != 1:
            second = starts[1] if len(starts) > 1 else ()  # point at the first start too many, if any
            raise located(f"a level needs exactly one player start 'P' (found {len(starts)})", *second)
        if not any("E" in line for line in tiles):
            raise ValueError("a level needs at least one exit flag 'E'")
        return tiles

    @model_validator(mode="after")
    def _bees_inside(self) -> Level:
        width, height = len(self.tiles[0]), len(self.tiles)
        for number, bee in enumerate(self.bees):
            for col, row in bee.path:
                if not (0 <= col < width and 0 <= row < height):
                    raise located(f"bee {number}: waypoint [{col}, {row}] is outside the {width}x{height} grid",
                                  "bees", number, "path")
        return self

    @property
    def width(self) -> int:
        return len(self.tiles[0])

    @property
    def height(self) -> int:
        return len(self.tiles)


class LevelPack(Strict):
    levels: list[Level] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _unique_ids(cls, levels: list[Level]) -> list[Level]:
        seen: set[str] = set()
        for level in levels:
            if level.id in seen:
                raise ValueError(f"level id {level.id!r} is used twice")
            seen.add(level.id)
        return levels


class QaDataError(Exception):
    """A QA game data file (levels, texts) is wrong: every problem, as path:line:col: message."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_validated(path: Path | str, model: type[T], text: str | None = None) -> T:
    """Read a YAML file safely and validate it; raise QaDataError pointing at each wrong value."""
    try:
        source = read_source(path, text)
    except SourceError as exc:
        raise QaDataError(exc.problems) from None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        problems = [_problem(source, item) for item in exc.errors()]
        raise QaDataError(sorted(problems, key=lambda p: (p.line, p.col))) from None


def _problem(source: Source, item: ErrorDetails) -> Problem:
    loc = tuple(item["loc"])
    message = item["msg"].removeprefix("Value error, ")
    on_key = item["type"] == "extra_forbidden"
    if on_key:
        message = f"unknown key {loc[-1]!r}"
    at = list((item.get("ctx") or {}).get("at", []))
    column = None
    if at and isinstance(at[-1], int) and len(at) == 2 and loc and loc[-1] == "tiles":
        column = at.pop()  # a tile inside a row: point at its character
    where = ".".join(str(part) for part in loc) or "(top level)"
    problem = source.problem(loc + tuple(at), f"{where}: {message}", key=on_key)
    if column is not None and source.position(loc + tuple(at)) != (1, 1):
        line, col = problem.line, problem.col
        text_line = source.text.splitlines()[line - 1]
        quoted = col - 1 < len(text_line) and text_line[col - 1] in "\"'"
        problem = Problem(problem.path, line, col + column + int(quoted), problem.message)
    return problem


def load_levels(path: Path | str = LEVELS_FILE, text: str | None = None) -> list[Level]:
    """The levels of a levels file, in play order; raise QaDataError listing every problem."""
    return read_validated(path, LevelPack, text).levels
