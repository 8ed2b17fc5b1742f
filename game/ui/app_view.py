"""What every app on the simulated desktop offers the player scene (mail, browser, file manager)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from game.runtime.session import Outcome
    from game.runtime import actions as a


class AppView(ABC):
    name = ""

    def __init__(self, app):
        self.app = app

    @property
    def player(self):
        return self.app.scene

    def t(self, key: str, **values) -> str:
        return self.app.t(key, **values)

    def act(self, action: "a.Action", refresh: bool = True) -> "Outcome":
        """Send an action through the player, which follows it to other apps or to the end screen."""
        return self.player.act(action, refresh=refresh)

    @abstractmethod
    def build(self, w, area: pygame.Rect) -> None:
        """Make the app's widgets in `area` from the runtime's state."""

    def initial_focus(self) -> str | None:
        return None

    def taskbar_label(self) -> str:
        return self.t(f"app.{self.name}")

    def on_taskbar(self) -> None:
        """The app's taskbar button was pressed while the app is shown."""

    def commit_fields(self) -> bool:
        """Hand typed text to the runtime; True when that ended the scenario."""
        return False

    def handle_event(self, event: pygame.event.Event) -> bool:
        return False

    def update(self, now_ms: int) -> None:
        """Called every frame with the runtime clock's time (most apps wait for input)."""

    def on_hide(self) -> None:
        """Another app comes to the front."""

    @property
    def animating(self) -> bool:
        """True while the app moves by itself and needs frames without input."""
        return False

    def wants_key(self, event: pygame.event.Event) -> bool:
        """Keys the app takes before the focus manager (a game's Enter, Space, arrows)."""
        return False

    def draw_background(self, surface: pygame.Surface) -> None:
        pass

    def draw_overlay(self, surface: pygame.Surface) -> None:
        pass
