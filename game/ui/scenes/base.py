"""What every screen has: a build from state, and optional event handling. Drawing never mutates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import pygame

from game.ui.layout import LOGICAL_SIZE
from game.ui.scroll import ScrollArea
from game.ui.theme import scroll_bar_colours

if TYPE_CHECKING:
    from game.ui.app import GameApp
    from game.ui.widgets import Widgets


class Scene(ABC):
    #: element focused when the scene is shown
    initial_focus: str | None = None

    def __init__(self, app: "GameApp"):
        self.app = app
        self.area = ScrollArea()

    def t(self, key: str, **values: object) -> str:
        return self.app.t(key, **values)

    @abstractmethod
    def build(self, w: "Widgets") -> None:
        """Make the screen's widgets from state."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Scene-specific input (scroll wheel, shortcuts). True when used."""
        return False

    def update(self, now_ms: int) -> None:
        """Called every frame with the runtime clock's time."""

    @property
    def animating(self) -> bool:
        return False

    def wants_key(self, event: pygame.event.Event) -> bool:
        return False

    def read_aloud_text(self) -> str:
        """What "Read aloud" (and Shift+F9) reads: the screen's texts in reading order (the dialog's when one
        is open). A screen with one main text (an open message) says only that."""
        from game.ui.read_aloud import page_text

        return page_text(self.app.tree.active())

    def before_rebuild(self) -> None:
        """Hand anything typed to the runtime before the widgets are made anew."""

    def draw_background(self, surface: pygame.Surface) -> None:
        pass

    def draw_overlay(self, surface: pygame.Surface) -> None:
        pass


class PageScene(Scene):
    """A screen of text and buttons that scrolls as a whole when it is taller than the window."""

    def build(self, w: "Widgets") -> None:
        self.area.begin(pygame.Rect(0, 0, *LOGICAL_SIZE))
        w.area = self.area
        try:
            self.build_page(w)
        finally:
            w.area = None
            self.area.end()

    @abstractmethod
    def build_page(self, w: "Widgets") -> None:
        """Make the page's widgets, placed in its scrolling area."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEWHEEL:
            return self.area.scroll(-event.y * 3 * self.app.metrics.line())
        return False

    def draw_overlay(self, surface: pygame.Surface) -> None:
        self.area.draw_bar(surface, scroll_bar_colours(self.app.theme), max(8, self.app.metrics.px(8)))
