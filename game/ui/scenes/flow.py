"""How a session moves from screen to screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.scenario.loader import LoadedScenario
from game.sessions import PlaySession
from game.store import SessionRecord

if TYPE_CHECKING:
    from game.ui.app import GameApp


def session_scenarios(app: "GameApp") -> list[LoadedScenario]:
    """The scenarios of a new session. Adaptive choice comes with the scoring module."""
    return [app.library[sid] for sid in sorted(app.library)]


def start_session(app: "GameApp", participant: str, scenarios: list[LoadedScenario]) -> None:
    from game.ui.scenes.brief import BriefScene

    app.session = PlaySession.new(app.store, scenarios, participant=participant, locale=app.locale,
                                  clock=app.clock, accommodations=app.accommodations())
    app.show(BriefScene(app))


def start_single_scenario(app: "GameApp", loaded: LoadedScenario, participant: str) -> None:
    app.single_scenario = True
    start_session(app, participant, [loaded])


def resume_session(app: "GameApp", record: SessionRecord) -> None:
    app.session = PlaySession.resume(app.store, record.id, app.library, app.clock)
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

    if app.session.engine.has_next_scenario:
        app.show(BriefScene(app))
    else:
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
