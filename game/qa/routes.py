"""Routes that beat each bundled level with no bugs and no death: for walkthroughs, tests and benchmarks.

Every route is "hold right from the level's first tick, press space (jump) at these level ticks".
A level tick is SimState.level_ticks before the step (0 on the level's first step; 60 ticks a
second, so tick t is t * 1000 / 60 ms after the level starts). Each jump still works a few ticks
early or late (at least 4 either side; see assets/qa/README.md), so a walkthrough need not be exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.qa.bugs import SeededBug
from game.qa.levels import Level
from game.qa.sim import Input, Sim


@dataclass(frozen=True)
class Route:
    jumps: tuple[int, ...]  # level ticks at which space is pressed; right is held throughout
    ticks: int  # level ticks when the exit is reached (level_completed.ticks)
    score: int  # points the level gives along the route (every item of the level)


ROUTES: dict[str, Route] = {
    "forest": Route(jumps=(81, 155, 253, 323, 375, 497, 608, 643, 768), ticks=954, score=28),
    "river": Route(jumps=(81, 144, 300, 346, 396, 518, 653, 847, 1019), ticks=1101, score=24),
    "mountain": Route(jumps=(41, 77, 118, 230, 336, 383, 497, 754, 804, 846, 887, 934, 992, 1100),
                      ticks=1203, score=20),
}


def route_keys(route: Route, level_tick: int) -> tuple[frozenset[str], frozenset[str]]:
    """The keys (held, pressed) the route gives at one level tick."""
    return frozenset({"right"}), frozenset({"space"}) if level_tick in route.jumps else frozenset()


def play_through(levels: Sequence[Level], bugs: Sequence[SeededBug] = (), routes: dict[str, Route] = ROUTES,
                 max_ticks: int = 20_000) -> tuple[Sim, list[Input]]:
    """Start the game and follow each level's route until the game ends (or max_ticks pass).

    Returns the sim and the inputs given, as replay() takes them (one entry per tick that changes
    something), so the same run can be replayed or written out as a walkthrough."""
    sim = Sim(levels, bugs)
    inputs: list[Input] = [(0, frozenset(), frozenset({"enter"}))]
    sim.step(pressed={"enter"})
    last_held: frozenset[str] = frozenset()
    while sim.state.mode in ("playing", "level_done") and sim.state.tick < max_ticks:
        held, pressed = frozenset(), frozenset()
        if sim.state.mode == "playing":
            held, pressed = route_keys(routes[sim.world.id], sim.state.level_ticks)
        if held != last_held or pressed:
            inputs.append((sim.state.tick, held, pressed))
            last_held = held
        sim.step(held, pressed)
    return sim, inputs
