"""The game under test on screen: the level, the character, items and bees, the HUD and the game's screens.

Drawing only reads the simulation's state. Keys go to the runtime as actions while the game has the
keyboard focus (click it, or Tab to it); the game runs on the runtime's clock, 60 steps a second.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable

import pygame

from game.qa.levels import TILE
from game.qa.sim import PLAYER_W, Sim
from game.runtime import actions as a
from game.runtime.qa_game import QaGame
from game.ui.app_view import AppView
from game.ui.elements import Element
from game.ui.layout import flow
from game.ui.rows import TextCache
from game.ui.theme import colour

STEP_MS = 1000 / 60
CAPTION_MS = 1500
GAME_KEYS = {pygame.K_LEFT: "left", pygame.K_RIGHT: "right", pygame.K_UP: "up", pygame.K_DOWN: "down",
             pygame.K_SPACE: "space", pygame.K_p: "p", pygame.K_ESCAPE: "escape", pygame.K_RETURN: "enter",
             pygame.K_KP_ENTER: "enter"}
CAPTURE_KEY = pygame.K_F2
# The level's tiles, by the colour each takes in the theme's #qa_game block.
TILES = {"#": "ground", "=": "platform", "^": "spikes", "D": "door", "S": "flag_start", "C": "flag_checkpoint",
         "E": "flag_end"}
SOUND_NOTES = {"jump": 660, "collect": 990, "hurt": 180, "door": 330, "level_done": 520}


class QaGameView(AppView):
    name = "qa_game"

    def __init__(self, app):
        super().__init__(app)
        self.game_rect = pygame.Rect(0, 0, 0, 0)
        self.scale = 1.0
        self.accumulated = 0.0
        self.last_ms: int | None = None
        self._static: tuple | None = None  # (key, surface): the level's tiles, scaled
        self._text = TextCache(400)
        self._sounds: dict[str, pygame.mixer.Sound] | None = None
        self.frame_number = 0
        self.captions: list[tuple[str, int]] = []  # (text, until ms on the runtime clock)

    @property
    def game(self) -> QaGame:
        return self.app.session.engine.current.desktop.qa_game

    @property
    def sim(self) -> Sim:
        return self.game.sim

    def initial_focus(self) -> str | None:
        return "qa.game"

    @property
    def animating(self) -> bool:
        return self.sim.state.mode in ("playing", "level_done", "title", "crashed")

    # --- building ------------------------------------------------------------------------
    def build(self, w, area: pygame.Rect) -> None:
        m = w.m
        x, y = area.x + m.pad, area.y + m.pad
        capture = self.t("qa.capture")
        buttons = [("qa.capture", capture, self.capture)]
        rects = flow([m.button_w(t) for _, t, _ in buttons], x, y, area.w - 2 * m.pad, m.button_h, m.gap)
        for (element_id, text, callback), rect in zip(buttons, rects):
            w.button(element_id, text, rect, callback, style="#secondary",
                     speakable=self.t("qa.capture.speakable"))
        hint_x = rects[-1].right + m.gap
        w.label("qa.hint", self.t("qa.hint"), hint_x, y + (m.button_h - m.line()) // 2 if m.line() < m.button_h else y,
                area.right - m.pad - hint_x, style="#muted")
        hint_h = len(m.wrap(self.t("qa.hint"), area.right - m.pad - hint_x)) * m.line()
        top = max(rects[-1].bottom, y + hint_h) + m.gap
        bottom = area.bottom - m.pad
        if self.game.app.captions:
            bottom -= m.line() + m.pad
        self.game_rect = pygame.Rect(area.x + m.pad, top, area.w - 2 * m.pad, bottom - top)
        self.scale = self.game_rect.h / (self.sim.world.height * TILE)
        w.add(Element(id="qa.game", kind="game", text=self.t("qa.game"), rect=self.game_rect.copy(),
                      speakable=self.t("qa.game.speakable"), focusable=True))

    # --- the clock -----------------------------------------------------------------------
    def update(self, now_ms: int) -> None:
        """Run the game for the time that passed on the runtime's clock."""
        if self.last_ms is None:
            self.last_ms = now_ms
            return
        self.accumulated += min(now_ms - self.last_ms, 1000)  # a long stall does not make the game race
        self.last_ms = now_ms
        ticks = int(self.accumulated // STEP_MS)
        if ticks <= 0:
            return
        self.accumulated -= ticks * STEP_MS
        outcome = self.app.session.engine.advance_game(ticks)
        sounds = self.game.take_sounds()
        self._play(sounds)
        if self.game.app.captions:  # a caption stays long enough to be read
            texts = self.sim.texts()
            for name in sounds:
                self.captions.append((texts[f"caption.{name}"], now_ms + CAPTION_MS))
        self.captions = [(text, until) for text, until in self.captions if until > now_ms]
        if outcome.scenario_completed:
            self.player.scenario_over()

    def on_hide(self) -> None:
        """Another app or a dialog comes to the front: the game waits, its keys let go (a release then
        would not reach it), and its clock stops."""
        self.last_ms = None
        self.accumulated = 0.0
        for key in sorted(self.game.held):
            self.act(a.GameKey(key, False), refresh=False)

    # --- input ----------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        if self.app.focus.focused_id != "qa.game" or self.app.tree.dialog_open:
            return False
        if event.type == pygame.KEYDOWN and event.key == CAPTURE_KEY:
            self.capture()
            return True
        if event.type in (pygame.KEYDOWN, pygame.KEYUP) and event.key in GAME_KEYS:
            name = GAME_KEYS[event.key]
            if event.type == pygame.KEYUP and name not in self.game.held:
                return True  # the release of a key pressed elsewhere (Enter on the brief): not the game's
            self.act(a.GameKey(name, event.type == pygame.KEYDOWN), refresh=False)
            return True
        return False

    def wants_key(self, event: pygame.event.Event) -> bool:
        """Keys the game takes before the focus manager does (Enter and Space play, not press buttons)."""
        return (self.app.focus.focused_id == "qa.game" and not self.app.tree.dialog_open
                and event.type in (pygame.KEYDOWN, pygame.KEYUP) and (event.key in GAME_KEYS or event.key == CAPTURE_KEY))

    def capture(self) -> None:
        outcome = self.act(a.TakeCapture(), refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            self.app.show_notice(self.t("qa.captured.title"), self.t("qa.captured.text",
                                                                      n=outcome.events[0].payload["capture"].lstrip("c")),
                                 then=lambda: self.app.focus.restore("qa.game"))

    # --- sound -----------------------------------------------------------------------------
    def _play(self, sounds) -> None:
        if not sounds:
            return
        if self._sounds is None:
            self._sounds = {}
            try:
                if not pygame.mixer.get_init():
                    pygame.mixer.init(frequency=22050, size=-16, channels=1)
                for name, note in SOUND_NOTES.items():
                    self._sounds[name] = _beep(note)
            except pygame.error:
                pass  # no sound device: the game plays silent, captions still work
        for name in sounds:
            if name in self._sounds:
                self._sounds[name].play()

    # --- drawing -----------------------------------------------------------------------------
    def draw_background(self, surface: pygame.Surface) -> None:
        self.frame_number += 1
        rect = self.game_rect
        if rect.w <= 0:
            return
        if not self.sim.slow:
            self._last_frame = None
        elif self.frame_number % 4 and self._last_frame is not None:
            surface.blit(self._last_frame, rect)  # a frame-rate drop: the picture stops, jerks, moves on
            return
        clip = surface.get_clip()
        surface.set_clip(rect)
        state = self.sim.state
        if state.mode in ("title", "game_over", "finished"):
            pygame.draw.rect(surface, self._colour("dark_bg"), rect)
        else:
            self._draw_level(surface, rect)
        self._draw_hud(surface, rect)
        self._draw_screen(surface, rect)
        surface.set_clip(clip)
        if self.sim.slow:  # kept only where frames are dropped, not copied every frame
            self._last_frame = surface.subsurface(rect).copy()

    _last_frame: pygame.Surface | None = None

    def _colour(self, key: str) -> str:
        """The game's look is the theme's too: its #qa_game block."""
        return colour(self.app.theme, key, "#qa_game")

    def _camera(self, rect: pygame.Rect) -> float:
        world_w = self.sim.world.width * TILE * self.scale
        centre = (self.sim.state.player.x + PLAYER_W / 2) * self.scale
        return max(0.0, min(world_w - rect.w, centre - rect.w / 2))

    def _static_layer(self) -> pygame.Surface:
        """The level's tiles drawn once (again when a door opens), at the screen's scale."""
        world, state = self.sim.world, self.sim.state
        placeholders = self.sim.placeholders()
        key = (world.id, self.scale, tuple(map(tuple, state.opened_doors.get(world.id, []))), placeholders,
               self.app.theme)
        if self._static is not None and self._static[0] == key:
            return self._static[1]
        side = max(1, round(TILE * self.scale))
        layer = pygame.Surface((world.width * side, world.height * side))
        layer.fill(self._colour("sky"))
        for row in range(world.height):
            for col in range(world.width):
                char = world.char(col, row)
                if char not in TILES:
                    continue
                if char == "D" and self.sim.door_open(col, row):
                    continue
                cell = pygame.Rect(col * side, row * side, side, side)
                if char in placeholders:
                    _placeholder(layer, cell, self._colour)
                else:
                    _tile(layer, char, cell, world.char(col, row - 1) if row else ".", self._colour)
        self._static = (key, layer)
        return layer

    def _draw_level(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        camera = self._camera(rect)
        layer = self._static_layer()
        surface.blit(layer, rect.topleft, pygame.Rect(int(camera), 0, rect.w, rect.h))
        s = self.scale
        placeholders = self.sim.placeholders()
        for item in self.sim.visible_items():
            centre = (rect.x + (item.col + 0.5) * TILE * s - camera, rect.y + (item.row + 0.5) * TILE * s)
            if item.kind in placeholders:
                _placeholder(surface, pygame.Rect(centre[0] - 8 * s, centre[1] - 8 * s, 16 * s, 16 * s), self._colour)
            else:
                fill = self._colour("blueberry" if item.kind == "blueberry" else "coin")
                pygame.draw.circle(surface, fill, centre, (7 if item.kind == "blueberry" else 9) * s)
                pygame.draw.circle(surface, self._colour("shine"), (centre[0] - 2 * s, centre[1] - 2 * s), 2 * s)
        for bx, by in self.sim.bee_positions():
            box = pygame.Rect(rect.x + bx * s - camera, rect.y + by * s, 20 * s, 20 * s)
            if "bee" in placeholders:
                _placeholder(surface, box, self._colour)
            else:
                pygame.draw.ellipse(surface, self._colour("bee"), box)
                pygame.draw.line(surface, self._colour("bee_stripe"), (box.centerx - 2 * s, box.top + 2), (box.centerx - 2 * s,
                                                                                           box.bottom - 2), max(2, int(3 * s)))
                pygame.draw.ellipse(surface, self._colour("bee_wing"), box.move(0, -8 * s).inflate(-8 * s, -10 * s))
        p = self.sim.state.player
        body = pygame.Rect(rect.x + p.x * s - camera, rect.y + p.y * s, 24 * s, 30 * s)
        if not p.hurt or (p.hurt // 6) % 2:
            pygame.draw.rect(surface, self._colour("player"), body, border_radius=int(6 * s))
            eye = (body.centerx + 5 * s * p.facing, body.top + 9 * s)
            pygame.draw.circle(surface, self._colour("eye"), eye, 4 * s)
            pygame.draw.circle(surface, self._colour("pupil"), eye, 2 * s)

    def _words(self, text: str, ink: str, bold: bool = False) -> pygame.Surface:
        return self._text.get(text, self.app.metrics.body_px, ink, bold)

    def _draw_hud(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        state, texts = self.sim.state, self.sim.texts()
        if state.mode in ("title", "game_over", "finished", "crashed"):
            return
        seconds = state.level_ticks // 60
        level = texts.get(f"level.{self.sim.world.id}", "")
        hud = (f"{level}    {texts['hud.score']} : {state.score}    {texts['hud.lives']} : {state.lives}    "
               f"{texts['hud.time']} : {seconds // 60}:{seconds % 60:02d}")
        if not self.app.locale.startswith("fr"):
            hud = hud.replace(" : ", ": ")
        image = self._words(hud, self._colour("hud_text"), bold=True)
        band = pygame.Rect(rect.x, rect.y, rect.w, image.get_height() + 8)
        pygame.draw.rect(surface, self._colour("hud_bg"), band)
        surface.blit(image, (rect.x + 12, rect.y + 4))

    def _draw_screen(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The game's own screens over the level: title, pause, menu, level done, game over, crash."""
        state, texts = self.sim.state, self.sim.texts()
        lines: list[tuple[str, bool]] = []
        if state.mode == "title":
            lines = [(texts["title.name"], True), (texts["title.start"], False), (texts["title.controls"], False),
                     (texts["title.build"].format(build=self.sim.build), False)]
        elif state.mode == "paused":
            lines = [(texts["pause.title"], True), (texts["pause.hint"], False)]
        elif state.mode == "menu":
            marks = ["› " if state.menu_index == i else "  " for i in range(2)]
            lines = [(texts["menu.title"], True), (marks[0] + texts["menu.resume"], False),
                     (marks[1] + texts["menu.quit"], False)]
        elif state.mode == "level_done":
            lines = [(texts["level_done.title"], True)]
        elif state.mode in ("game_over", "finished"):
            lines = [(texts[f"{state.mode}.title"], True), (texts["end.hint"], False)]
        elif state.mode == "crashed":
            self._draw_crash(surface, rect, texts)
            return
        if lines:
            images = [self._words(text, self._colour("box_text"), bold=bold) for text, bold in lines]
            height = sum(i.get_height() + 8 for i in images) + 24
            box = pygame.Rect(0, 0, min(rect.w - 40, max(i.get_width() for i in images) + 60), height)
            box.center = rect.center
            pygame.draw.rect(surface, self._colour("box_bg"), box, border_radius=12)
            y = box.y + 12
            for image in images:
                surface.blit(image, (box.centerx - image.get_width() // 2, y))
                y += image.get_height() + 8

    def _draw_crash(self, surface: pygame.Surface, rect: pygame.Rect, texts: dict[str, str]) -> None:
        """A fake operating-system error window: the seeded crash."""
        pygame.draw.rect(surface, self._colour("dark_bg"), rect)
        title = self._words(texts["crash.title"], self._colour("crash_title_text"), bold=True)
        body = self._words(texts["crash.text"].format(code=self.sim.state.crash_code), self._colour("crash_text"))
        hint = self._words(texts["crash.hint"], self._colour("crash_text"))
        width = min(rect.w - 40, max(title.get_width(), body.get_width(), hint.get_width()) + 48)
        box = pygame.Rect(0, 0, width, title.get_height() + body.get_height() + hint.get_height() + 60)
        box.center = rect.center
        pygame.draw.rect(surface, self._colour("crash_bg"), box)
        pygame.draw.rect(surface, self._colour("crash_border"), box, 2)
        pygame.draw.rect(surface, self._colour("crash_title_bg"), (box.x, box.y, box.w, title.get_height() + 12))
        surface.blit(title, (box.x + 12, box.y + 6))
        surface.blit(body, (box.x + 24, box.y + title.get_height() + 24))
        surface.blit(hint, (box.x + 24, box.y + title.get_height() + body.get_height() + 36))

    def draw_overlay(self, surface: pygame.Surface) -> None:
        if self.game.app.captions:
            m = self.app.metrics
            captions = "  ".join(text for text, _ in self.captions) or " "
            ink = colour(self.app.theme, "normal_text", "label")  # under the game, on the screen's background
            surface.blit(self._words(captions, ink, bold=True),
                         (self.game_rect.x, self.game_rect.bottom + m.pad // 2))


def _tile(surface: pygame.Surface, char: str, cell: pygame.Rect, above: str, look: Callable[[str], str]) -> None:
    if char == "^":
        points = [(cell.left, cell.bottom), (cell.centerx, cell.top + cell.h // 4), (cell.right, cell.bottom)]
        pygame.draw.polygon(surface, look(TILES[char]), points)
        return
    if char in "SCE":
        pole = pygame.Rect(cell.x + cell.w // 2 - 2, cell.y, 4, cell.h)
        pygame.draw.rect(surface, look("pole"), pole)
        flag = pygame.Rect(pole.right, cell.y + 2, cell.w // 2 - 2, cell.h // 3)
        pygame.draw.rect(surface, look(TILES[char]), flag)
        return
    pygame.draw.rect(surface, look(TILES[char]), cell)
    if char in "#=" and above not in "#=":
        pygame.draw.rect(surface, look("grass"), (cell.x, cell.y, cell.w, max(2, cell.h // 5)))
    if char == "D":
        pygame.draw.rect(surface, look("door_border"), cell, 2)
        pygame.draw.circle(surface, look("door_knob"), (cell.right - cell.w // 4, cell.centery), max(2, cell.w // 10))


def _placeholder(surface: pygame.Surface, cell: pygame.Rect, look: Callable[[str], str]) -> None:
    """The magenta and black checker games show when a texture is missing."""
    half_w, half_h = max(1, cell.w // 2), max(1, cell.h // 2)
    squares = (look("placeholder_a"), look("placeholder_b"))
    for i in range(2):
        for j in range(2):
            pygame.draw.rect(surface, squares[(i + j) % 2], (cell.x + i * half_w, cell.y + j * half_h, half_w, half_h))


def _beep(frequency: int, ms: int = 90) -> pygame.mixer.Sound:
    """A short square-wave note, made here so that no sound file is needed."""
    rate = 22050
    samples = array("h", (3000 if math.sin(2 * math.pi * frequency * i / rate) >= 0 else -3000
                          for i in range(rate * ms // 1000)))
    return pygame.mixer.Sound(buffer=samples.tobytes())
