"""An error shown as real sites show it: an icon and words in the theme's error colour, never colour alone."""

from __future__ import annotations

import pygame

from game.ui.elements import Element
from game.ui.layout import font
from game.ui.theme import colour


def error_line(w, icons: list[Element], element_id: str, text: str, x: int, y: int, width: int) -> int:
    """Place an error message with its icon; returns the y below it. The icon is drawn by draw_error_icons."""
    m = w.m
    side = m.line(bold=True)
    icons.append(w.add(Element(id=f"{element_id}.icon", kind="icon", text="", rect=pygame.Rect(x, y, side, side))))
    return w.label(element_id, text, x + side + m.pad, y, width - side - m.pad, bold=True,
                   style="#error").rect.bottom


def draw_error_icons(surface: pygame.Surface, icons: list[Element], metrics, theme: str) -> None:
    for element in icons:
        if element.visible:
            pygame.draw.circle(surface, colour(theme, "normal_bg", "#error_icon"), element.rect.center,
                               element.rect.w // 2)
            mark = font(metrics.body_px, True).render("!", True, colour(theme, "normal_text", "#error_icon"))
            surface.blit(mark, mark.get_rect(center=element.rect.center))
