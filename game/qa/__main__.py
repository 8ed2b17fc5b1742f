"""Time the QA game's simulation step in its busiest level and print the figures as JSON.

    python -m game.qa [--ticks 10000] [--level mountain]

The level is played along its route (assets/qa/README.md), restarting at its first tick each time
the exit is reached, once with no seeded bug and once with every bug kind that leaves the route
playable. Only `Sim.step` is timed. Nothing here judges the figures (the target: well under 1 ms).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from game.qa.bugs import parse_bugs
from game.qa.levels import load_levels
from game.qa.routes import ROUTES, route_keys
from game.qa.sim import Sim

BUSY_BUGS = [
    {"id": "slow", "kind": "frame_drop", "level": "mountain", "x_from": 40, "x_to": 60},
    {"id": "bee-tex", "kind": "missing_texture", "level": "mountain", "what": "bee"},
    {"id": "again", "kind": "respawning_item", "level": "mountain", "item": "mountain-b-5-12"},
    {"id": "typo", "kind": "text_typo", "text_key": "hud.score", "text": {"fr-CA": "Ponits"}},
    {"id": "mute", "kind": "missing_sound", "action": "jump"},
    {"id": "score", "kind": "wrong_score", "item_kind": "blueberry", "points": 2},
    {"id": "crash", "kind": "crash_dialog", "sequence": ["down", "down", "up"]},
]


def time_steps(level_id: str, bugs: list, ticks: int) -> dict[str, float]:
    level = next(level for level in load_levels() if level.id == level_id)
    sim = Sim([level], bugs)
    sim.step(pressed={"enter"})
    start = sim.state.copy()
    route = ROUTES[level_id]
    durations: list[float] = []
    for _ in range(ticks):
        if sim.state.mode != "playing":
            sim.state = start.copy()  # the exit was reached: play the level again
        held, pressed = route_keys(route, sim.state.level_ticks)
        began = time.perf_counter()
        sim.step(held, pressed)
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    return {"ticks": ticks, "mean_ms": statistics.fmean(durations), "median_ms": durations[len(durations) // 2],
            "p99_ms": durations[int(len(durations) * 0.99)], "max_ms": durations[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.qa", description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=10_000)
    parser.add_argument("--level", default="mountain", choices=sorted(ROUTES))
    args = parser.parse_args(argv)
    bugs = parse_bugs(BUSY_BUGS)
    figures = {"level": args.level,
               "clean": time_steps(args.level, [], args.ticks),
               "with_bugs": time_steps(args.level, bugs, args.ticks)}
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
