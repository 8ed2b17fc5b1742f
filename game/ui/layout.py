"""Sizes computed from the text scale, and text measured with the real fonts. No hard-coded layouts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pygame

from game.paths import FONTS

LOGICAL_SIZE = (1280, 720)
MIN_TARGET = 44  # smallest click target, logical px


@cache
def font(px: int, bold: bool = False) -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(str(FONTS / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")), px)


@dataclass(frozen=True)
class Metrics:
    scale: int  # text scale in percent: 100, 150, 200

    def px(self, base: float) -> int:
        return round(base * self.scale / 100)

    @property
    def body_px(self) -> int:
        return self.px(20)

    @property
    def title_px(self) -> int:
        return self.px(28)

    @property
    def pad(self) -> int:
        return self.px(8)

    @property
    def gap(self) -> int:
        return self.px(10)

    @property
    def hpad(self) -> int:
        return 12 + self.px(4)

    def line(self, bold: bool = False, title: bool = False) -> int:
        return font(self.title_px if title else self.body_px, bold or title).get_linesize()

    @property
    def button_h(self) -> int:
        return max(MIN_TARGET, self.line() + 2 * self.pad)

    @property
    def narrow(self) -> bool:
        """At large text the mail client shows one pane at a time, like a phone."""
        return self.scale >= 150

    def text_w(self, text: str, bold: bool = False, title: bool = False) -> int:
        return font(self.title_px if title else self.body_px, bold or title).size(text)[0]

    def button_w(self, text: str) -> int:
        return max(MIN_TARGET, self.text_w(text) + 2 * self.hpad + 4)

    def wrap(self, text: str, width: int, bold: bool = False, title: bool = False) -> list[str]:
        """Lines of `text` that each fit in `width` px (words longer than a line are split)."""
        measure = font(self.title_px if title else self.body_px, bold or title)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if measure.size(candidate)[0] <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                while measure.size(word)[0] > width and len(word) > 1:
                    cut = len(word)
                    while cut > 1 and measure.size(word[:cut])[0] > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                current = word
            lines.append(current)
        return lines


def flow(widths: list[int], left: int, top: int, width: int, row_h: int, gap: int) -> list[pygame.Rect]:
    """Place boxes left to right, wrapping to a new row when one does not fit."""
    rects: list[pygame.Rect] = []
    x, y = left, top
    for w in widths:
        w = min(w, width)
        if x > left and x + w > left + width:
            x, y = left, y + row_h + gap
        rects.append(pygame.Rect(x, y, w, row_h))
        x += w + gap
    return rects
