"""Everything that changes while the QA game runs, in one plain dataclass that saves as JSON.

Only JSON's own types are kept (lists, not tuples or sets), so that
`SimState.from_dict(json.loads(json.dumps(state.to_dict()))) == state` and a saved run resumes
exactly where it stopped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

START_LIVES = 3


@dataclass
class PlayerState:
    x: float = 0.0  # px, left of the player's box
    y: float = 0.0  # px, top of the box (y grows downwards)
    vx: float = 0.0
    vy: float = 0.0
    on_ground: bool = False
    facing: int = 1  # 1 right, -1 left
    coyote: int = 0  # ticks left in which a jump still counts after leaving the ground
    jump_buffer: int = 0  # ticks left in which a jump pressed early still happens on landing
    hurt: int = 0  # ticks left of the pause after a death, before respawning


@dataclass
class SimState:
    mode: str = "title"  # title|playing|paused|menu|level_done|game_over|finished|crashed
    level: int = 0  # index into the level list
    tick: int = 0  # steps since the simulation started, in every mode
    player: PlayerState = field(default_factory=PlayerState)
    lives: int = START_LIVES
    score: int = 0
    collected: dict[str, list[str]] = field(default_factory=dict)  # level id -> item ids, in pick order
    opened_doors: dict[str, list[list[int]]] = field(default_factory=dict)  # level id -> doors' top tiles
    switched: list[str] = field(default_factory=list)  # levels whose switch has been touched
    level_ticks: int = 0  # steps played in the current level (the HUD time; pauses excluded)
    play_ticks: int = 0  # steps played since the game started
    checkpoint: list[int] | None = None  # [column, row] of the last checkpoint touched in this level
    menu_index: int = 0  # 0 resume, 1 quit to title
    done_ticks: int = 0  # steps left on the "level complete" screen
    respawns: dict[str, int] = field(default_factory=dict)  # item id -> level tick it comes back (bug)
    reappeared: list[str] = field(default_factory=list)  # items back because of a respawning_item bug
    recent_keys: list[str] = field(default_factory=list)  # last presses while playing (crash_dialog)
    triggered: list[str] = field(default_factory=list)  # seeded bugs already reported, in order
    crash_code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SimState:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown state fields: {', '.join(unknown)}")
        values = dict(data)
        values["player"] = PlayerState(**data.get("player", {}))
        # Copies, so the caller's dict and the live state never share lists.
        for name in ("collected", "opened_doors"):
            values[name] = {key: [list(v) if isinstance(v, list) else v for v in items]
                            for key, items in data.get(name, {}).items()}
        for name in ("switched", "reappeared", "recent_keys", "triggered"):
            values[name] = list(data.get(name, []))
        values["respawns"] = dict(data.get("respawns", {}))
        if data.get("checkpoint") is not None:
            values["checkpoint"] = list(data["checkpoint"])
        return cls(**values)

    def copy(self) -> SimState:
        return SimState.from_dict(self.to_dict())
