"""List rows we draw ourselves (messages, files): fast to scroll, with the look of the theme's #row block."""

from __future__ import annotations

import pygame

from game.ui.elements import Element
from game.ui.layout import font
from game.ui.theme import row_colours, scroll_bar_colours

Row = tuple[Element, list[tuple[str, bool]], bool]  # element, its lines (text, bold), selected


class TextCache:
    """Rendered lines, so a frame only blits."""

    def __init__(self, limit: int = 3000):
        self.limit = limit
        self._surfaces: dict[tuple, pygame.Surface] = {}

    def get(self, text: str, px: int, colour: str, bold: bool = False) -> pygame.Surface:
        key = (text, px, colour, bold)
        surface = self._surfaces.get(key)
        if surface is None:
            if len(self._surfaces) > self.limit:
                self._surfaces.clear()
            surface = self._surfaces[key] = font(px, bold).render(text, True, colour)
        return surface


def draw_rows(surface: pygame.Surface, app, rows: list[Row], cache: TextCache) -> None:
    m = app.metrics
    look = row_colours(app.theme)
    for element, lines, selected in rows:
        if not element.visible:
            continue
        rect = element.rect
        hovered = rect.collidepoint(app.pointer) and not app.tree.dialog_open
        background = look["selected_bg"] if selected else look["hovered_bg"] if hovered else look["normal_bg"]
        pygame.draw.rect(surface, background, rect)
        pygame.draw.rect(surface, look["selected_border"] if selected else look["normal_border"], rect,
                         2 if selected else 1)
        y = rect.y + m.pad // 2
        for text, bold in lines:
            colour = look["normal_text"] if bold else look["muted_text"]
            surface.blit(cache.get(text, m.body_px, colour, bold), (rect.x + m.hpad, y))
            y += m.line(bold=bold)


def draw_list_bar(surface: pygame.Surface, rect: pygame.Rect, first: int, shown: int, total: int, width: int,
                  theme: str) -> None:
    """Where the rows in view sit in the whole list, just right of it: there is more than what shows."""
    if total <= shown or total == 0:
        return
    track = pygame.Rect(rect.right + 2, rect.top, width, rect.h)
    thumb_h = max(width * 3, track.h * shown // total)
    thumb_y = track.top + (track.h - thumb_h) * first // max(1, total - shown)
    track_colour, thumb_colour = scroll_bar_colours(theme)
    pygame.draw.rect(surface, track_colour, track, border_radius=width // 2)
    pygame.draw.rect(surface, thumb_colour, (track.x, thumb_y, width, thumb_h), border_radius=width // 2)
