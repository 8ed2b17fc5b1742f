"""Our small adapter over pygame_gui: every widget is made here, registered in the element tree.

Screens never create pygame_gui elements directly, so the text widgets (with their known bugs,
see REFERENCES.md) can be replaced in one place.
"""

from __future__ import annotations

import html
from typing import Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIPanel, UITextBox, UITextEntryBox, UITextEntryLine

from game.ui.elements import SCREEN, Element, ElementTree
from game.ui.layout import Metrics
from game.ui.scroll import ScrollArea


class TextField:
    """A one-line or multi-line text entry; the rest of the UI only uses get/set."""

    def __init__(self, widget: UITextEntryLine | UITextEntryBox):
        self.widget = widget

    def get(self) -> str:
        return self.widget.get_text()

    def set(self, text: str) -> None:
        self.widget.set_text(text)


class Widgets:
    def __init__(self, manager: pygame_gui.UIManager, tree: ElementTree, metrics: Metrics):
        self.manager = manager
        self.tree = tree
        self.m = metrics
        self.fields: dict[str, TextField] = {}
        self.area: ScrollArea | None = None  # while set, widgets are placed in this scrolling area

    def add(self, element: Element, parts: list | None = None) -> Element:
        """Register an element (with its widgets), taking it into the scrolling area if one is set."""
        if self.area is not None:
            self.area.add(element, parts if parts is not None else
                          ([(element.widget, element.rect.copy())] if element.widget is not None else []))
        return self.tree.add(element)

    def clear(self) -> None:
        self.manager.clear_and_reset()
        self.tree.clear()
        self.fields.clear()

    # --- containers ---------------------------------------------------------------
    def panel(self, rect: pygame.Rect, style: str, *, layer: int = 1, container=None) -> UIPanel:
        return UIPanel(rect, starting_height=layer, manager=self.manager, object_id=style, container=container)

    # --- widgets ---------------------------------------------------------------------
    def button(self, element_id: str, text: str, rect: pygame.Rect, on_activate: Callable[[], None], *,
               style: str = "#primary", speakable: str | None = None, scope: int = SCREEN, container=None,
               tooltip: str | None = None, on_focus: Callable[[], None] | None = None) -> Element:
        widget = UIButton(rect, text, manager=self.manager, object_id=style, container=container,
                          tool_tip_text=tooltip)
        return self.add(Element(
            id=element_id, kind="button", text=text, rect=widget.rect.copy(), speakable=speakable or text,
            widget=widget, on_activate=on_activate, focusable=True, scope=scope, lines=[text], on_focus=on_focus,
            style=style))

    def label(self, element_id: str, text: str, x: int, y: int, width: int, *, bold: bool = False,
              title: bool = False, style: str | None = None, scope: int = SCREEN, container=None) -> Element:
        """Wrapped text: one pygame_gui label per line, never cut off. The element covers all lines."""
        lines = self.m.wrap(text, width, bold=bold, title=title)
        line_h = self.m.line(bold=bold, title=title)
        object_id = style or ("#title" if title else "#strong" if bold else None)
        origin = container.get_container().get_rect().topleft if container is not None else (0, 0)
        parts = []
        for i, line in enumerate(lines):
            line_rect = pygame.Rect(x, y + i * line_h, width, line_h)
            widget = UILabel(line_rect.move(-origin[0], -origin[1]), line or " ", manager=self.manager,
                             object_id=object_id, container=container)
            parts.append((widget, line_rect))
        virtual = pygame.Rect(x, y, width, line_h * len(lines))
        self.add(Element(id=element_id, kind="label", text=text, rect=virtual.copy(), speakable=text,
                         scope=scope, lines=lines, bold=bold, title=title, style=object_id), parts)
        # The virtual rect, so that the caller places what follows below it.
        return Element(id=element_id, kind="label", text=text, rect=virtual)

    def text_view(self, element_id: str, text: str, rect: pygame.Rect, *, scope: int = SCREEN,
                  container=None) -> Element:
        """Long text in a scrolling box (message bodies, documents)."""
        markup = html.escape(text).replace("\n", "<br>")
        widget = UITextBox(markup, rect, manager=self.manager, container=container)
        return self.add(Element(id=element_id, kind="text_view", text=text, rect=widget.rect.copy(),
                                      speakable=text, widget=widget, scope=scope, scrolls=True))

    def text_field(self, element_id: str, label: str, rect: pygame.Rect, value: str, *, multiline: bool = False,
                   scope: int = SCREEN, container=None) -> TextField:
        if multiline:
            widget = UITextEntryBox(rect, value, manager=self.manager, container=container)
        else:
            widget = UITextEntryLine(rect, manager=self.manager, container=container)
            widget.set_text(value)
        field = TextField(widget)
        self.fields[element_id] = field
        self.add(Element(id=element_id, kind="text_area" if multiline else "text_field", text=value,
                               rect=widget.rect.copy(), speakable=label, widget=widget, focusable=True,
                               scope=scope, lines=[label]))
        return field
