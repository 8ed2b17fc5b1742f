"""An error shown as real sites show it: an icon and words in red, never colour alone."""

from __future__ import annotations

import pygame

from game.ui.elements import Element
from game.ui.layout import font

ERROR_COLOUR = "#A3161A"


def error_line(w, icons: list[Element], element_id: str, text: str, x: int, y: int, width: int) -> int:
    """Place an error message with its icon; returns the y below it. The icon is drawn by draw_error_icons."""
    m = w.m
    side = m.line(bold=True)
    icons.append(w.add(Element(id=f"{element_id}.icon", kind="icon", text="", rect=pygame.Rect(x, y, side, side))))
    return w.label(element_id, text, x + side + m.pad, y, width - side - m.pad, bold=True,
                   style="#error").rect.bottom


def draw_error_icons(surface: pygame.Surface, icons: list[Element], metrics) -> None:
    for element in icons:
        if element.visible:
            pygame.draw.circle(surface, ERROR_COLOUR, element.rect.center, element.rect.w // 2)
            mark = font(metrics.body_px, True).render("!", True, "#FFFFFF")
            surface.blit(mark, mark.get_rect(center=element.rect.center))
