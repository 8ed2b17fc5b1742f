"""The element tree: every thing on screen with a stable id, its text, rectangle and speakable text.

Tests, the headless driver, the focus manager and (later) read-aloud all work through it,
never through pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pygame

SCREEN, DIALOG = 0, 1


@dataclass
class Element:
    id: str
    kind: str  # button, row, label, text_field, text_area, text_view
    text: str
    rect: pygame.Rect
    speakable: str = ""
    widget: Any = None
    on_activate: Callable[[], None] | None = None
    on_focus: Callable[[], None] | None = None
    focusable: bool = False
    scope: int = SCREEN
    lines: list[str] = field(default_factory=list)  # text as laid out, one entry per line
    bold: bool = False
    title: bool = False
    scrolls: bool = False  # long text in a scrolling view
    visible: bool = True  # False: laid out in a scroll area but out of view (no widget made)
    reveal: Callable[[], None] | None = None  # scrolls it into view
    scroll_clip: pygame.Rect | None = None  # the scrolling area it belongs to, if any
    group: str | None = None  # elements a screen replaces together (a list's visible rows)
    style: str | None = None  # its theme block (object id) when it has one: #error, #muted...

    @property
    def is_text_input(self) -> bool:
        return self.kind in ("text_field", "text_area")


class ElementTree:
    def __init__(self) -> None:
        self._elements: dict[str, Element] = {}
        self.dialog_open = False  # while a dialog is open only its elements can be reached

    def add(self, element: Element) -> Element:
        if element.id in self._elements:
            raise ValueError(f"duplicate element id {element.id!r}")
        self._elements[element.id] = element
        return element

    def get(self, element_id: str) -> Element | None:
        return self._elements.get(element_id)

    def replace_group(self, group: str, elements: list[Element]) -> None:
        """Swap a group's elements in place, keeping their position in reading order."""
        rebuilt: dict[str, Element] = {}
        placed = False
        for key, element in self._elements.items():
            if element.group == group:
                if not placed:
                    rebuilt.update((e.id, e) for e in elements)
                    placed = True
                continue
            rebuilt[key] = element
        if not placed:
            rebuilt.update((e.id, e) for e in elements)
        self._elements = rebuilt

    def remove_scope(self, scope: int) -> None:
        self._elements = {k: v for k, v in self._elements.items() if v.scope != scope}

    def clear(self) -> None:
        self._elements.clear()
        self.dialog_open = False

    def all(self) -> list[Element]:
        return list(self._elements.values())

    def active(self) -> list[Element]:
        """What a person can reach now: the dialog's elements when one is open."""
        scope = DIALOG if self.dialog_open else SCREEN
        return [e for e in self._elements.values() if e.scope == scope]

    def focusables(self) -> list[Element]:
        """In reading order: the order screens add them."""
        return [e for e in self.active() if e.focusable]

    def at(self, pos: tuple[int, int]) -> Element | None:
        hits = [e for e in self.active() if e.focusable and e.visible and e.rect.collidepoint(pos)]
        return hits[-1] if hits else None

    def by_widget(self, widget: Any) -> Element | None:
        return next((e for e in self._elements.values() if e.widget is widget), None)

    def snapshot(self) -> list[dict[str, Any]]:
        """A plain description of the screen, for tests and tools."""
        return [{"id": e.id, "kind": e.kind, "text": e.text, "rect": tuple(e.rect), "speakable": e.speakable,
                 "focusable": e.focusable, "scope": e.scope} for e in self._elements.values()]
