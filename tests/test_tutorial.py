"""The practice before the session: a short tutorial, not scored, offered after consent, skippable by the facilitator."""

from __future__ import annotations

import pytest

from game.paths import SCENARIOS
from game.scenario.loader import WALKTHROUGH_SUFFIX
from game.scenario.walkthrough import load_walkthrough
from game.sessions import Assessment, scenario_library
from game.ui.scenes.brief import BriefScene
from game.ui.scenes.choose import ChooseScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.facilitator import FacilitatorScene
from game.ui.scenes.player import PlayerScene
from game.ui.scenes.practice import PracticeOfferScene, tutorials
from game.ui.scenes.title import TitleScene
from scoring.adaptive import AssessmentPlan, Sequencer
from scoring.measurement import load_bank
from tests.ui_support import Ui, layout_problems

LIBRARY = scenario_library([SCENARIOS])
TUTORIAL = LIBRARY["tutorial.first-steps"]
MEETING = "mail.confirm-meeting"


def ui_with_library(tmp_path, locale: str = "fr-CA", scale: int = 100, offer: bool = True) -> Ui:
    ui = Ui(tmp_path, locale=locale, scale=scale, library=LIBRARY, offer_tutorial=offer)
    ui.app.settings.assessment = AssessmentPlan(mode="fixed", scenarios=[MEETING], min_scenarios=1)
    return ui


def to_consent(ui: Ui, code: str = "EPN-7") -> None:
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type(code)
    ui.click("code.continue")


def play_the_tutorial(ui: Ui) -> None:
    """Its walkthrough, through the real UI, from its brief to its end screen."""
    walkthrough = load_walkthrough(TUTORIAL.path.with_name(TUTORIAL.path.stem + WALKTHROUGH_SUFFIX), TUTORIAL)
    for step in walkthrough.steps:
        ui.driver.step(step, ui.app.locale)


def sessions_of(ui: Ui, code: str = "EPN-7") -> list:
    return sorted((r for r in ui.store.sessions() if r.participant == code), key=lambda r: r.started_utc)


def test_yes_plays_the_practice_as_its_own_session_then_the_real_session_starts(tmp_path):
    ui = ui_with_library(tmp_path)
    to_consent(ui)
    ui.click("consent.yes")
    assert isinstance(ui.app.scene, PracticeOfferScene)
    assert ui.text("tutorial.title") == "Voulez-vous faire une courte pratique d'abord?"
    assert "environ 3 minutes" in ui.text("tutorial.text") and "pas notée" in ui.text("tutorial.text")
    assert ui.app.focus.focused_id == "tutorial.yes"
    ui.click("tutorial.yes")
    assert isinstance(ui.app.scene, BriefScene)
    assert ui.text("brief.title") == "Pratique : premiers pas"
    practice = ui.app.session.engine
    play_the_tutorial(ui)
    assert isinstance(ui.app.scene, EndScene)
    assert "vraies tâches commencent" in ui.text("end.practice")
    ui.click("end.next")

    # The real session, with the same code and consent, starts at its first brief.
    assert isinstance(ui.app.scene, BriefScene)
    real = ui.app.session.engine
    assert real.session_id != practice.session_id and real.upcoming.id == MEETING
    assert (real.participant, real.research_consent) == ("EPN-7", True)
    assert ui.text("brief.step") == "Mise en situation 1 sur 1"

    logged = [e.to_dict() for e in ui.store.events(practice.session_id)]
    assert logged[0]["payload"]["plan"] == {"mode": "fixed", "practice": True}
    assert logged[0]["payload"]["scenarios"] == ["tutorial.first-steps"]
    assert logged[0]["payload"]["consent"] == {"research": True}
    assert [e["type"] for e in logged][-2:] == ["scenario_ended", "session_ended"]
    assert logged[-2]["payload"]["outcome"] == "completed" and logged[-1]["payload"]["reason"] == "finished"
    result = ui.store.results(practice.session_id)["tutorial.first-steps"]
    assert result["item_score"] is None  # not scored
    assert {k: v["value"] for k, v in result["observables"].items()} == {
        "replied_to_guide": 1, "found_the_secret_word": 1, "opened_help": 1}
    assert [r.id for r in sessions_of(ui)] == [practice.session_id, real.session_id]
    assert [r.id for r in ui.store.unfinished_sessions("EPN-7")] == [real.session_id]  # the practice is over
    ui.close()


def test_im_done_in_the_practice_also_leads_to_the_real_session(tmp_path):
    ui = ui_with_library(tmp_path, locale="en-CA")
    to_consent(ui)
    ui.click("consent.no")
    ui.click("tutorial.yes")
    ui.click("brief.start")
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    assert "real tasks begin" in ui.text("end.practice")
    ui.click("end.next")
    assert isinstance(ui.app.scene, BriefScene) and ui.app.session.engine.upcoming.id == MEETING
    assert ui.app.session.engine.research_consent is False
    ui.close()


def test_no_goes_straight_to_the_real_session(tmp_path):
    ui = ui_with_library(tmp_path, locale="en-CA")
    to_consent(ui)
    ui.click("consent.no")
    assert ui.text("tutorial.title") == "Do you want to try a short practice first?"
    ui.click("tutorial.no")
    assert isinstance(ui.app.scene, BriefScene)
    engine = ui.app.session.engine
    assert engine.upcoming.id == MEETING and not engine.plan.get("practice")
    assert len(sessions_of(ui)) == 1
    ui.click("brief.start")
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    assert ui.app.tree.get("end.practice") is None
    ui.close()


def test_with_the_offer_turned_off_the_session_starts_at_once(tmp_path):
    ui = ui_with_library(tmp_path, offer=False)
    to_consent(ui)
    ui.click("consent.no")
    assert isinstance(ui.app.scene, BriefScene) and ui.app.session.engine.upcoming.id == MEETING
    ui.close()


def test_the_facilitator_turns_the_offer_off_on_the_settings_screen(tmp_path):
    from game.settings import load_settings

    ui = ui_with_library(tmp_path, locale="en-CA")
    assert ui.app.settings.offer_tutorial is True
    ui.app.show(FacilitatorScene(ui.app))
    ui.driver.settle()
    ui.click("facilitator.settings")
    assert "(selected)" in ui.app.tree.get("settings.tutorial.on").speakable
    ui.click("settings.tutorial.off")
    ui.click("settings.save")
    assert ui.app.settings.offer_tutorial is False and load_settings().offer_tutorial is False
    ui.click("settings.back")
    ui.click("facilitator.back")
    to_consent(ui)
    ui.click("consent.no")
    assert isinstance(ui.app.scene, BriefScene)  # no offer
    ui.close()


def test_a_practice_interrupted_then_resumed_still_leads_to_the_real_session(tmp_path):
    ui = ui_with_library(tmp_path)
    to_consent(ui)
    ui.click("consent.no")
    ui.click("tutorial.yes")
    ui.click("brief.start")
    ui.click("mail.message.welcome")
    practice = ui.app.session.engine.session_id
    ui.close()  # the machine stops here

    ui = ui_with_library(tmp_path)
    to_consent(ui)
    ui.click("resume.yes")
    assert isinstance(ui.app.scene, PlayerScene) and ui.app.session.engine.session_id == practice
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    ui.click("end.next")
    assert isinstance(ui.app.scene, BriefScene) and ui.app.session.engine.upcoming.id == MEETING
    assert ui.app.session.engine.research_consent is False
    ui.close()


def test_the_tutorial_is_never_chosen_by_an_adaptive_session_nor_offered_in_a_chosen_one(tmp_path):
    assert tutorials(LIBRARY) == [TUTORIAL]
    assert TUTORIAL.scenario.measurement is None
    bank = load_bank(LIBRARY)
    assert TUTORIAL.id not in bank.items
    assessment = Assessment.plan(LIBRARY, AssessmentPlan(), seed=7)
    assert TUTORIAL.id not in [s.id for s in assessment.pool]
    # Run the sequencer to the end of the bank, every answer at the top score: it never picks the tutorial.
    sequencer = Sequencer(AssessmentPlan(min_scenarios=50, max_scenarios=50, time_budget_minutes=1000), bank, 3)
    picked = []
    while (choice := sequencer.next()) is not None:
        picked.append(choice.scenario)
        sequencer.record(choice.scenario, bank.items[choice.scenario].parameters.max_score)
    assert picked and TUTORIAL.id not in picked
    ui = ui_with_library(tmp_path, offer=False)
    ui.app.settings.assessment = AssessmentPlan(mode="chosen")
    to_consent(ui)
    ui.click("consent.no")
    assert isinstance(ui.app.scene, ChooseScene) and TUTORIAL.id not in ui.app.scene.choices
    ui.close()


@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_offer_and_the_end_of_the_practice_fit_at_200_percent(tmp_path, locale):
    ui = ui_with_library(tmp_path, locale=locale, scale=200)
    to_consent(ui)
    ui.click("consent.no")
    assert isinstance(ui.app.scene, PracticeOfferScene)
    assert layout_problems(ui.app) == []
    ui.click("tutorial.yes")
    assert layout_problems(ui.app) == []
    ui.click("brief.start")
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    assert ui.app.tree.get("end.practice") is not None
    assert layout_problems(ui.app) == []
    ui.close()


def test_the_offer_works_with_the_keyboard_alone(tmp_path):
    ui = ui_with_library(tmp_path, locale="en-CA")
    to_consent(ui)
    ui.click("consent.no")
    ui.key("tab")
    assert ui.app.focus.focused_id == "tutorial.no"
    ui.key("return")
    assert isinstance(ui.app.scene, BriefScene) and ui.app.session.engine.upcoming.id == MEETING
    ui.close()
