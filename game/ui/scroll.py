"""A scrolling area: content laid out taller than the screen is shown through a clip rectangle.

At 200% text a screen rarely fits in 1280x720; rather than cut text, the area scrolls with the
wheel, and moving keyboard focus to an element out of view scrolls it into view. Scrolling moves
the widgets already made (and hides those not wholly in view): nothing is rebuilt, so it is fast
and what was typed stays where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pygame

from game.ui.elements import Element


@dataclass
class Placed:
    element: Element
    virtual: pygame.Rect  # where the element is on the unscrolled page
    parts: list[tuple[Any, pygame.Rect]]  # its widgets, each with its own virtual rect (a label: one per line)


@dataclass
class ScrollArea:
    offset: int = 0
    clip: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    content_bottom: int = 0  # lowest virtual y of the content
    placed: list[Placed] = field(default_factory=list)

    @property
    def max_offset(self) -> int:
        return max(0, self.content_bottom - self.clip.bottom)

    def begin(self, clip: pygame.Rect) -> None:
        self.clip = clip.copy()
        self.content_bottom = clip.top
        self.placed = []

    def add(self, element: Element, parts: list[tuple[Any, pygame.Rect]]) -> None:
        """Take an element laid out at its virtual rect (element.rect) into the area."""
        virtual = element.rect.copy()
        self.content_bottom = max(self.content_bottom, virtual.bottom)
        element.scroll_clip = self.clip.copy()
        element_id = element.id
        element.reveal = lambda: self.reveal(element_id)
        self.placed.append(Placed(element, virtual, parts))
        self._position(self.placed[-1])

    def end(self) -> None:
        if self.offset > self.max_offset:  # content shrank (bigger window, less text)
            self.offset = self.max_offset
        self.reposition()

    def _position(self, placed: Placed) -> None:
        element = placed.element
        element.rect = placed.virtual.move(0, -self.offset)
        if element.kind == "label":  # long text shows the lines in view
            element.visible = False
            for widget, virtual in placed.parts:
                actual = virtual.move(0, -self.offset)
                shown = self.clip.contains(actual)
                _show(widget, actual, shown)
                element.visible = element.visible or shown
            return
        element.visible = self.clip.contains(element.rect)
        for widget, virtual in placed.parts:
            _show(widget, virtual.move(0, -self.offset), element.visible)

    def reposition(self) -> None:
        for placed in self.placed:
            self._position(placed)

    def reveal(self, element_id: str, above: str | None = None) -> None:
        """Scroll just enough for the element to be wholly in view, and `above` too if both fit."""
        placed = next((p for p in self.placed if p.element.id == element_id), None)
        if placed is None:
            return
        top, bottom = placed.virtual.top - self.clip.top, placed.virtual.bottom - self.clip.bottom
        upper = next((p for p in self.placed if p.element.id == above), None) if above else None
        if upper is not None and placed.virtual.bottom - upper.virtual.top <= self.clip.h:
            top = upper.virtual.top - self.clip.top
        if top < self.offset:
            self.offset = top
        elif bottom > self.offset:
            self.offset = min(bottom, top)
        self.offset = max(0, min(self.offset, self.max_offset))
        self.reposition()

    def scroll(self, pixels: int) -> bool:
        target = max(0, min(self.max_offset, self.offset + pixels))
        # Never jump over a tall box: stop where something skipped would show whole (a text area at 200%).
        windows = [(p.virtual.bottom - self.clip.bottom, p.virtual.top - self.clip.top)
                   for p in self.placed if p.element.focusable]
        if target > self.offset:
            skipped = [lo for lo, hi in windows if lo <= hi and self.offset < lo and hi < target]
            target = min(skipped, default=target)
        elif target < self.offset:
            skipped = [hi for lo, hi in windows if lo <= hi and target < lo and hi < self.offset]
            target = max(skipped, default=target)
        if target == self.offset:
            return False
        self.offset = target
        self.reposition()
        return True

    def draw_bar(self, surface: pygame.Surface, colours: tuple[str, str], width: int) -> None:
        """A plain position bar at the right edge, so people see there is more below; colours: (track, thumb),
        from the theme (theme.scroll_bar_colours)."""
        total = self.content_bottom - self.clip.top
        if total <= self.clip.h:
            return
        track = pygame.Rect(self.clip.right - width, self.clip.top, width, self.clip.h)
        thumb_h = max(width * 3, self.clip.h * self.clip.h // total)
        thumb_y = track.top + (track.h - thumb_h) * self.offset // max(1, self.max_offset)
        pygame.draw.rect(surface, colours[0], track, border_radius=width // 2)
        pygame.draw.rect(surface, colours[1], (track.x, thumb_y, width, thumb_h), border_radius=width // 2)


def _show(widget: Any, actual: pygame.Rect, shown: bool) -> None:
    if widget is None:
        return
    if widget.rect.topleft != actual.topleft:
        widget.set_position(actual.topleft)
    if shown and not widget.visible:
        widget.show()
    elif not shown and widget.visible:
        widget.hide()
