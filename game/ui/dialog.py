"""Modal dialogs: a title, a text and buttons, laid out from the text scale, over a scrim."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pygame

from game.ui.elements import DIALOG
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.widgets import Widgets


@dataclass
class DialogButton:
    id: str
    text: str
    on_activate: Callable[[], None]
    style: str = "#primary"


@dataclass
class DialogField:
    """A one-line text entry in a dialog (a file's new name)."""

    id: str
    label: str
    value: str = ""


@dataclass
class Dialog:
    id: str
    title: str
    text: str = ""
    buttons: list[DialogButton] = field(default_factory=list)
    long_text: bool = False  # documents and briefs: a scrolling view instead of wrapped lines
    focus: str | None = None  # element focused when the dialog opens (default: its first button)
    escape: str | None = None  # the button Escape presses (closing without a choice); None: Escape does nothing
    fields: list[DialogField] = field(default_factory=list)


def build_dialog(dialog: Dialog, w: Widgets) -> None:
    m = w.m
    screen_w, screen_h = LOGICAL_SIZE
    w.panel(pygame.Rect(0, 0, screen_w, screen_h), "#scrim", layer=20)
    width = min(screen_w - 2 * m.gap, max(640, m.px(760)))
    inner = width - 2 * m.px(24)
    title_lines = m.wrap(dialog.title, inner, title=True)
    title_h = len(title_lines) * m.line(title=True)
    widths = [m.button_w(b.text) for b in dialog.buttons]
    button_rects = flow(widths, 0, 0, inner, m.button_h, m.gap)
    buttons_h = (button_rects[-1].bottom if button_rects else 0)
    text_lines = m.wrap(dialog.text, inner) if dialog.text else []
    text_h = len(text_lines) * m.line()
    field_label_h = {f.id: len(m.wrap(f.label, inner, bold=True)) * m.line(bold=True) for f in dialog.fields}
    fields_h = sum(h + m.pad // 2 + m.button_h + m.px(16) for h in field_label_h.values())
    room = screen_h - 2 * m.gap - title_h - buttons_h - fields_h - 4 * m.px(16)
    long_text = dialog.long_text or text_h > room
    if long_text:
        text_h = min(room, max(text_h + 2 * m.px(12), 4 * m.line()))
    height = m.px(16) * 4 + title_h + text_h + fields_h + buttons_h
    rect = pygame.Rect((screen_w - width) // 2, max(m.gap, (screen_h - height) // 2), width, height)
    panel = w.panel(rect, "#dialog", layer=25)
    x, y = m.px(24), m.px(16)  # relative to the dialog
    w.label(f"{dialog.id}.title", dialog.title, rect.x + x, rect.y + y, inner, title=True, scope=DIALOG,
            container=panel)
    y += title_h + m.px(16)
    if dialog.text:
        if long_text:
            w.text_view(f"{dialog.id}.text", dialog.text, pygame.Rect(x, y, inner, text_h), scope=DIALOG,
                        container=panel)
        else:
            w.label(f"{dialog.id}.text", dialog.text, rect.x + x, rect.y + y, inner, scope=DIALOG, container=panel)
        y += text_h + m.px(16)
    for spec in dialog.fields:
        w.label(f"{spec.id}.label", spec.label, rect.x + x, rect.y + y, inner, bold=True, scope=DIALOG,
                container=panel)
        y += field_label_h[spec.id] + m.pad // 2
        w.text_field(spec.id, spec.label, pygame.Rect(x, y, inner, m.button_h), spec.value, scope=DIALOG,
                     container=panel)
        y += m.button_h + m.px(16)
    for button, place in zip(dialog.buttons, button_rects):
        w.button(button.id, button.text, place.move(x, y), button.on_activate, style=button.style, scope=DIALOG,
                 container=panel)
