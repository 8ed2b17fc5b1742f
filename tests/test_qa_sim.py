"""The QA game's simulation: levels as data, physics, scoring, deaths, modes, determinism and seeded bugs."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from game.qa.__main__ import main as benchmark_main
from game.qa.bugs import BUG_KINDS, check_bugs, parse_bugs
from game.qa.levels import TILE, Level, QaDataError, load_levels
from game.qa.physics import (COYOTE_TICKS, JUMP_BUFFER_TICKS, JUMP_SPEED, PLAYER_H, PLAYER_W, RUN_SPEED,
                             spawn_position)
from game.qa.routes import ROUTES, Route, play_through, route_keys
from game.qa.sim import HURT_TICKS, LEVEL_DONE_TICKS, VIEW_REACH, Sim, replay
from game.qa.state import SimState
from game.qa.texts import FIXED_KEYS
from game.qa.vocabulary import EVENTS, SOUNDS, TICK_HZ

RIGHT = frozenset({"right"})


def make_level(*rows: str, id: str = "test", bees: list | None = None) -> Level:
    return Level.model_validate({"id": id, "name": {"fr-CA": "Essai", "en-CA": "Test"}, "time_hint": 10,
                                 "tiles": list(rows), "bees": bees or []})


FLAT = make_level(
    "..........................................",
    "..........................................",
    "P........................................E",
    "##########################################",
)


def started(levels: list[Level] | Level, bugs: list[dict] = (), **options) -> Sim:
    """A sim past the title screen, on the first level's first tick."""
    sim = Sim(levels if isinstance(levels, list) else [levels], parse_bugs(list(bugs)), **options)
    sim.step(pressed={"enter"})
    assert sim.state.mode == "playing"
    return sim


def run(sim: Sim, ticks: int, held: frozenset[str] = frozenset(), presses: dict[int, set[str]] | None = None,
        until: str | None = None) -> list[tuple[str, dict]]:
    """Step `ticks` times holding `held`; `presses` maps a step number (from 0) to keys pressed then.
    Stops early after an event of type `until`."""
    events = []
    for n in range(ticks):
        new = sim.step(held, (presses or {}).get(n, set()))
        events.extend(new)
        if until and any(kind == until for kind, _ in new):
            break
    return events


def of(events: list[tuple[str, dict]], kind: str) -> list[dict]:
    return [payload for name, payload in events if name == kind]


# ---- level data ---------------------------------------------------------------------------------

def test_the_bundled_levels_load_in_order():
    levels = load_levels()
    assert [level.id for level in levels] == ["forest", "river", "mountain"]
    for level in levels:
        assert set(level.name) == {"fr-CA", "en-CA"}
        assert level.time_hint > 0


LEVEL_FILE = """\
levels:
  - id: a
    name: {fr-CA: A, en-CA: A}
    time_hint: 10
    tiles:
      - "P..E"
      - "####"
"""


@pytest.mark.parametrize("change, message, line, col", [
    (('      - "####"', '      - "###"'), "row 1 has 3 tiles, row 0 has 4: the grid must be rectangular", 7, 9),
    (('"P..E"', '"P.PE"'), "exactly one player start 'P' (found 2)", 6, 12),
    (('"P..E"', '"P..."'), "at least one exit flag 'E'", 6, 7),
    (('"P..E"', '"P.xE"'), "unknown tile 'x' at column 2, row 0", 6, 12),
    (('      - "####"', '      - ####'), "row 1 is empty: put each row in quotes", 7, 8),
    (("    time_hint: 10", "    time_hint: 10\n    colour: red"), "unknown key 'colour'", 5, 5),
    (("{fr-CA: A, en-CA: A}", "{fr-CA: A}"), "missing translation for en-CA", 3, 11),
    (('      - "####"', '      - "####"\n    bees:\n      - {path: [[0, 0], [2, 1]]}'),
     "must be horizontal or vertical", 9, 16),
    (('      - "####"', '      - "####"\n    bees:\n      - {path: [[0, 0], [9, 0]]}'),
     "waypoint [9, 0] is outside the 4x2 grid", 9, 16),
])
def test_level_errors_name_the_problem_and_where_it_is(change, message, line, col):
    text = LEVEL_FILE.replace(*change)
    assert text != LEVEL_FILE
    with pytest.raises(QaDataError) as caught:
        load_levels("levels.yaml", text=text)
    problems = caught.value.problems
    assert any(message in p.message for p in problems), [str(p) for p in problems]
    assert all(p.path == "levels.yaml" for p in problems)
    assert [(p.line, p.col) for p in problems if message in p.message] == [(line, col)]


def test_two_levels_with_one_id_are_refused():
    text = LEVEL_FILE + LEVEL_FILE.removeprefix("levels:\n")
    with pytest.raises(QaDataError, match="level id 'a' is used twice"):
        load_levels("levels.yaml", text=text)
    assert [level.id for level in load_levels("levels.yaml", text=LEVEL_FILE)] == ["a"]


# ---- walking, jumping, collision ----------------------------------------------------------------

def test_the_player_stands_on_the_ground_and_walks_at_run_speed():
    sim = started(FLAT)
    x0, y0 = spawn_position(0, 2)
    assert (sim.state.player.x, sim.state.player.y) == (x0, y0)
    run(sim, 30)
    assert (sim.state.player.x, sim.state.player.y, sim.state.player.on_ground) == (x0, y0, True)
    run(sim, 10, RIGHT)
    assert sim.state.player.x == x0 + 10 * RUN_SPEED
    assert sim.state.player.y == y0 and sim.state.player.facing == 1
    run(sim, 4, frozenset({"left"}))
    assert sim.state.player.x == x0 + 6 * RUN_SPEED and sim.state.player.facing == -1


def test_walls_block_and_the_level_edges_hold():
    sim = started(make_level(
        "E.....",
        ".....#",
        "P....#",
        "######",
    ))
    run(sim, 60, RIGHT)
    assert sim.state.player.x == 5 * TILE - PLAYER_W  # flush against the wall at column 5
    assert sim.state.player.vx == 0
    run(sim, 80, frozenset({"left"}))
    assert sim.state.player.x == 0  # the left edge of the level


def test_a_jump_rises_just_over_three_tiles_and_lands_back():
    sim = started(FLAT)
    y0 = sim.state.player.y
    lowest = y0
    sim.step(pressed={"space"})
    assert sim.state.player.vy == JUMP_SPEED + 0.5 and "jump" in sim.sounds
    for _ in range(60):
        sim.step()
        lowest = min(lowest, sim.state.player.y)
    assert y0 - lowest == 105  # 3 tiles = 96 px: a 3-tile ledge is reachable, a 4-tile one is not
    assert sim.state.player.y == y0 and sim.state.player.on_ground


def test_the_player_lands_on_a_platform_and_bumps_its_head_under_one():
    sim = started(make_level(
        "..........",
        "..........",
        "..........",
        "...===....",
        "..........",
        "P........E",
        "##########",
    ))
    run(sim, 30, RIGHT, presses={0: {"space"}})
    assert sim.state.player.on_ground and sim.state.player.y == 3 * TILE - PLAYER_H  # on the platform
    low = started(make_level(
        "..........",
        "..====....",
        "..........",
        "P........E",
        "##########",
    ))
    x0 = low.state.player.x
    run(low, 1, frozenset(), presses={0: {"space"}})
    run(low, 40)
    assert low.state.player.y == spawn_position(0, 3)[1] and low.state.player.x == x0
    run(low, 20, RIGHT)
    low.step(RIGHT, {"space"})
    peak = low.state.player.y
    for _ in range(10):
        low.step(RIGHT)
        peak = min(peak, low.state.player.y)
    assert peak == 2 * TILE  # the head stopped at the platform's underside


LEDGE = make_level(
    "..........",
    "..........",
    "P.........",
    "###.......",
    "..........",
    "#########E",
)


@pytest.mark.parametrize("late, jumps", [(1, True), (COYOTE_TICKS - 1, True), (COYOTE_TICKS + 1, False)])
def test_a_jump_still_counts_a_moment_after_running_off_a_ledge(late, jumps):
    sim = started(LEDGE)
    while sim.state.player.on_ground:
        sim.step(RIGHT)
    run(sim, late - 1, RIGHT)
    sim.step(RIGHT, {"space"})
    assert ("jump" in sim.sounds) is jumps
    assert (sim.state.player.vy < 0) is jumps


def test_a_jump_pressed_just_before_landing_happens_on_landing():
    sim = started(FLAT)
    sim.step(pressed={"space"})
    while sim.state.player.vy < 8:  # falling back, a few ticks above the ground
        sim.step()
    sim.step(pressed={"space"})
    assert "jump" not in sim.sounds
    for _ in range(JUMP_BUFFER_TICKS):
        sim.step()
        if "jump" in sim.sounds:
            break
    assert "jump" in sim.sounds and sim.state.player.vy < 0


def test_one_jump_press_is_one_jump_however_long_space_is_held():
    sim = started(FLAT)
    sim.step(frozenset({"space"}), {"space"})
    jumps = 1
    for _ in range(120):
        sim.step(frozenset({"space"}))
        jumps += "jump" in sim.sounds
    assert jumps == 1 and sim.state.player.on_ground


# ---- items and score ------------------------------------------------------------------------------

def test_picking_berries_scores_one_and_five_once_each():
    sim = started(make_level(
        "........",
        "P.B.G..E",
        "########",
    ))
    events = run(sim, 40, RIGHT, until="level_completed")
    picked = of(events, "item_collected")
    assert [(p["item"], p["kind"], p["points"], p["score"]) for p in picked] == [
        ("test-b-2-1", "blueberry", 1, 1), ("test-g-4-1", "golden", 5, 6)]
    assert sim.state.score == 6 and sim.state.collected["test"] == ["test-b-2-1", "test-g-4-1"]
    assert [item.id for item in sim.visible_items()] == []
    assert all(p["level"] == "test" and isinstance(p["x"], int) for p in picked)


def test_a_picked_berry_stays_picked_when_walking_back():
    sim = started(make_level("P.B......E", "##########"))
    run(sim, 20, RIGHT)
    events = run(sim, 20, frozenset({"left"}))
    assert of(events, "item_collected") == [] and sim.state.score == 1


# ---- deaths, checkpoints, game over ----------------------------------------------------------------

SPIKY = make_level(
    "..............",
    "P..C..^......E",
    "##############",
)


def test_spikes_kill_and_the_player_respawns_at_the_last_checkpoint():
    sim = started(SPIKY)
    events = run(sim, 120, RIGHT, until="player_died")
    assert of(events, "checkpoint_reached")[0]["level"] == "test"
    died = of(events, "player_died")
    assert died == [{"level": "test", "cause": "spikes", "x": died[0]["x"], "y": died[0]["y"], "lives": 2}]
    assert 6 * TILE - PLAYER_W < died[0]["x"] < 7 * TILE
    assert "hurt" in sim.sounds and sim.state.checkpoint == [3, 1]
    run(sim, HURT_TICKS - 1, RIGHT)
    assert sim.state.player.hurt == 1  # still, during the pause after a death
    sim.step(RIGHT)
    assert (sim.state.player.x, sim.state.player.y) == spawn_position(3, 1)


def test_without_a_checkpoint_the_player_respawns_at_the_start():
    sim = started(make_level("P..^.....E", "##########"))
    run(sim, 60, RIGHT, until="player_died")
    run(sim, HURT_TICKS)
    assert (sim.state.player.x, sim.state.player.y) == spawn_position(0, 0)


def test_falling_out_of_the_level_kills():
    sim = started(make_level(
        "........",
        "P.......",
        "###...#E",
    ))
    events = run(sim, 200, RIGHT, until="player_died")
    assert of(events, "player_died")[0]["cause"] == "fall"


def test_a_bee_kills_on_contact():
    sim = started(make_level("..........", "P........E", "##########", bees=[{"path": [[5, 1], [6, 1]], "speed": 0.5}]))
    bee_x, bee_y = sim.bee_positions()[0]
    assert (bee_x, bee_y) == (5 * TILE + 6, 1 * TILE + 6)
    events = run(sim, 100, RIGHT, until="player_died")
    assert of(events, "player_died")[0]["cause"] == "bee"
    assert sim.bee_positions()[0] != (bee_x, bee_y)  # it flies


def test_three_deaths_end_the_game_and_enter_returns_to_the_title():
    sim = started(make_level("P.^......E", "##########"))
    events = run(sim, 400, RIGHT, until="game_over")
    assert [d["lives"] for d in of(events, "player_died")] == [2, 1, 0]
    assert of(events, "game_over") == [{"level": "test", "score": 0}]
    assert sim.state.mode == "game_over"
    assert sim.step(pressed={"enter"}) == [("returned_to_title", {"from": "game_over"})]
    assert sim.state.mode == "title"
    events = sim.step(pressed={"space"})  # a new game starts from scratch
    assert [name for name, _ in events] == ["game_started", "level_started"]
    assert sim.state.lives == 3 and sim.state.score == 0


# ---- levels in order -----------------------------------------------------------------------------

def test_the_exit_completes_a_level_then_the_next_starts_then_the_game_finishes():
    first = make_level("P.B.E", "#####", id="one")
    second = make_level("P..GE", "#####", id="two")
    sim = started([first, second])
    events = run(sim, 60, RIGHT, until="level_completed")
    done = of(events, "level_completed")
    assert done == [{"level": "one", "score": 1, "ticks": done[0]["ticks"]}] and done[0]["ticks"] > 0
    assert sim.state.mode == "level_done" and "level_done" in sim.sounds
    events = run(sim, LEVEL_DONE_TICKS, RIGHT)
    assert of(events, "level_started") == [{"level": "two", "index": 1}]
    assert sim.state.mode == "playing" and sim.state.level_ticks == 0
    assert (sim.state.player.x, sim.state.player.y) == spawn_position(0, 0)
    events = run(sim, 60, RIGHT, until="level_completed")
    run(sim, LEVEL_DONE_TICKS - 1)
    assert sim.state.mode == "level_done"
    events = sim.step()
    assert events == [("game_finished", {"score": 6, "ticks": sim.state.play_ticks})]
    assert sim.state.mode == "finished"
    assert sim.state.collected == {"one": ["one-b-2-0"], "two": ["two-g-3-0"]}


def test_the_first_bundled_level_is_beaten_by_holding_right_and_jumping_on_the_route():
    forest = load_levels()[0]
    sim = started([forest])
    route = ROUTES["forest"]
    events = []
    while sim.state.mode == "playing" and sim.state.level_ticks < 3000:
        events.extend(sim.step(*route_keys(route, sim.state.level_ticks)))
    assert of(events, "level_completed") == [{"level": "forest", "score": route.score, "ticks": route.ticks}]
    assert of(events, "player_died") == [] and sim.state.lives == 3
    assert len(sim.state.collected["forest"]) == len(sim.world.items)  # the route picks every berry


def test_holding_right_alone_does_not_beat_the_first_level():
    sim = started(load_levels()[:1])
    events = run(sim, 3000, RIGHT)
    assert of(events, "level_completed") == [] and sim.state.player.x < 20 * TILE  # stuck at the first block


def test_every_bundled_level_is_beaten_along_its_route():
    sim, _ = play_through(load_levels())
    assert sim.state.mode == "finished" and sim.state.lives == 3
    assert sim.state.score == sum(route.score for route in ROUTES.values())


@pytest.mark.parametrize("level_id", sorted(ROUTES))
def test_each_jump_of_a_route_may_come_four_ticks_early_or_late(level_id):
    level = next(level for level in load_levels() if level.id == level_id)
    route = ROUTES[level_id]
    for n in range(len(route.jumps)):
        for shift in (-4, 4):
            jumps = list(route.jumps)
            jumps[n] += shift
            sim = started([level])
            shifted = Route(jumps=tuple(jumps), ticks=route.ticks, score=route.score)
            while sim.state.mode == "playing" and sim.state.level_ticks < 3000 and sim.state.lives == 3:
                sim.step(*route_keys(shifted, sim.state.level_ticks))
            assert sim.state.mode == "level_done" and sim.state.lives == 3, (level_id, n, shift)


# ---- pause and menu ------------------------------------------------------------------------------

def test_p_pauses_and_resumes_and_nothing_moves_while_paused():
    sim = started(make_level("..........", "P........E", "##########", bees=[{"path": [[2, 0], [8, 0]]}]))
    run(sim, 5, RIGHT)
    assert sim.step(RIGHT, {"p"}) == [("game_paused", {"level": "test"})]
    frozen = sim.state.copy()
    run(sim, 50, RIGHT)
    assert sim.state.mode == "paused"
    assert (sim.state.player, sim.state.level_ticks, sim.bee_positions()) == (
        frozen.player, frozen.level_ticks, Sim([sim.levels[0]], state=frozen).bee_positions())
    assert sim.step(RIGHT, {"p"}) == [("game_resumed", {"level": "test"})]
    sim.step(RIGHT)
    assert sim.state.player.x == frozen.player.x + RUN_SPEED


def test_escape_opens_the_menu_which_resumes_or_quits_to_the_title():
    sim = started(FLAT)
    assert sim.step(pressed={"escape"}) == [("menu_opened", {"level": "test"})]
    assert sim.state.mode == "menu" and sim.state.menu_index == 0
    assert sim.step(pressed={"escape"}) == [("game_resumed", {"level": "test"})]
    sim.step(pressed={"escape"})
    sim.step(pressed={"down"})
    assert sim.state.menu_index == 1
    sim.step(pressed={"down"})
    assert sim.state.menu_index == 0  # the choice wraps around
    sim.step(pressed={"up"})
    assert sim.step(pressed={"enter"}) == [("game_quit", {"level": "test", "score": 0})]
    assert sim.state.mode == "title"
    sim.step(pressed={"p"})
    sim.step(pressed={"escape"})
    assert sim.state.mode == "title"  # on the title only enter or space starts
    sim.step(pressed={"enter"})
    sim.step(pressed={"p"})
    assert sim.step(pressed={"escape"}) == [("menu_opened", {"level": "test"})]
    assert sim.step(pressed={"space"}) == [("game_resumed", {"level": "test"})]


def test_position_is_reported_once_a_second_of_play():
    sim = started(FLAT)
    events = run(sim, 3 * TICK_HZ, RIGHT, presses={30: {"p"}, 40: {"p"}})
    positions = of(events, "position")
    assert len(positions) == 2  # 10 of the 180 ticks were paused
    assert positions[0] == {"level": "test", "x": int(spawn_position(0, 2)[0] + 60 * RUN_SPEED),
                            "y": int(spawn_position(0, 2)[1])}


def test_unknown_key_names_are_refused():
    with pytest.raises(ValueError, match="unknown keys"):
        Sim([FLAT]).step(pressed={"jump"})


def test_every_event_has_exactly_the_fields_the_vocabulary_lists():
    sim, inputs = play_through(load_levels())
    events = list(replay(load_levels(), [], inputs, ticks=sim.state.tick)[1])
    events += sim.step(pressed={"enter"})
    game = started(SPIKY, [{"id": "c", "kind": "crash_dialog", "sequence": ["left", "left"]}])
    events += run(game, 40, presses={1: {"p"}, 2: {"p"}, 3: {"escape"}, 4: {"down"}, 5: {"enter"}, 6: {"enter"},
                                     8: {"left"}, 9: {"left"}, 10: {"enter"}, 11: {"enter"}})
    events += run(game, 400, RIGHT, until="game_over") + game.step(pressed={"enter"})
    assert {name for name, _ in events} == set(EVENTS)
    for name, payload in events:
        assert tuple(payload) == EVENTS[name], name
    json.dumps(events)  # telemetry is plain JSON


# ---- determinism, save and resume ------------------------------------------------------------------

ALL_BUGS_ON_THE_ROUTE = [
    {"id": "slow", "kind": "frame_drop", "level": "river", "x_from": 20, "x_to": 30},
    {"id": "score", "kind": "wrong_score", "item_kind": "golden", "points": 50},
    {"id": "again", "kind": "respawning_item", "level": "forest", "item": "forest-b-14-12"},
    {"id": "typo", "kind": "text_typo", "text_key": "hud.lives", "text": {"fr-CA": "Vis"}},
]


def test_the_same_inputs_give_the_same_run_frame_for_frame():
    levels = load_levels()
    _, inputs = play_through(levels)
    bugs = parse_bugs(ALL_BUGS_ON_THE_ROUTE)
    first_state, first_events = replay(levels, bugs, inputs, ticks=3600)
    second_state, second_events = replay(levels, bugs, inputs, ticks=3600)
    assert first_events == second_events and first_state == second_state
    assert first_state.mode == "finished"
    assert {p["bug"] for p in of(first_events, "bug_triggered")} == {"slow", "score", "again", "typo"}


def test_a_saved_state_resumes_the_run_identically():
    levels = load_levels()
    _, inputs = play_through(levels)
    whole_state, whole_events = replay(levels, [], inputs, ticks=3600)
    half_state, half_events = replay(levels, [], inputs, ticks=1500)
    saved = json.dumps(half_state.to_dict())
    restored = SimState.from_dict(json.loads(saved))
    assert restored == half_state
    resumed_state, rest_events = replay(levels, [], inputs, ticks=3600, state=restored)
    assert resumed_state == whole_state
    assert half_events + rest_events == whole_events


def test_a_state_mid_jump_with_a_pending_respawn_survives_json():
    sim = started(make_level("P.B......E", "##########"), [{"id": "r", "kind": "respawning_item", "level": "test",
                                                              "item": "test-b-2-0"}])
    run(sim, 20, RIGHT, presses={15: {"space"}})
    assert not sim.state.player.on_ground and sim.state.respawns
    copy = SimState.from_dict(json.loads(json.dumps(sim.state.to_dict())))
    assert copy == sim.state
    with pytest.raises(ValueError, match="unknown state fields: colour"):
        SimState.from_dict({**sim.state.to_dict(), "colour": 1})


# ---- seeded bugs: each shows once, where and when it should, and never without it ----------------------

GAP_LEVEL = make_level(
    "..........",
    "P........E",
    "##########",
    "##########",
)
DOOR_LEVEL = make_level(
    "....#....",
    "....D....",
    "P.S.D...E",
    "#########",
)
ITEM_LEVEL = make_level(
    "............................",
    "P.B........................E",
    "############################",
)
WIDE_LEVEL = make_level(
    "....................................................",
    "P..................................................E",
    "....................................................",
    "####################################################",
)


def play_gap(sim: Sim) -> list:
    return run(sim, 200, RIGHT, until="player_died")


def play_walk_right(sim: Sim, ticks: int = 600) -> list:
    return run(sim, ticks, RIGHT, until="level_completed")


def play_jumps(sim: Sim) -> list:
    return run(sim, 100, presses={10: {"space"}, 70: {"space"}})


def play_menu(sim: Sim) -> list:
    events = run(sim, 30)
    return events + run(sim, 5, presses={0: {"escape"}})


def play_crash(sim: Sim) -> list:
    return run(sim, 40, presses={5: {"down"}, 10: {"down"}, 15: {"space"}})


def play_collect_and_wait(sim: Sim) -> list:
    return run(sim, 20, RIGHT) + run(sim, 200)


BUG_CASES = {
    "collision_gap": ({"kind": "collision_gap", "level": "test", "x": 4}, GAP_LEVEL, play_gap),
    "wrong_score": ({"kind": "wrong_score", "item_kind": "blueberry", "points": -1}, ITEM_LEVEL, play_walk_right),
    "text_typo": ({"kind": "text_typo", "text_key": "menu.resume", "text": {"fr-CA": "Contineur"}}, FLAT, play_menu),
    "missing_sound": ({"kind": "missing_sound", "action": "jump"}, FLAT, play_jumps),
    "missing_texture": ({"kind": "missing_texture", "level": "test", "what": "E"}, WIDE_LEVEL, play_walk_right),
    "soft_lock": ({"kind": "soft_lock", "level": "test", "door": [4, 2]}, DOOR_LEVEL, play_walk_right),
    "crash_dialog": ({"kind": "crash_dialog", "sequence": ["down", "down", "space"]}, FLAT, play_crash),
    "frame_drop": ({"kind": "frame_drop", "level": "test", "x_from": 20, "x_to": 22}, WIDE_LEVEL, play_walk_right),
    "respawning_item": ({"kind": "respawning_item", "level": "test", "item": "test-b-2-1"}, ITEM_LEVEL,
                        play_collect_and_wait),
}


def test_every_bug_kind_has_a_case():
    assert sorted(BUG_CASES) == sorted(BUG_KINDS)


@pytest.mark.parametrize("kind", sorted(BUG_CASES))
def test_each_bug_kind_triggers_once_in_its_run_and_never_without_it(kind):
    bug, level, play = BUG_CASES[kind]
    sim = started(level, [{"id": "b1", **bug}])
    tick_before = sim.state.tick
    events = play(sim)
    triggered = of(events, "bug_triggered")
    assert len(triggered) == 1, events
    assert triggered[0]["bug"] == "b1" and triggered[0]["kind"] == kind and triggered[0]["level"] == "test"
    assert tick_before <= triggered[0]["tick"] < sim.state.tick
    assert isinstance(triggered[0]["x"], int) and isinstance(triggered[0]["y"], int)
    assert sim.state.triggered == ["b1"]
    clean = started(level)
    clean_events = play(clean)
    assert of(clean_events, "bug_triggered") == []
    assert clean_events != events


def test_collision_gap_drops_the_player_through_the_floor_at_its_column():
    sim = started(GAP_LEVEL, [{"id": "gap", "kind": "collision_gap", "level": "test", "x": 4}])
    events = play_gap(sim)
    hit = of(events, "bug_triggered")[0]
    assert 4 * TILE - PLAYER_W < hit["x"] + PLAYER_W and hit["x"] < 5 * TILE  # over column 4
    assert of(events, "player_died")[0]["cause"] == "fall"
    assert [name for name, _ in events].index("bug_triggered") < [name for name, _ in events].index("player_died")
    assert of(play_gap(started(GAP_LEVEL)), "level_completed")  # without it, the floor holds


def test_wrong_score_gives_the_wrong_points_for_one_kind_only():
    level = make_level("P.B.G.B..E", "##########")
    sim = started(level, [{"id": "s", "kind": "wrong_score", "item_kind": "blueberry", "points": 3}])
    events = play_walk_right(sim)
    assert [p["points"] for p in of(events, "item_collected")] == [3, 5, 3]
    assert sim.state.score == 11 and len(of(events, "bug_triggered")) == 1
    other = started(level, [{"id": "s", "kind": "wrong_score", "level": "elsewhere", "item_kind": "blueberry",
                             "points": 3}])
    assert other.world.id == "test" and play_walk_right(other) and other.state.score == 7


def test_text_typo_replaces_the_text_in_its_locale_and_shows_when_that_screen_is_on():
    bug = {"id": "typo", "kind": "text_typo", "text_key": "title.start", "text": {"fr-CA": "Apuie sur Entrée"}}
    sim = Sim([FLAT], parse_bugs([bug]))
    assert sim.texts()["title.start"] == "Apuie sur Entrée"
    assert sim.texts("en-CA")["title.start"] == "Press Enter to play"
    assert "title.start" in sim.shown_texts()
    events = sim.step()
    assert events == [("bug_triggered", {"bug": "typo", "kind": "text_typo", "level": None, "x": None, "y": None,
                                         "tick": 0})]
    english = Sim([FLAT], parse_bugs([bug]), locale="en-CA")
    assert english.step() == []  # the English title is right: nothing wrong to see


def test_a_hud_typo_shows_on_the_first_tick_of_play_not_on_the_title():
    typo = {"id": "t", "kind": "text_typo", "text_key": "hud.score", "text": {"fr-CA": "Ponits"}}
    sim = Sim([FLAT], parse_bugs([typo]))
    assert run(sim, 10) == []
    events = sim.step(pressed={"enter"})
    assert of(events, "bug_triggered")[0]["tick"] == 10 and of(events, "bug_triggered")[0]["level"] == "test"


def test_level_names_are_texts_too():
    sim = Sim([FLAT])
    assert sim.texts()["level.test"] == "Essai" and sim.texts("en-CA")["level.test"] == "Test"
    assert set(FIXED_KEYS) <= set(sim.texts())


def test_missing_sound_drops_the_sound_and_its_caption():
    sim = started(FLAT, [{"id": "m", "kind": "missing_sound", "action": "jump"}], captions=True)
    sim.step(pressed={"space"})
    assert sim.state.player.vy < 0 and sim.sounds == () and sim.captions() == []
    clean = started(FLAT, captions=True)
    clean.step(pressed={"space"})
    assert clean.sounds == ("jump",) and clean.captions() == ["[saut]"] and clean.captions("en-CA") == ["[jump]"]


def test_every_sound_has_a_caption_in_every_locale():
    sim = Sim([FLAT])
    for locale in ("fr-CA", "en-CA"):
        assert all(sim.texts(locale)[f"caption.{sound}"].strip() for sound in SOUNDS)


def test_missing_texture_triggers_when_the_thing_comes_within_view():
    sim = started(WIDE_LEVEL, [{"id": "t", "kind": "missing_texture", "level": "test", "what": "E"}])
    assert sim.placeholders() == frozenset({"E"})
    events = play_walk_right(sim)
    hit = of(events, "bug_triggered")[0]
    exit_centre = 51 * TILE + TILE / 2
    assert exit_centre - (hit["x"] + PLAYER_W / 2) <= VIEW_REACH < exit_centre - (hit["x"] - RUN_SPEED + PLAYER_W / 2)
    assert started(WIDE_LEVEL).placeholders() == frozenset()


def test_missing_bee_texture_follows_the_bee():
    level = make_level("." * 80, "P" + "." * 78 + "E", "#" * 80, bees=[{"path": [[79, 0], [15, 0]], "speed": 4}])
    sim = started(level, [{"id": "t", "kind": "missing_texture", "level": "test", "what": "bee"}])
    events = run(sim, 1200)  # the player stands still; the bee flies into view, out and back again
    hit = of(events, "bug_triggered")
    assert len(hit) == 1
    assert hit[0]["tick"] > 300  # not at the start: the bee was out of view then
    bee_x = 79 * TILE + 6 - 4 * hit[0]["tick"]  # where the bee was on that tick (level tick = tick here)
    # The screen shows the level's first 2 x VIEW_REACH px while the player stands at its start.
    assert bee_x + 10 <= 2 * VIEW_REACH < bee_x + 4 + 10  # just came into view


def test_soft_lock_keeps_the_door_shut_after_the_switch():
    bug = {"id": "lock", "kind": "soft_lock", "level": "test", "door": [4, 2]}
    sim = started(DOOR_LEVEL, [bug])
    events = play_walk_right(sim)
    assert of(events, "switch_pressed")[0]["doors"] == []
    assert of(events, "level_completed") == [] and sim.state.player.x == 4 * TILE - PLAYER_W
    assert not sim.door_open(4, 1)
    clean = started(DOOR_LEVEL)
    events = play_walk_right(clean)
    assert of(events, "switch_pressed")[0]["doors"] == [[4, 1]] and clean.door_open(4, 2)
    assert of(events, "level_completed")


def test_soft_lock_does_not_trigger_at_the_door_before_the_switch():
    level = make_level(
        "....#....",
        "....D....",
        "P...D.S.E",
        "#########",
    )
    sim = started(level, [{"id": "lock", "kind": "soft_lock", "level": "test"}])
    assert of(play_walk_right(sim), "bug_triggered") == []


def test_crash_dialog_needs_the_whole_sequence_in_a_row_and_enter_closes_it():
    bug = {"id": "c", "kind": "crash_dialog", "sequence": ["down", "down", "space"], "code": "E-42"}
    interrupted = started(FLAT, [bug])
    run(interrupted, 40, presses={5: {"down"}, 10: {"left"}, 15: {"down"}, 20: {"space"}})
    assert interrupted.state.mode == "playing"
    sim = started(FLAT, [bug])
    events = play_crash(sim)
    assert sim.state.mode == "crashed" and sim.state.crash_code == "E-42"
    assert of(events, "crash_dialog_shown") == [{"level": "test", "code": "E-42"}]
    assert "crash.text" in sim.shown_texts() and "{code}" in sim.texts()["crash.text"]
    run(sim, 5, presses={0: {"escape"}, 1: {"space"}})
    assert sim.state.mode == "crashed"  # only enter closes the dialog
    assert sim.step(pressed={"enter"}) == [("returned_to_title", {"from": "crashed"})]
    sim.step(pressed={"enter"})
    run(sim, 20, presses={1: {"down"}, 2: {"down"}, 3: {"space"}})
    assert sim.state.mode == "crashed"  # it crashes again, but is reported once
    assert sim.state.triggered == ["c"]


def test_frame_drop_makes_the_stretch_slow_and_triggers_on_first_entry_only():
    sim = started(WIDE_LEVEL, [{"id": "f", "kind": "frame_drop", "level": "test", "x_from": 5, "x_to": 6}])
    assert not sim.slow
    slow_columns = set()
    events = []
    for _ in range(70):
        events += sim.step(RIGHT)
        if sim.slow:
            slow_columns.add(int((sim.state.player.x + PLAYER_W / 2) // TILE))
    assert slow_columns == {5, 6} and not sim.slow
    events += run(sim, 30, frozenset({"left"}))
    assert len(of(events, "bug_triggered")) == 1
    hit = of(events, "bug_triggered")[0]
    assert int((hit["x"] + PLAYER_W / 2) // TILE) == 5


def test_respawning_item_comes_back_after_its_delay_and_scores_again():
    bug = {"id": "r", "kind": "respawning_item", "level": "test", "item": "test-b-2-1"}
    sim = started(ITEM_LEVEL, [bug])
    events = run(sim, 40, RIGHT, until="item_collected")
    due = sim.state.level_ticks + 120
    assert sim.state.respawns == {"test-b-2-1": due}
    assert "test-b-2-1" not in [i.id for i in sim.visible_items()]
    events = run(sim, 119)
    assert of(events, "bug_triggered") == [] and "test-b-2-1" not in [i.id for i in sim.visible_items()]
    events = sim.step()
    assert of(events, "bug_triggered")[0]["tick"] == sim.state.tick - 1 and sim.state.level_ticks == due
    assert "test-b-2-1" in [i.id for i in sim.visible_items()]
    run(sim, 20, RIGHT)
    assert sim.state.score == 2  # picked twice


def test_respawning_item_out_of_view_triggers_only_when_seen():
    level = make_level("." * 50, "P.B" + "." * 46 + "E", "#" * 50)
    sim = started(level, [{"id": "r", "kind": "respawning_item", "level": "test", "item": "test-b-2-1", "delay": 300}])
    events = run(sim, 320, RIGHT)  # gone far right before it comes back
    assert of(events, "bug_triggered") == [] and "test-b-2-1" in [i.id for i in sim.visible_items()]
    events = run(sim, 300, frozenset({"left"}), until="bug_triggered")
    hit = of(events, "bug_triggered")[0]
    assert abs(2 * TILE + TILE / 2 - (hit["x"] + PLAYER_W / 2)) <= VIEW_REACH


# ---- checking bugs against the levels ---------------------------------------------------------------

def test_bug_declarations_are_checked_against_the_levels():
    bugs = parse_bugs([
        {"id": "a", "kind": "collision_gap", "level": "nowhere", "x": 1},
        {"id": "b", "kind": "collision_gap", "level": "forest", "x": 27},
        {"id": "c", "kind": "text_typo", "text_key": "hud.scroe", "text": {"fr-CA": "x"}},
        {"id": "d", "kind": "soft_lock", "level": "forest"},
        {"id": "e", "kind": "soft_lock", "level": "river", "door": [10, 10]},
        {"id": "f", "kind": "respawning_item", "level": "river", "item": "forest-b-5-12"},
        {"id": "g", "kind": "frame_drop", "level": "forest", "x_from": 90, "x_to": 200},
        {"id": "a", "kind": "missing_texture", "level": "forest", "what": "D"},
        {"id": "h", "kind": "text_typo", "text_key": "level.river", "text": {"en-CA": "The rivre"}},
        {"id": "i", "kind": "soft_lock", "level": "river", "door": [76, 12]},
    ])
    problems = check_bugs(bugs, load_levels())
    assert [loc for loc, _ in problems] == [(0, "level"), (1, "x"), (2, "text_key"), (3, "level"), (4, "door"),
                                            (5, "item"), (6, "x_to"), (7, "id"), (7, "what")]
    assert "no level 'nowhere'" in problems[0][1]


@pytest.mark.parametrize("bug, message", [
    ({"kind": "wrong_score", "item_kind": "golden", "points": 5}, "the right score"),
    ({"kind": "frame_drop", "level": "forest", "x_from": 9, "x_to": 3}, "before x_from"),
    ({"kind": "missing_sound", "action": "sneeze"}, "Input should be"),
    ({"kind": "crash_dialog", "sequence": ["down"]}, "at least 2"),
    ({"kind": "text_typo", "text_key": "hud.score", "text": {"fr": "x"}}, "unknown locale"),
    ({"kind": "teleport"}, "does not match any of the expected tags"),
    ({"kind": "missing_texture", "level": "forest", "what": "B", "colour": "red"}, "Extra inputs"),
])
def test_bug_models_refuse_what_cannot_be_a_bug(bug, message):
    with pytest.raises(ValidationError, match=message):
        parse_bugs([{"id": "x", **bug}])


# ---- timing script -------------------------------------------------------------------------------

def test_the_timing_script_prints_ms_per_tick_as_json(capsys):
    assert benchmark_main(["--ticks", "300"]) == 0
    figures = json.loads(capsys.readouterr().out)
    for case in ("clean", "with_bugs"):
        assert figures[case]["ticks"] == 300
        assert 0 < figures[case]["median_ms"] <= figures[case]["p99_ms"] <= figures[case]["max_ms"]
