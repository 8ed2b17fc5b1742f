"""The QA game's simulation: one fixed 1/60 s step at a time, from the keys held and pressed.

No pygame, no clock, no randomness: the same levels, bugs and per-tick keys give the same states,
sounds and telemetry, frame for frame, so a headless run replays a 3-minute session in seconds and
a saved SimState resumes identically. The renderer reads the state and the views below
(texts, captions, placeholders, slow, items, bees) and draws; it never changes the state.

Telemetry: `step` returns (type, payload) pairs; vocabulary.EVENTS lists every type and its fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from game.locales import DEFAULT_LOCALE
from game.qa.bugs import BugBook, LevelHooks, SeededBug
from game.qa.levels import TILE, Level
from game.qa.physics import (COYOTE_TICKS, GRAVITY, JUMP_BUFFER_TICKS, JUMP_SPEED, MAX_FALL, PLAYER_H, PLAYER_W,
                             RUN_SPEED, Solid, boxes_touch, hurtbox, move, overlapped, spawn_position)
from game.qa.state import PlayerState, SimState
from game.qa.texts import shown_keys, text_table
from game.qa.vocabulary import ITEM_POINTS, KEYS, TICK_HZ
from game.qa.world import BEE_SIZE, Item, World

Event = tuple[str, dict[str, Any]]

VIEW_REACH = 640  # px either side of the player's centre that the screen shows
LEVEL_DONE_TICKS = 90  # the "level complete" screen, before the next level
HURT_TICKS = 40  # the player stays still this long after a death, then respawns
MENU_OPTIONS = ("resume", "quit")
IN_LEVEL = frozenset({"playing", "paused", "menu", "level_done"})
SPIKE_BOX = (4, 16, 24, 16)  # x, y offsets and size inside the tile: the spikes' points
ITEM_BOX = (6, 6, 20, 20)


class Sim:
    def __init__(self, levels: Sequence[Level], bugs: Sequence[SeededBug] = (), locale: str = DEFAULT_LOCALE,
                 build: str = "clean", *, captions: bool = False, state: SimState | None = None):
        if not levels:
            raise ValueError("the game needs at least one level")
        self.levels = tuple(levels)
        self.worlds = tuple(World(level) for level in self.levels)
        self.book = BugBook(bugs)
        self.locale = locale
        self.build = build
        self.captions_on = captions  # captions of sounds count as shown texts (a text_typo may hit one)
        self.state = state.copy() if state is not None else SimState()
        self.sounds: tuple[str, ...] = ()  # sound effects to play for the last step
        self._table = text_table(self.levels)
        self._hooks: dict[int, LevelHooks] = {}
        self._events: list[Event] = []
        self._sounds: list[str] = []

    # ---- stepping ---------------------------------------------------------------------------

    def step(self, held: Iterable[str] = frozenset(), pressed: Iterable[str] = frozenset()) -> list[Event]:
        """Advance one tick with the keys held now and those newly pressed this tick."""
        held, pressed = frozenset(held), frozenset(pressed)
        unknown = (held | pressed) - frozenset(KEYS)
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} (known: {', '.join(KEYS)})")
        self._events, self._sounds = [], []
        handler = {"title": self._title, "playing": self._playing, "paused": self._paused, "menu": self._menu,
                   "level_done": self._level_done, "game_over": self._end_screen, "finished": self._end_screen,
                   "crashed": self._crashed}[self.state.mode]
        handler(held, pressed)
        self.sounds = tuple(self._sounds)
        self._check_texts()
        self.state.tick += 1
        return self._events

    def _title(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        if pressed & {"enter", "space"}:
            self._new_game()

    def _new_game(self) -> None:
        s, fresh = self.state, SimState()
        for f in fields(SimState):
            if f.name not in ("tick", "triggered"):  # a bug is reported once per session, not per game
                setattr(s, f.name, getattr(fresh, f.name))
        self._emit("game_started", build=self.build, levels=[level.id for level in self.levels])
        self._start_level(0)

    def _start_level(self, index: int) -> None:
        s, world = self.state, self.worlds[index]
        s.level, s.mode = index, "playing"
        s.checkpoint, s.level_ticks, s.respawns, s.reappeared, s.recent_keys = None, 0, {}, [], []
        s.collected[world.id], s.opened_doors[world.id] = [], []
        if world.id in s.switched:
            s.switched.remove(world.id)
        self._place_player(*world.start)
        self._emit("level_started", level=world.id, index=index)

    def _place_player(self, col: int, row: int) -> None:
        """Put the player in tile (col, row), standing if there is ground right below (a jump works at once)."""
        x, y = spawn_position(col, row)
        self.state.player = PlayerState(x=x, y=y, on_ground=self._solid_now()(col, row + 1))

    def _playing(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        s = self.state
        for key in KEYS:
            if key in pressed and self._remember(key):
                return
        if "escape" in pressed:
            s.mode, s.menu_index = "menu", 0
            self._emit("menu_opened", level=self.world.id)
            return
        if "p" in pressed:
            s.mode = "paused"
            self._emit("game_paused", level=self.world.id)
            return
        s.level_ticks += 1
        s.play_ticks += 1
        if s.player.hurt:
            s.player.hurt -= 1
            if not s.player.hurt:
                self._respawn()
        else:
            self._move(held, pressed)
        if s.mode == "playing":
            self._watch()
            if s.level_ticks % TICK_HZ == 0:
                self._emit("position", level=self.world.id, x=int(s.player.x), y=int(s.player.y))

    def _remember(self, key: str) -> bool:
        """Keep the last presses; if they end with a crash_dialog sequence, crash. True if crashed."""
        s = self.state
        longest = self.book.longest_sequence
        if not longest:
            return False
        s.recent_keys = (s.recent_keys + [key])[-longest:]
        for bug in self.hooks.crashes:
            if s.recent_keys[-len(bug.sequence):] == list(bug.sequence):
                self._trigger(bug)
                s.mode, s.crash_code, s.recent_keys = "crashed", bug.code, []
                self._emit("crash_dialog_shown", level=self.world.id, code=bug.code)
                return True
        return False

    def _move(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        s, p, world = self.state, self.state.player, self.world
        direction = ("right" in held) - ("left" in held)
        p.vx = direction * RUN_SPEED
        if direction:
            p.facing = direction
        if pressed & {"space", "up"}:
            p.jump_buffer = JUMP_BUFFER_TICKS
        elif p.jump_buffer:
            p.jump_buffer -= 1
        if p.on_ground:
            p.coyote = COYOTE_TICKS
        elif p.coyote:
            p.coyote -= 1
        if p.jump_buffer and (p.on_ground or p.coyote):
            p.vy, p.jump_buffer, p.coyote = JUMP_SPEED, 0, 0
            self._sound("jump")
        p.vy = min(p.vy + GRAVITY, MAX_FALL)
        moved = move(p.x, p.y, p.vx, p.vy, self._solid_now(), world.width * TILE)
        p.x, p.y, p.vx, p.vy, p.on_ground = moved.x, moved.y, moved.vx, moved.vy, moved.on_ground
        self._check_gap()
        if p.y >= world.height * TILE:
            self._die("fall")
            return
        if self._touch_tiles():
            return
        body = hurtbox(p.x, p.y)
        for bee in world.bees:
            bx, by = bee.position(s.level_ticks)
            if boxes_touch(*body, bx, by, BEE_SIZE, BEE_SIZE):
                self._die("bee")
                return
        if self.hooks.locks and world.id in s.switched:
            self._check_locked_doors()

    def _solid_now(self) -> Solid:
        world, gaps = self.world, self.hooks.gaps
        opened = {tuple(door) for door in self.state.opened_doors.get(world.id, [])}
        rows = world.rows

        def solid(col: int, row: int) -> bool:
            if not (0 <= row < world.height and 0 <= col < world.width):
                return False  # open sky above, the void below; the sides are clamped in move()
            char = rows[row][col]
            if char == "#" or char == "=":
                return col not in gaps
            return char == "D" and world.door_of(col, row) not in opened
        return solid

    def _check_gap(self) -> None:
        gaps = self.hooks.gaps
        if not gaps:
            return
        p = self.state.player
        for col in overlapped(p.x, PLAYER_W):
            bug = gaps.get(col)
            if bug and any(self.world.char(col, row) in "#=" for row in overlapped(p.y, PLAYER_H)):
                self._trigger(bug)

    def _touch_tiles(self) -> bool:
        """Spikes, items, checkpoints, the switch and the exit under the player. True if the step ends here."""
        s, p, world = self.state, self.state.player, self.world
        for row in overlapped(p.y, PLAYER_H):
            for col in overlapped(p.x, PLAYER_W):
                char = world.char(col, row)
                if char == "^":
                    ox, oy, w, h = SPIKE_BOX
                    if boxes_touch(*hurtbox(p.x, p.y), col * TILE + ox, row * TILE + oy, w, h):
                        self._die("spikes")
                        return True
                elif char == "B" or char == "G":
                    item = world.item_at[(col, row)]
                    ox, oy, w, h = ITEM_BOX
                    if item.id not in s.collected[world.id] and boxes_touch(
                            p.x, p.y, PLAYER_W, PLAYER_H, col * TILE + ox, row * TILE + oy, w, h):
                        self._collect(item)
                elif char == "C" and s.checkpoint != [col, row]:
                    s.checkpoint = [col, row]
                    self._emit("checkpoint_reached", level=world.id, x=int(p.x), y=int(p.y))
                elif char == "S" and world.id not in s.switched:
                    self._press_switch()
                elif char == "E":
                    s.mode, s.done_ticks = "level_done", LEVEL_DONE_TICKS
                    self._sound("level_done")
                    self._emit("level_completed", level=world.id, score=s.score, ticks=s.level_ticks)
                    return True
        return False

    def _collect(self, item: Item) -> None:
        s, p, world = self.state, self.state.player, self.world
        bug = self.hooks.wrong_scores.get(item.kind)
        points = bug.points if bug else ITEM_POINTS[item.kind]
        s.score += points
        s.collected[world.id].append(item.id)
        if item.id in s.reappeared:
            s.reappeared.remove(item.id)
        respawn = self.hooks.respawning.get(item.id)
        if respawn:
            s.respawns[item.id] = s.level_ticks + respawn.delay
        self._sound("collect")
        self._emit("item_collected", level=world.id, item=item.id, kind=item.kind, x=int(p.x), y=int(p.y),
                   points=points, score=s.score)
        if bug:
            self._trigger(bug)

    def _press_switch(self) -> None:
        s, p, world = self.state, self.state.player, self.world
        s.switched.append(world.id)
        opened = [list(door) for door in world.doors if door not in self.hooks.locks]
        s.opened_doors[world.id] = opened
        if opened:
            self._sound("door")
        self._emit("switch_pressed", level=world.id, doors=opened, x=int(p.x), y=int(p.y))

    def _check_locked_doors(self) -> None:
        """A soft lock shows when the player, having used the switch, walks into the door that stayed shut."""
        p, world = self.state.player, self.world
        for row in overlapped(p.y - 1, PLAYER_H + 2):
            for col in overlapped(p.x - 1, PLAYER_W + 2):
                if world.char(col, row) == "D":
                    bug = self.hooks.locks.get(world.door_of(col, row))
                    if bug:
                        self._trigger(bug)

    def _die(self, cause: str) -> None:
        s, p = self.state, self.state.player
        s.lives -= 1
        p.vx = p.vy = 0.0
        self._sound("hurt")
        self._emit("player_died", level=self.world.id, cause=cause, x=int(p.x), y=int(p.y), lives=s.lives)
        if s.lives <= 0:
            s.mode = "game_over"
            self._emit("game_over", level=self.world.id, score=s.score)
        else:
            p.hurt = HURT_TICKS

    def _respawn(self) -> None:
        s = self.state
        col, row = s.checkpoint if s.checkpoint else self.world.start
        self._place_player(col, row)

    def _watch(self) -> None:
        """Bugs that show by being seen: returning items, slow areas, placeholder textures."""
        s, hooks = self.state, self.hooks
        player = s.player.x + PLAYER_W / 2
        # What the screen shows: a window 2 x VIEW_REACH wide on the player, held inside the level at its ends.
        level_w = self.world.width * TILE
        centre = max(VIEW_REACH, min(level_w - VIEW_REACH, player)) if level_w > 2 * VIEW_REACH else level_w / 2
        for item_id, due in list(s.respawns.items()):
            if s.level_ticks >= due:
                del s.respawns[item_id]
                s.collected[self.world.id].remove(item_id)
                s.reappeared.append(item_id)
        for item_id in s.reappeared:
            bug = hooks.respawning[item_id]
            item = self.world.items[item_id]
            if bug.id not in s.triggered and abs(item.col * TILE + TILE / 2 - centre) <= VIEW_REACH:
                self._trigger(bug)
        column = int(player // TILE)
        for bug in hooks.slow:
            if bug.x_from <= column <= bug.x_to:
                self._trigger(bug)
        for what, bug in hooks.placeholders.items():
            if bug.id not in s.triggered and self._in_view(what, centre):
                self._trigger(bug)

    def _in_view(self, what: str, centre: float) -> bool:
        world, s = self.world, self.state

        def near(col: int) -> bool:
            return abs(col * TILE + TILE / 2 - centre) <= VIEW_REACH
        if what == "bee":
            return any(abs(bee.position(s.level_ticks)[0] + BEE_SIZE / 2 - centre) <= VIEW_REACH for bee in world.bees)
        if what in ITEM_POINTS:
            taken = s.collected[world.id]
            return any(item.kind == what and item.id not in taken and near(item.col) for item in world.items.values())
        if what == "D":  # an opened door is no longer drawn
            opened = {tuple(door) for door in s.opened_doors.get(world.id, [])}
            return any(top not in opened and near(top[0]) for top in world.doors)
        return world.tile_near(what, centre, VIEW_REACH)

    def _paused(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        if "p" in pressed:
            self.state.mode = "playing"
            self._emit("game_resumed", level=self.world.id)
        elif "escape" in pressed:
            self.state.mode, self.state.menu_index = "menu", 0
            self._emit("menu_opened", level=self.world.id)

    def _menu(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        s = self.state
        if "escape" in pressed:
            choice = "resume"
        elif pressed & {"enter", "space"}:
            choice = MENU_OPTIONS[s.menu_index]
        else:
            if "up" in pressed:
                s.menu_index = (s.menu_index - 1) % len(MENU_OPTIONS)
            if "down" in pressed:
                s.menu_index = (s.menu_index + 1) % len(MENU_OPTIONS)
            return
        if choice == "resume":
            s.mode = "playing"
            self._emit("game_resumed", level=self.world.id)
        else:
            s.mode = "title"
            self._emit("game_quit", level=self.world.id, score=s.score)

    def _level_done(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        s = self.state
        s.done_ticks -= 1
        if s.done_ticks > 0:
            return
        if s.level + 1 < len(self.levels):
            self._start_level(s.level + 1)
        else:
            s.mode = "finished"
            self._emit("game_finished", score=s.score, ticks=s.play_ticks)

    def _end_screen(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        if pressed & {"enter", "space"}:
            self._emit("returned_to_title", **{"from": self.state.mode})
            self.state.mode = "title"

    def _crashed(self, held: frozenset[str], pressed: frozenset[str]) -> None:
        if "enter" in pressed:
            self._emit("returned_to_title", **{"from": "crashed"})
            self.state.mode, self.state.crash_code = "title", ""

    # ---- bugs, sounds, telemetry ------------------------------------------------------------

    @property
    def hooks(self) -> LevelHooks:
        index = self.state.level
        if index not in self._hooks:
            self._hooks[index] = self.book.for_level(self.worlds[index])
        return self._hooks[index]

    def _sound(self, name: str) -> None:
        muted = self.book.muted(name)
        if muted:
            self._trigger(muted)
        else:
            self._sounds.append(name)

    def _check_texts(self) -> None:
        typos = [bug for bug in self.book.typos if bug.id not in self.state.triggered and self.locale in bug.text]
        if typos:
            shown = set(shown_keys(self.state.mode, self._level_id(), self.sounds, self.captions_on))
            for bug in typos:
                if bug.text_key in shown:
                    self._trigger(bug)

    def _level_id(self) -> str | None:
        return self.world.id if self.state.mode not in ("title",) else None

    def _trigger(self, bug: SeededBug) -> None:
        s = self.state
        if bug.id in s.triggered:
            return
        s.triggered.append(bug.id)
        level = self._level_id()
        x, y = (int(s.player.x), int(s.player.y)) if level else (None, None)
        self._emit("bug_triggered", bug=bug.id, kind=bug.kind, level=level, x=x, y=y, tick=s.tick)

    def _emit(self, event: str, /, **payload: Any) -> None:
        self._events.append((event, payload))

    # ---- what the renderer reads ------------------------------------------------------------

    @property
    def world(self) -> World:
        return self.worlds[self.state.level]

    def texts(self, locale: str | None = None) -> dict[str, str]:
        """Every text the game can show, by key, in `locale` (default: the sim's), seeded typos applied."""
        locale = locale or self.locale
        result = {}
        for key, by_locale in self._table.items():
            typo = self.book.typo(key, locale)
            result[key] = typo.text[locale] if typo else by_locale.get(locale) or by_locale[DEFAULT_LOCALE]
        return result

    def shown_texts(self) -> tuple[str, ...]:
        """Keys of the texts on screen now (the renderer may draw exactly these)."""
        return shown_keys(self.state.mode, self._level_id(), self.sounds, self.captions_on)

    def captions(self, locale: str | None = None) -> list[str]:
        """Captions of the last step's sounds (a missing sound has no caption either)."""
        texts = self.texts(locale)
        return [texts[f"caption.{sound}"] for sound in self.sounds]

    def placeholders(self) -> frozenset[str]:
        """What the current level draws as a missing-texture placeholder: tile characters, item kinds, bee."""
        return frozenset(self.hooks.placeholders)

    @property
    def slow(self) -> bool:
        """Whether the player is in a frame_drop stretch: the renderer then draws fewer frames."""
        if self.state.mode not in IN_LEVEL:
            return False
        column = int((self.state.player.x + PLAYER_W / 2) // TILE)
        return any(bug.x_from <= column <= bug.x_to for bug in self.hooks.slow)

    def visible_items(self) -> list[Item]:
        taken = self.state.collected.get(self.world.id, [])
        return [item for item in self.world.items.values() if item.id not in taken]

    def bee_positions(self) -> list[tuple[float, float]]:
        """Top-left px of each bee's 20x20 box."""
        return [bee.position(self.state.level_ticks) for bee in self.world.bees]

    def door_open(self, col: int, row: int) -> bool:
        door = self.world.door_of(col, row)
        return door is not None and list(door) in self.state.opened_doors.get(self.world.id, [])


Input = tuple[int, Iterable[str], Iterable[str]]


def replay(levels: Sequence[Level], bugs: Sequence[SeededBug], inputs: Sequence[Input], *,
           ticks: int | None = None, locale: str = DEFAULT_LOCALE, build: str = "clean",
           state: SimState | None = None) -> tuple[SimState, list[Event]]:
    """Run the game from `state` (default: the title screen) over recorded inputs.

    `inputs` are (tick, held, pressed): from that tick on the keys `held` are down, until the next
    entry; `pressed` are pressed at that tick only. Ticks without an entry keep the last held keys and
    press nothing. Runs until SimState.tick reaches `ticks` (default: one past the last entry)."""
    sim = Sim(levels, bugs, locale, build, state=state)
    plan = sorted(((tick, frozenset(held), frozenset(pressed)) for tick, held, pressed in inputs), key=lambda e: e[0])
    end = ticks if ticks is not None else (plan[-1][0] + 1 if plan else sim.state.tick)
    events: list[Event] = []
    held: frozenset[str] = frozenset()
    at = 0
    while at < len(plan) and plan[at][0] < sim.state.tick:
        held = plan[at][1]  # entries before a resumed state only set what is held
        at += 1
    while sim.state.tick < end:
        pressed: frozenset[str] = frozenset()
        while at < len(plan) and plan[at][0] == sim.state.tick:
            held, pressed = plan[at][1], pressed | plan[at][2]
            at += 1
        events.extend(sim.step(held, pressed))
    return sim.state, events
