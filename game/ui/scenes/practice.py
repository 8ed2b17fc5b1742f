"""The practice offer: before a session, a short tutorial (not scored) that teaches the game's controls.

After consent, when the facilitator's settings offer it (`offer_tutorial`, on by default) and the
library has a tutorial (a scenario `tutorial.*` without a measurement block), the participant is asked
"Do you want to try a short practice first?". Yes: the tutorial is played as a session of its own (its
plan logs `"practice": true`); when it ends, the real session starts. No: the real session starts.
The adaptive sequencer never chooses a tutorial: without a measurement block it is not in the item bank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.scenario.loader import LoadedScenario
from game.ui.layout import LOGICAL_SIZE
from game.ui.scenes.base import PageScene

if TYPE_CHECKING:
    from game.runtime.session import SessionEngine
    from game.ui.app import GameApp

TUTORIAL_PREFIX = "tutorial."
PRACTICE_PLAN = {"mode": "fixed", "practice": True}  # logged with the practice session's session_started


def tutorials(library: dict[str, LoadedScenario]) -> list[LoadedScenario]:
    """The library's tutorials, in id order: `tutorial.*` scenarios that are not scored."""
    return [library[sid] for sid in sorted(library)
            if sid.startswith(TUTORIAL_PREFIX) and library[sid].scenario.measurement is None]


def is_practice(engine: "SessionEngine | None") -> bool:
    return engine is not None and bool(engine.plan.get("practice"))


def begin_session(app: "GameApp", participant: str, research_consent: bool = False) -> None:
    """After consent: offer the practice first when the settings allow it, else start the session."""
    from game.ui.scenes.flow import start_session

    if app.settings.offer_tutorial and not app.single_scenario and tutorials(app.library):
        app.show(PracticeOfferScene(app, participant, research_consent))
    else:
        start_session(app, participant, research_consent=research_consent)


def start_practice(app: "GameApp", participant: str, research_consent: bool = False) -> None:
    """The tutorial as a session of its own, with the participant's code and consent."""
    from game.sessions import PlaySession
    from game.ui.scenes.brief import BriefScene

    app.session = PlaySession.new(app.store, tutorials(app.library), participant=participant, locale=app.locale,
                                  clock=app.clock, accommodations=app.accommodations(), delivery=app.delivery,
                                  on_queued=app.statements_queued, research_consent=research_consent,
                                  plan=dict(PRACTICE_PLAN))
    app.show(BriefScene(app))


def practice_over(app: "GameApp") -> bool:
    """When the practice session has no scenario left: it ends, and the real session starts. False otherwise."""
    from game.ui.scenes.flow import start_session

    engine = app.session.engine if app.session is not None else None
    if app.single_scenario or not is_practice(engine) or engine.has_next_scenario:
        return False
    if not engine.ended:
        engine.end_session("finished")
    app.session = None
    start_session(app, engine.participant, research_consent=engine.research_consent)
    return True


class PracticeOfferScene(PageScene):
    """A plain choice; both answers are equal buttons."""

    initial_focus = "tutorial.yes"

    def __init__(self, app, participant: str, research_consent: bool = False):
        super().__init__(app)
        self.participant = participant
        self.research_consent = research_consent

    def answer(self, practise: bool) -> None:
        from game.ui.scenes.flow import start_session

        if practise:
            start_practice(self.app, self.participant, self.research_consent)
        else:
            start_session(self.app, self.participant, research_consent=self.research_consent)

    def build_page(self, w) -> None:
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        minutes = sum(t.scenario.estimated_minutes for t in tutorials(self.app.library))
        y = self.app.read_aloud.heading(w, "tutorial.read_aloud", "tutorial.title", self.t("tutorial.title"), x, y,
                                        width, title=True) + m.gap
        y = w.label("tutorial.text", self.t("tutorial.text", minutes=minutes), x, y, width).rect.bottom + m.gap
        y += m.gap
        yes, no = self.t("tutorial.yes"), self.t("tutorial.no")
        size = max(m.button_w(yes), m.button_w(no), m.px(220))
        w.button("tutorial.yes", yes, pygame.Rect(x, y, size, m.button_h), lambda: self.answer(True))
        if x + 2 * size + m.gap <= x + width:
            rect = pygame.Rect(x + size + m.gap, y, size, m.button_h)
        else:
            rect = pygame.Rect(x, y + m.button_h + m.gap, size, m.button_h)
        w.button("tutorial.no", no, rect, lambda: self.answer(False))
