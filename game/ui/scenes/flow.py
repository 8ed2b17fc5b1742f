"""How a session moves from screen to screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.scenario.loader import LoadedScenario
from game.sessions import Assessment, PlaySession, new_seed
from scoring.adaptive import AssessmentPlan
from game.store import SessionRecord

if TYPE_CHECKING:
    from game.ui.app import GameApp


def session_assessment(app: "GameApp", plan: AssessmentPlan | None = None) -> Assessment:
    """How a new session chooses its scenarios: the assessment plan in the settings (adaptive by default)."""
    settings = app.settings
    return Assessment.plan(app.library, plan or settings.assessment, framework=settings.framework,
                           parameters=settings.item_parameters, seed=new_seed())


def start_session(app: "GameApp", participant: str, scenarios: list[LoadedScenario] | None = None, *,
                  plan: AssessmentPlan | None = None, research_consent: bool = False) -> None:
    """A session of the given scenarios in order, or (by default) of those the assessment plan chooses.
    A "chosen" plan without its scenarios first shows the list to pick them from."""
    from game.ui.scenes.brief import BriefScene
    from game.ui.scenes.choose import ChooseScene

    plan = plan or app.settings.assessment
    if scenarios is None and plan.mode == "chosen" and not plan.scenarios:
        app.show(ChooseScene(app, participant, research_consent))
        return
    assessment = session_assessment(app, plan) if scenarios is None else None
    app.session = PlaySession.new(app.store, scenarios or [], participant=participant, locale=app.locale,
                                  clock=app.clock, accommodations=app.accommodations(), assessment=assessment,
                                  seed=assessment.sequencer.seed if assessment else 0, delivery=app.delivery,
                                  on_queued=app.statements_queued, research_consent=research_consent)
    app.show(BriefScene(app))


def start_single_scenario(app: "GameApp", loaded: LoadedScenario, participant: str,
                          research_consent: bool = False) -> None:
    app.single_scenario = True
    start_session(app, participant, [loaded], research_consent=research_consent)


def resume_session(app: "GameApp", record: SessionRecord) -> None:
    app.session = PlaySession.resume(app.store, record.id, app.library, app.clock,
                                     parameters=app.settings.item_parameters, delivery=app.delivery,
                                     on_queued=app.statements_queued)
    engine = app.session.engine
    app.locale = engine.locale
    if engine.current is not None and engine.current.outcome is None:
        from game.ui.scenes.player import PlayerScene

        app.show(PlayerScene(app))
    else:
        after_scenario(app)


def after_scenario(app: "GameApp") -> None:
    """Next scenario's brief, or the summary when none is left."""
    from game.ui.scenes.brief import BriefScene
    from game.ui.scenes.end import SummaryScene
    from game.ui.scenes.practice import practice_over

    if app.session.engine.has_next_scenario:
        app.show(BriefScene(app))
    elif not practice_over(app):  # after the practice, the real session starts
        app.show(SummaryScene(app))


def finish_session(app: "GameApp") -> None:
    from game.ui.scenes.title import TitleScene

    if app.session is not None and not app.session.engine.ended:
        app.session.engine.end_session("finished")
    app.session = None
    if app.single_scenario:
        app.running = False
    else:
        app.show(TitleScene(app))
