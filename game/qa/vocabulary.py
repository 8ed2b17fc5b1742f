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

# Telemetry: every event type `Sim.step` returns and the fields of its payload. x, y are the
# player's box top-left in px (whole numbers); level is a level id; tick is SimState.tick.
EVENTS: dict[str, tuple[str, ...]] = {
    "game_started": ("build", "levels"),
    "level_started": ("level", "index"),
    "item_collected": ("level", "item", "kind", "x", "y", "points", "score"),
    "player_died": ("level", "cause", "x", "y", "lives"),
    "checkpoint_reached": ("level", "x", "y"),
    "switch_pressed": ("level", "doors", "x", "y"),  # doors: [column, row] top tiles of the doors opened
    "level_completed": ("level", "score", "ticks"),  # ticks: level ticks taken
    "game_finished": ("score", "ticks"),  # ticks: ticks of play in the whole game
    "game_over": ("level", "score"),
    "game_paused": ("level",),
    "game_resumed": ("level",),
    "menu_opened": ("level",),
    "game_quit": ("level", "score"),  # back to the title from the menu
    "position": ("level", "x", "y"),  # once per second of play
    "crash_dialog_shown": ("level", "code"),
    "returned_to_title": ("from",),  # from: game_over | finished | crashed
    "bug_triggered": ("bug", "kind", "level", "x", "y", "tick"),  # level, x, y are None on the title screen
}
