"""The QA game's fixed words, shared by its data models, simulation and (later) its renderer."""

from __future__ import annotations

TICK_HZ = 60  # simulation steps per second of game time

# Key names the simulation understands, in the order a tick's presses are recorded
# (several keys pressed in one tick are taken in this order, so history is deterministic).
KEYS = ("left", "right", "up", "down", "space", "p", "escape", "enter")

MODES = ("title", "playing", "paused", "menu", "level_done", "game_over", "finished", "crashed")

# Sound effects the simulation asks for, one name per effect; each has a caption text "caption.<name>".
SOUNDS = ("jump", "collect", "hurt", "door", "level_done")

ITEM_POINTS = {"blueberry": 1, "golden": 5}

DEATH_CAUSES = ("spikes", "bee", "fall")
