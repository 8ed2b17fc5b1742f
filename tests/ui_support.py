"""Drive the real UI headless with real input events, and check its element tree."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.paths import SCENARIOS
from game.runtime.clock import ManualClock
from game.scenario.loader import LoadedScenario, load_scenario
from game.settings import Settings
from game.store import EventStore
from game.ui import input_events as ev
from game.ui.app import GameApp
from game.ui.elements import Element
from game.ui.headless import Driver
from game.ui.layout import LOGICAL_SIZE, MIN_TARGET

CONFIRM = SCENARIOS / "mail" / "confirm-meeting.yaml"


class Ui:
    """A GameApp under the dummy driver, with a Driver that posts real events."""

    def __init__(self, tmp: Path, *, locale: str = "fr-CA", scale: int = 100,
                 library: dict[str, LoadedScenario] | None = None, keyboard_only: bool = False,
                 offer_tutorial: bool = False, theme: str = "default", speaker=None):
        self.store = EventStore(tmp / "ui.sqlite3")
        self.clock = ManualClock()
        # The practice offer (on in real settings) is tested in test_tutorial.py: other tests go straight on.
        settings = Settings(locale=locale, text_scale=scale, offer_tutorial=offer_tutorial, theme=theme)
        if library is None:
            loaded = load_scenario(CONFIRM)
            library = {loaded.id: loaded}
        self.app = GameApp(store=self.store, library=library, settings=settings, clock=self.clock, headless=True,
                           speaker=speaker)  # read-aloud: a fake or real speaker; silent by default
        self.driver = Driver(self.app, self.clock, keyboard_only=keyboard_only)

    @property
    def tree(self):
        return self.app.tree

    def click(self, element_id: str) -> None:
        self.driver.click(element_id)

    def key(self, chord: str) -> None:
        self.driver.post(ev.key_events(chord))

    def type(self, text: str) -> None:
        self.driver.post(ev.text_events(text))

    def text(self, element_id: str) -> str:
        element = self.tree.get(element_id)
        assert element is not None, f"{element_id} is not on screen; have {[e.id for e in self.tree.all()]}"
        return element.text

    def events(self) -> list[dict]:
        session = self.app.session.engine.session_id
        return [e.to_dict() for e in self.store.events(session)]

    def close(self) -> None:
        self.app.close()
        self.store.close()


def layout_problems(app: GameApp) -> list[str]:
    """Everything on screen fits: texts in their rectangles, targets >= 44 px, no overlaps, on screen."""
    m = app.metrics
    screen = pygame.Rect(0, 0, *LOGICAL_SIZE)
    problems: list[str] = []
    shown = [e for e in app.tree.active() if e.visible]
    for e in shown:
        where = f"{e.id} {tuple(e.rect)}"
        clip = e.scroll_clip or screen
        if e.kind != "label" and not clip.contains(e.rect):
            problems.append(f"{where}: outside its area {tuple(clip)}")
        if e.focusable and (e.rect.w < MIN_TARGET or e.rect.h < MIN_TARGET):
            problems.append(f"{where}: click target smaller than {MIN_TARGET}x{MIN_TARGET}")
        problems.extend(f"{where}: {p}" for p in _text_fits(e, m))
    # What shows of a long label in a scrolling area is the part inside the area.
    # Frames (table cells, image places) are drawn around text on purpose: not overlaps.
    boxes = [(e, e.rect.clip(e.scroll_clip) if e.scroll_clip else e.rect) for e in shown if e.kind != "frame"]
    for i, (a, a_rect) in enumerate(boxes):
        for b, b_rect in boxes[i + 1:]:
            if a_rect.colliderect(b_rect) and a.scope == b.scope:
                problems.append(f"{a.id} {tuple(a_rect)} overlaps {b.id} {tuple(b_rect)}")
    return problems


def _text_fits(e: Element, m) -> list[str]:
    problems = []
    if e.kind == "button":
        for line in e.lines:
            if m.text_w(line) > e.rect.w - 2 * 10:
                problems.append(f"text {line!r} ({m.text_w(line)} px) wider than the button")
        if m.line() > e.rect.h:
            problems.append("text taller than the button")
    elif e.kind == "row":
        height = 0
        for line in e.lines:
            bold = e.bold and line == e.lines[0]
            if m.text_w(line, bold=bold) > e.rect.w - 2 * m.hpad + 2:
                problems.append(f"row line {line!r} wider than the row")
            height += m.line(bold=bold)
        if height > e.rect.h:
            problems.append("row lines taller than the row")
    elif e.kind in ("label", "link"):
        for line in e.lines:
            if m.text_w(line, bold=e.bold, title=e.title) > e.rect.w:
                problems.append(f"label line {line!r} wider than its box")
        if len(e.lines) * m.line(bold=e.bold, title=e.title) > e.rect.h:
            problems.append("label lines taller than its box")
    elif e.kind in ("text_field", "text_area"):
        if m.line() + 8 > e.rect.h:
            problems.append("entry lower than a line of text")
    return problems
