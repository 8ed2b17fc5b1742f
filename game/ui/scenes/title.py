"""Title: choose the language, the text size and the contrast, then start."""

from __future__ import annotations

import pygame

from game.locales import supported_locales
from game.settings import TEXT_SCALES
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.scenes.base import PageScene
from game.ui.theme import theme_names


class TitleScene(PageScene):
    initial_focus = "title.start"

    def build_page(self, w) -> None:
        from game.ui.scenes.code import CodeScene

        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("title.name", "NUM+", x, y, width, title=True).rect.bottom + m.gap
        y = w.label("title.tagline", self.t("title.tagline"), x, y, width).rect.bottom + 2 * m.gap

        y = self.choice(w, "title.lang", self.t("title.language"), x, y, width,
                        [(tag, self.t(f"locale.{tag}")) for tag in supported_locales()], self.app.locale,
                        self.app.set_locale) + 2 * m.gap
        y = self.choice(w, "title.scale", self.t("title.text_size"), x, y, width,
                        [(n, self.t(f"text_size.{n}")) for n in TEXT_SCALES], self.app.text_scale,
                        self.app.set_text_scale) + 2 * m.gap
        y = self.choice(w, "title.contrast", self.t("title.contrast"), x, y, width,
                        [(name, self.t(f"theme.{name}")) for name in theme_names()], self.app.theme,
                        self.app.set_theme)
        y += 3 * m.gap
        start = self.t("title.start")
        start_w = max(m.button_w(start), m.px(220))
        w.button("title.start", start, pygame.Rect(x, y, start_w, m.button_h),
                 lambda: self.app.show(CodeScene(self.app)))
        facilitator = self.t("title.facilitator")
        fx = x + start_w + 2 * m.gap
        if fx + m.button_w(facilitator) > x + width:  # 200 % text: below, not beside
            fx, y = x, y + m.button_h + m.gap
        w.button("title.facilitator", facilitator, pygame.Rect(fx, y, m.button_w(facilitator), m.button_h),
                 self.open_facilitator_menu, style="#secondary")

    def open_facilitator_menu(self) -> None:
        from game.ui.scenes.facilitator import FacilitatorScene
        from game.ui.scenes.pin import PinScene

        self.app.show(PinScene(self.app, then=lambda: self.app.show(FacilitatorScene(self.app)),
                               back=lambda: self.app.show(TitleScene(self.app))))

    def choice(self, w, prefix: str, heading: str, x: int, y: int, width: int, options: list, chosen,
               choose) -> int:
        """A heading and a row of buttons, the chosen one highlighted; returns the y below them."""
        m = w.m
        y = w.label(f"{prefix}.label", heading, x, y, width, bold=True).rect.bottom + m.pad
        rects = flow([m.button_w(text) for _, text in options], x, y, width, m.button_h, m.gap)
        for (value, text), rect in zip(options, rects):
            selected = value == chosen
            w.button(f"{prefix}.{value}", text, rect, lambda value=value: choose(value),
                     style="#primary" if selected else "#secondary",
                     speakable=text + (f" ({self.t('selected')})" if selected else ""))
        return rects[-1].bottom
