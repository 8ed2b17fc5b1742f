"""Title: choose the language and the text size, then start."""

from __future__ import annotations

import pygame

from game.locales import supported_locales
from game.settings import TEXT_SCALES
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.scenes.base import PageScene


class TitleScene(PageScene):
    initial_focus = "title.start"

    def build_page(self, w) -> None:
        from game.ui.scenes.code import CodeScene

        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = w.label("title.name", "NUM+", x, y, width, title=True).rect.bottom + m.gap
        y = w.label("title.tagline", self.t("title.tagline"), x, y, width).rect.bottom + 2 * m.gap

        y = w.label("title.lang.label", self.t("title.language"), x, y, width, bold=True).rect.bottom + m.pad
        names = [self.app.t(f"locale.{tag}") for tag in supported_locales()]
        for tag, name, rect in zip(supported_locales(), names,
                                   flow([m.button_w(n) for n in names], x, y, width, m.button_h, m.gap)):
            chosen = tag == self.app.locale
            w.button(f"title.lang.{tag}", name, rect, lambda tag=tag: self.app.set_locale(tag),
                     style="#primary" if chosen else "#secondary",
                     speakable=name + (f" ({self.t('selected')})" if chosen else ""))
            y = rect.bottom
        y += 2 * m.gap

        y = w.label("title.scale.label", self.t("title.text_size"), x, y, width, bold=True).rect.bottom + m.pad
        labels = [self.t(f"text_size.{n}") for n in TEXT_SCALES]
        for n, text, rect in zip(TEXT_SCALES, labels, flow([m.button_w(t) for t in labels], x, y, width,
                                                             m.button_h, m.gap)):
            chosen = n == self.app.text_scale
            w.button(f"title.scale.{n}", text, rect, lambda n=n: self.app.set_text_scale(n),
                     style="#primary" if chosen else "#secondary",
                     speakable=text + (f" ({self.t('selected')})" if chosen else ""))
            y = rect.bottom
        y += 3 * m.gap
        start = self.t("title.start")
        w.button("title.start", start, pygame.Rect(x, y, max(m.button_w(start), m.px(220)), m.button_h),
                 lambda: self.app.show(CodeScene(self.app)))
