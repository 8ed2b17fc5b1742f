"""Keyboard focus: Tab and Shift+Tab in reading order, Enter or Space to activate, a visible ring.

pygame_gui has no Tab focus (its issue #101), so every screen gets it from here.
"""

from __future__ import annotations

import pygame

from game.ui.elements import Element, ElementTree


class FocusManager:
    def __init__(self, tree: ElementTree, manager) -> None:
        self.tree = tree
        self.manager = manager
        self.focused_id: str | None = None

    @property
    def focused(self) -> Element | None:
        element = self.tree.get(self.focused_id) if self.focused_id else None
        if element is None or element not in self.tree.focusables():
            return None
        return element

    def focus(self, element: Element | None, reveal: bool = True) -> None:
        if reveal and element is not None and not element.visible and element.reveal is not None:
            element.reveal()  # rebuilds the screen with the element in view
            element = self.tree.get(element.id) or element
        self.focused_id = element.id if element else None
        if element is not None and element.is_text_input and element.widget is not None:
            self.manager.set_focus_set(element.widget)
        else:
            self.manager.set_focus_set(None)
        if element is not None and element.on_focus is not None:
            element.on_focus()

    def move(self, step: int) -> Element | None:
        order = self.tree.focusables()
        if not order:
            self.focus(None)
            return None
        current = self.focused
        index = order.index(current) + step if current in order else (0 if step > 0 else -1)
        target = order[index % len(order)]
        self.focus(target)
        return target

    def restore(self, preferred: str | None = None, kept: str | None = None, fallback: str | None = None) -> None:
        """After a screen is rebuilt, focus `preferred` (scrolled into view), else keep `kept` where it is.

        A kept focus never scrolls the screen back: a person who scrolled away with the wheel stays there.
        """
        for candidate, reveal in ((preferred, True), (kept, False), (fallback, True)):
            element = self.tree.get(candidate) if candidate else None
            if element is not None and element in self.tree.focusables():
                self.focus(element, reveal=reveal)
                return
        self.focus(None)

    def handle_key(self, event: pygame.event.Event) -> bool:
        """Tab moves focus; Enter/Space activate a focused button. True when the key was used here."""
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_TAB:
            self.move(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            return True
        element = self.focused
        if element is None or element.is_text_input:
            return False
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE) and element.on_activate:
            element.on_activate()
            return True
        return False

    def draw(self, surface: pygame.Surface, colour: str, gap_colour: str, width: int) -> None:
        """The ring, with a band of `gap_colour` between it and the element: the ring stands out against
        whatever it surrounds (a filled button of a colour near the ring's) and whatever surrounds it."""
        element = self.focused
        if element is not None and element.visible:
            gap = max(1, width // 3)
            band = element.rect.inflate(2 * gap, 2 * gap)
            pygame.draw.rect(surface, gap_colour, band, gap, border_radius=4)
            ring = band.inflate(2 * width, 2 * width)
            pygame.draw.rect(surface, colour, ring, width, border_radius=4 + width)
