"""A scrolling area: content laid out taller than the screen is shown through a clip rectangle.

At 200% text a screen rarely fits in 1280x720; rather than cut text, the area scrolls with the
wheel, and moving keyboard focus to an element out of view scrolls it into view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pygame


@dataclass
class ScrollArea:
    offset: int = 0
    clip: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    content_bottom: int = 0  # lowest virtual y used by the last build
    rebuild: Callable[[str | None], None] | None = None  # set by the screen: rebuild, focusing an id

    @property
    def max_offset(self) -> int:
        return max(0, self.content_bottom - self.clip.bottom)

    def begin(self, clip: pygame.Rect) -> None:
        self.clip = clip.copy()
        self.content_bottom = clip.top

    def place(self, virtual: pygame.Rect) -> tuple[pygame.Rect, bool]:
        """Where a virtual rect lands on screen, and whether it is wholly visible."""
        self.content_bottom = max(self.content_bottom, virtual.bottom)
        actual = virtual.move(0, -self.offset)
        return actual, self.clip.contains(actual)

    def end(self) -> None:
        if self.offset > self.max_offset:  # content shrank (bigger window, less text)
            self.offset = self.max_offset

    def reveal(self, actual: pygame.Rect, element_id: str) -> None:
        virtual = actual.move(0, self.offset)
        if virtual.top - self.offset < self.clip.top:
            self.offset = virtual.top - self.clip.top
        elif virtual.bottom - self.offset > self.clip.bottom:
            self.offset = min(virtual.bottom - self.clip.bottom, virtual.top - self.clip.top)
        self.offset = max(0, min(self.offset, self.max_offset))
        if self.rebuild is not None:
            self.rebuild(element_id)

    def scroll(self, pixels: int) -> bool:
        target = max(0, min(self.max_offset, self.offset + pixels))
        if target == self.offset:
            return False
        self.offset = target
        if self.rebuild is not None:
            self.rebuild(None)
        return True

    def draw_bar(self, surface: pygame.Surface, colour: str, width: int) -> None:
        """A plain position bar at the right edge, so people see there is more below."""
        total = self.content_bottom - self.clip.top
        if total <= self.clip.h:
            return
        track = pygame.Rect(self.clip.right - width, self.clip.top, width, self.clip.h)
        thumb_h = max(width * 3, self.clip.h * self.clip.h // total)
        thumb_y = track.top + (track.h - thumb_h) * self.offset // max(1, self.max_offset)
        pygame.draw.rect(surface, "#DCE3EC", track, border_radius=width // 2)
        pygame.draw.rect(surface, colour, (track.x, thumb_y, width, thumb_h), border_radius=width // 2)
