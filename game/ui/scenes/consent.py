"""Consent: before a session, the participant says whether their anonymous actions may serve research."""

from __future__ import annotations

import pygame

from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene


class ConsentScene(PageScene):
    """Both answers are equal buttons: saying no changes nothing for the participant's own result."""

    initial_focus = "consent.yes"

    def __init__(self, app, participant: str):
        super().__init__(app)
        self.participant = participant

    def answer(self, research: bool) -> None:
        from game.ui.scenes.practice import begin_session

        begin_session(self.app, self.participant, research_consent=research)  # the practice offer, or the session

    def build_page(self, w) -> None:
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        y = self.app.read_aloud.heading(w, "consent.read_aloud", "consent.title", self.t("consent.title"), x, y,
                                        width, title=True) + m.gap
        for key in ("consent.what", "consent.anonymous", "consent.choice"):
            y = w.label(key, self.t(key), x, y, width).rect.bottom + m.gap
        y += m.gap
        yes, no = self.t("consent.yes"), self.t("consent.no")
        size = max(m.button_w(yes), m.button_w(no), m.px(220))
        w.button("consent.yes", yes, pygame.Rect(x, y, size, m.button_h), lambda: self.answer(True))
        if x + 2 * size + m.gap <= x + width:
            rect = pygame.Rect(x + size + m.gap, y, size, m.button_h)
        else:
            rect = pygame.Rect(x, y + m.button_h + m.gap, size, m.button_h)
        w.button("consent.no", no, rect, lambda: self.answer(False))
