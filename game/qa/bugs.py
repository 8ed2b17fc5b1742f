"""Seeded bugs: the catalogue of kinds a scenario can plant in the QA game, and the hooks the sim asks.

A scenario declares a list of `SeededBug` (told apart by `kind`); an empty list is the clean build.
Each kind says where and when it shows itself; the simulation reports `bug_triggered` the first
time a bug actually reaches the player (see each model's docstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from game.locales import supported_locales
from game.qa.levels import Level
from game.qa.texts import text_table
from game.qa.vocabulary import ITEM_POINTS, KEYS, SOUNDS
from game.qa.world import World

BugId = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)
LEVEL_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
LevelId = Field(pattern=LEVEL_PATTERN, description="Level id, e.g. forest")
AnyLevel = Field(default=None, pattern=LEVEL_PATTERN, description="Only in this level (default: every level)")
ItemKind = Literal["blueberry", "golden"]
TEXTURED = ("#", "=", "^", "D", "S", "C", "E", "blueberry", "golden", "bee")
CRASH_CODE = "0xC0000005"


class _Bug(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = BugId


class CollisionGap(_Bug):
    """The ground and platform tiles of one column are not solid: the character falls through.
    Triggers when the character's box first enters one of those tiles."""

    kind: Literal["collision_gap"]
    level: str = LevelId
    x: int = Field(ge=0, description="Tile column (from 0, left)")


class WrongScore(_Bug):
    """Picking one kind of item adds `points` instead of its real value. Triggers on the first such pick."""

    kind: Literal["wrong_score"]
    level: str | None = AnyLevel
    item_kind: ItemKind
    points: int = Field(ge=-100, le=100)

    @model_validator(mode="after")
    def _really_wrong(self) -> WrongScore:
        if self.points == ITEM_POINTS[self.item_kind]:
            raise ValueError(f"{self.points} is the right score for a {self.item_kind}: the bug would not show")
        return self


class TextTypo(_Bug):
    """A text of the title, HUD or menu reads wrong (typo, or left untranslated) in the locales given.
    Triggers the first time that text is on screen in one of them."""

    kind: Literal["text_typo"]
    text_key: str = Field(description="Key of the text, e.g. hud.score, menu.resume, title.start, level.forest")
    text: dict[str, str] = Field(min_length=1, description="The wrong text, by locale; other locales stay right")

    @field_validator("text")
    @classmethod
    def _locales(cls, text: dict[str, str]) -> dict[str, str]:
        for tag, value in text.items():
            if tag not in supported_locales():
                raise ValueError(f"unknown locale {tag!r} (supported: {', '.join(supported_locales())})")
            if not value.strip():
                raise ValueError(f"the text for {tag} is empty")
        return text


class MissingSound(_Bug):
    """One action makes no sound (and shows no caption). Triggers the first time the action happens."""

    kind: Literal["missing_sound"]
    action: Literal[SOUNDS]  # type: ignore[valid-type]


class MissingTexture(_Bug):
    """One thing in a level is drawn as a placeholder: a tile character, an item kind or the bees.
    Triggers the first time one of them is within view (640 px of the character, horizontally)."""

    kind: Literal["missing_texture"]
    level: str = LevelId
    what: Literal[TEXTURED] = Field(  # type: ignore[valid-type]
        description="Tile character (# = ^ D S C E), blueberry, golden or bee")


class SoftLock(_Bug):
    """The switch does not open a door (or any door): the level cannot be finished.
    Triggers when the character touches that closed door after having touched the switch."""

    kind: Literal["soft_lock"]
    level: str = LevelId
    door: tuple[int, int] | Literal["all"] = Field(
        default="all", description="[column, row] of a door tile, or all")


class CrashDialog(_Bug):
    """Pressing these keys one after the other (nothing else in between) while playing shows a fake
    crash dialog. Triggers when the last key of the sequence is pressed."""

    kind: Literal["crash_dialog"]
    sequence: list[Literal[KEYS]] = Field(min_length=2, max_length=12)  # type: ignore[valid-type]
    level: str | None = AnyLevel
    code: str = Field(default=CRASH_CODE, pattern=r"^[0-9A-Za-z_.-]{1,20}$", description="Error code the dialog shows")


class FrameDrop(_Bug):
    """The game stutters while the character is in a stretch of columns (the simulation says `slow`;
    the renderer draws fewer frames). Triggers when the character first enters the stretch."""

    kind: Literal["frame_drop"]
    level: str = LevelId
    x_from: int = Field(ge=0, description="First tile column of the slow stretch")
    x_to: int = Field(ge=0, description="Last tile column of the slow stretch (included)")

    @model_validator(mode="after")
    def _ordered(self) -> FrameDrop:
        if self.x_to < self.x_from:
            raise ValueError(f"x_to ({self.x_to}) is before x_from ({self.x_from})")
        return self


class RespawningItem(_Bug):
    """An item comes back `delay` ticks after being picked (and can be picked again).
    Triggers the first time it is back while within view of the character."""

    kind: Literal["respawning_item"]
    level: str = LevelId
    item: str = Field(pattern=r"^[a-z][a-z0-9-]*-[bg]-[0-9]+-[0-9]+$", description="Item id, e.g. forest-b-12-5")
    delay: int = Field(default=120, ge=1, le=36_000, description="Ticks (1/60 s) before it comes back")


SeededBug = Annotated[
    Union[CollisionGap, WrongScore, TextTypo, MissingSound, MissingTexture, SoftLock, CrashDialog,
          FrameDrop, RespawningItem],
    Field(discriminator="kind"),
]
BUG_KINDS = ("collision_gap", "wrong_score", "text_typo", "missing_sound", "missing_texture", "soft_lock",
             "crash_dialog", "frame_drop", "respawning_item")
# What a tester would file each kind under (the bug tracker's categories).
BUG_CATEGORY = {"collision_gap": "gameplay", "wrong_score": "gameplay", "text_typo": "text",
                "missing_sound": "audio", "missing_texture": "visual", "soft_lock": "gameplay",
                "crash_dialog": "crash", "frame_drop": "performance", "respawning_item": "gameplay"}

Loc = tuple[str | int, ...]
_BUG_LIST = TypeAdapter(list[SeededBug])


def parse_bugs(data: object) -> list[SeededBug]:
    """A bug list from plain data (a scenario's `bugs:`); raises pydantic's ValidationError."""
    return _BUG_LIST.validate_python(data)


def check_bugs(bugs: Sequence[SeededBug], levels: Sequence[Level]) -> list[tuple[Loc, str]]:
    """Problems no single bug can see: unknown levels, columns, doors, items or text keys; repeated ids.
    Each as (where in the bug list, message)."""
    worlds = {level.id: World(level) for level in levels}
    texts = text_table(levels)
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for i, bug in enumerate(bugs):
        if bug.id in seen:
            problems.append(((i, "id"), f"bug id {bug.id!r} is used twice"))
        seen.add(bug.id)
        level_id = getattr(bug, "level", None)
        if level_id is not None and level_id not in worlds:
            problems.append(((i, "level"), f"no level {level_id!r} (levels: {', '.join(worlds)})"))
            continue
        world = worlds.get(level_id) if level_id else None
        problems.extend(((i,) + loc, message) for loc, message in _check_one(bug, world, texts))
    return problems


def _check_one(bug: SeededBug, world: World | None, texts: dict) -> list[tuple[Loc, str]]:
    if isinstance(bug, CollisionGap) and world is not None:
        if not any(world.char(bug.x, row) in "#=" for row in range(world.height)):
            return [(("x",), f"column {bug.x} of {world.id} has no ground or platform tile")]
    if isinstance(bug, FrameDrop) and world is not None and bug.x_to >= world.width:
        return [(("x_to",), f"column {bug.x_to} is past the end of {world.id} ({world.width} columns)")]
    if isinstance(bug, TextTypo) and bug.text_key not in texts:
        return [(("text_key",), f"no text {bug.text_key!r}")]
    if isinstance(bug, MissingTexture) and world is not None:
        present = bool(world.bees) if bug.what == "bee" else (
            any(item.kind == bug.what for item in world.items.values()) or bug.what in world.cells)
        if not present:
            return [(("what",), f"{world.id} has no {bug.what!r}: the placeholder would never show")]
    if isinstance(bug, SoftLock) and world is not None:
        if "S" not in world.cells or not world.doors:
            return [(("level",), f"{world.id} has no switch and door")]
        if bug.door != "all" and world.char(*bug.door) != "D":
            return [(("door",), f"no door tile at {list(bug.door)} in {world.id}")]
    if isinstance(bug, RespawningItem) and world is not None and bug.item not in world.items:
        return [(("item",), f"no item {bug.item!r} in {world.id}")]
    return []


@dataclass(frozen=True)
class LevelHooks:
    """The seeded bugs that concern one level, looked up once so that a tick costs dict look-ups."""

    gaps: dict[int, CollisionGap]  # column -> bug
    wrong_scores: dict[str, WrongScore]  # item kind -> bug
    placeholders: dict[str, MissingTexture]  # what -> bug
    slow: tuple[FrameDrop, ...]
    respawning: dict[str, RespawningItem]  # item id -> bug
    locks: dict[tuple[int, int], SoftLock]  # door (top tile) -> bug
    crashes: tuple[CrashDialog, ...]


class BugBook:
    """The seeded bugs, indexed so that the simulation's questions cost a dict look-up per tick."""

    def __init__(self, bugs: Sequence[SeededBug]):
        self.bugs = tuple(bugs)
        self.by_id = {bug.id: bug for bug in self.bugs}

    def _of(self, kind: type) -> list:
        return [bug for bug in self.bugs if isinstance(bug, kind)]

    @cached_property
    def crashes(self) -> tuple[CrashDialog, ...]:
        return tuple(self._of(CrashDialog))

    @cached_property
    def typos(self) -> tuple[TextTypo, ...]:
        return tuple(self._of(TextTypo))

    @cached_property
    def longest_sequence(self) -> int:
        return max((len(bug.sequence) for bug in self.crashes), default=0)

    def for_level(self, world: World) -> LevelHooks:
        level = world.id
        return LevelHooks(
            gaps=self.gap_columns(level),
            wrong_scores={kind: bug for kind in ITEM_POINTS if (bug := self.wrong_score(level, kind))},
            placeholders=self.placeholders(level),
            slow=tuple(self.slow_areas(level)),
            respawning=self.respawning(level),
            locks={door: bug for door in world.doors if (bug := self.lock(level, door, world))},
            crashes=tuple(bug for bug in self.crashes if bug.level in (None, level)))

    def gap_columns(self, level: str) -> dict[int, CollisionGap]:
        return {bug.x: bug for bug in self._of(CollisionGap) if bug.level == level}

    def wrong_score(self, level: str, item_kind: str) -> WrongScore | None:
        return next((bug for bug in self._of(WrongScore)
                     if bug.item_kind == item_kind and bug.level in (None, level)), None)

    def typo(self, key: str, locale: str) -> TextTypo | None:
        return next((bug for bug in self.typos if bug.text_key == key and locale in bug.text), None)

    def muted(self, sound: str) -> MissingSound | None:
        return next((bug for bug in self._of(MissingSound) if bug.action == sound), None)

    def placeholders(self, level: str) -> dict[str, MissingTexture]:
        return {bug.what: bug for bug in self._of(MissingTexture) if bug.level == level}

    def lock(self, level: str, door: tuple[int, int], world: World) -> SoftLock | None:
        """The soft_lock bug keeping this door (named by its top tile) shut, if any."""
        for bug in self._of(SoftLock):
            if bug.level == level and (bug.door == "all" or world.door_of(*bug.door) == door):
                return bug
        return None

    def slow_areas(self, level: str) -> list[FrameDrop]:
        return [bug for bug in self._of(FrameDrop) if bug.level == level]

    def respawning(self, level: str) -> dict[str, RespawningItem]:
        return {bug.item: bug for bug in self._of(RespawningItem) if bug.level == level}
