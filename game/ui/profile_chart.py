"""The results chart we draw ourselves: one bar per area across the levels, the likely range and the most
likely level marked, in the colours of the theme's #chart block.

The bar is only a picture of what its element says in words (`AreaProfile.sentence`, shown in the labels
beside it and spoken for it): the level numbers are written in every cell, and the most likely level is a
dark box with its number in white, so colour is never the only signal.
"""

from __future__ import annotations

import pygame

from game.ui.layout import Metrics
from game.ui.rows import TextCache
from scoring.profile import AreaProfile


def cell_edges(rect: pygame.Rect, n: int) -> list[int]:
    """The x of each level boundary, n + 1 of them, so cells tile the bar without gaps."""
    return [round(rect.x + i * rect.w / n) for i in range(n + 1)]


def band_span(x: int, width: int, levels: tuple[int, ...], n: int) -> tuple[int, int]:
    """(x, width) of a level group's band over a bar starting at x."""
    left = round(x + (levels[0] - 1) * width / n)
    right = round(x + levels[-1] * width / n)
    return left, right - left


def draw_bar(surface: pygame.Surface, rect: pygame.Rect, area: AreaProfile, look: dict[str, str], m: Metrics,
             cache: TextCache) -> None:
    cells = area.cells
    edges = cell_edges(rect, len(cells))
    # The level groups as alternating bands.
    for cell, left, right in zip(cells, edges, edges[1:]):
        pygame.draw.rect(surface, look["band_a"] if cell.band % 2 == 0 else look["band_b"],
                         (left, rect.y, right - left, rect.h))
    # The likely range: one lighter span over its levels.
    inset = max(3, rect.h // 7)
    low, high = edges[area.low - 1], edges[area.high]
    pygame.draw.rect(surface, look["range_bg"], (low + 2, rect.y + inset, high - low - 4, rect.h - 2 * inset),
                     border_radius=inset)
    # Boundaries: thin between levels, strong between groups.
    thin, strong = max(1, m.px(1)), max(2, m.px(2))
    for cell, left in zip(cells[1:], edges[1:-1]):
        if cell.starts_group:
            pygame.draw.line(surface, look["normal_border"], (left, rect.y), (left, rect.bottom - 1), strong)
        else:
            pygame.draw.line(surface, look["separator"], (left, rect.y + inset), (left, rect.bottom - inset - 1), thin)
    # The most likely level: a dark box, its number in white and bold.
    for cell, left, right in zip(cells, edges, edges[1:]):
        if cell.most_likely:
            box = pygame.Rect(left + strong + 1, rect.y + inset // 2, right - left - 2 * strong - 2,
                              rect.h - inset)
            pygame.draw.rect(surface, look["marker_bg"], box, border_radius=max(2, inset // 2))
        ink = look["marker_text"] if cell.most_likely else look["range_text"] if cell.in_range else look["normal_text"]
        number = cache.get(str(cell.number), m.body_px, ink, cell.most_likely)
        surface.blit(number, number.get_rect(center=((left + right) // 2, rect.centery)))
    pygame.draw.rect(surface, look["normal_border"], rect, thin)
