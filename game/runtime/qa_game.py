"""The game under test, as one app of the desktop: keys in, telemetry out, on the runtime's clock.

The simulation is deterministic, so the log keeps only the keys (with the tick they came at) and
what the game reports (telemetry); a run is rebuilt by replaying the keys tick for tick.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from game.qa.levels import Level, load_levels
from game.qa.sim import Sim
from game.qa.vocabulary import KEYS
from game.runtime.mailbox import Rejected
from game.scenario.qa_game import QaGameApp

Events = list[tuple[str, dict[str, Any]]]


@cache
def bundled_levels() -> tuple[Level, ...]:
    return tuple(load_levels())


def levels_for(app: QaGameApp) -> list[Level]:
    by_id = {level.id: level for level in bundled_levels()}
    return [by_id[i] for i in app.levels] if app.levels else list(by_id.values())


class QaGame:
    def __init__(self, app: QaGameApp, locale: str):
        self.app = app
        self.locale = locale
        self.sim = Sim(levels_for(app), app.bugs, locale, app.build, captions=app.captions)
        self.held: set[str] = set()
        self.pressed: set[str] = set()  # since the last tick
        self.sounds: list[str] = []  # played since the screen last took them (several steps may run a frame)

    @property
    def tick(self) -> int:
        return self.sim.state.tick

    def areas(self, locale: str) -> list[tuple[str, str]]:
        """The levels as a bug report names them."""
        return [(level.id, level.name[locale]) for level in self.sim.levels]

    def key(self, key: str, down: bool) -> Events:
        if key not in KEYS:
            raise Rejected("unknown_key")
        if down:
            self.pressed.add(key)
            self.held.add(key)
        else:
            self.held.discard(key)
        return [("game_key", {"key": key, "down": down, "tick": self.tick})]

    def advance(self, ticks: int) -> Events:
        """Run the game `ticks` steps with the keys as they are; what it reports, each with its tick."""
        events: Events = []
        for _ in range(max(0, ticks)):
            tick = self.tick
            for kind, payload in self.sim.step(frozenset(self.held), frozenset(self.pressed)):
                events.append((kind, {**payload, "tick": payload.get("tick", tick)}))
            self.sounds.extend(self.sim.sounds)
            self.pressed.clear()
        return events

    def advance_to(self, tick: int) -> None:
        """Catch up silently to a tick (rebuilding a run from its log)."""
        self.advance(tick - self.tick)
        self.sounds.clear()

    def take_sounds(self) -> list[str]:
        sounds, self.sounds = self.sounds, []
        return sounds

    def where(self) -> dict[str, Any]:
        """What a screenshot records: level, position, tick."""
        state = self.sim.state
        level = "title" if state.mode == "title" else self.sim.world.id  # a crash or game over happened in a level
        return {"level": level, "x": int(state.player.x), "y": int(state.player.y), "tick": state.tick}

    def summary(self) -> dict[str, Any]:
        state = self.sim.state
        return {"mode": state.mode, "level": self.sim.world.id, "score": state.score, "tick": state.tick,
                "triggered": list(state.triggered)}
