"""Every screen of every shipped scenario at 100% and 200%, in both languages: texts fit, nothing overlaps.

Checked through the UI's element tree (ids, texts, rectangles), never by OCR.
"""

from __future__ import annotations

import pytest

from game.paths import SCENARIOS
from game.scenario.walkthrough import load_walkthrough, walkthrough_path
from game.sessions import scenario_library
from game.ui.scenes.code import CodeScene
from game.ui.scenes.consent import ConsentScene
from game.ui.scenes.flow import start_single_scenario
from game.ui.scenes.title import TitleScene
from tests.ui_support import Ui, layout_problems

LIBRARY = scenario_library([SCENARIOS])


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_title_and_code_screens_fit(tmp_path, scale, locale):
    ui = Ui(tmp_path, locale=locale, scale=scale)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    assert layout_problems(ui.app) == []
    ui.app.show(CodeScene(ui.app))
    ui.driver.settle()
    assert layout_problems(ui.app) == []
    ui.app.show(ConsentScene(ui.app, "ABC-123"))
    ui.driver.settle()
    assert layout_problems(ui.app) == []
    ui.close()


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_every_screen_of_the_walkthrough_fits(tmp_path, scenario_id, locale, scale):
    loaded = LIBRARY[scenario_id]
    walkthrough = load_walkthrough(walkthrough_path(loaded.path), loaded)
    ui = Ui(tmp_path, locale=locale, scale=scale, library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-LAYOUT")
    ui.driver.settle()
    seen = []
    assert layout_problems(ui.app) == [], "brief"
    for number, step in enumerate(walkthrough.steps, 1):
        ui.driver.step(step, locale)
        problems = layout_problems(ui.app)
        assert problems == [], f"after step {number} {step}"
        seen.append(ui.app.scene.__class__.__name__)
    assert "PlayerScene" in seen
    ui.close()


def test_mail_client_texts_on_screen_in_french(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-FR")
    ui.click("brief.start")
    assert ui.text("mail.folder.inbox") == "Boîte de réception (1)"
    assert "Sophie Gagnon" in ui.text("mail.message.meeting")
    assert "Rencontre d'équipe mardi à 14 h" in ui.text("mail.message.meeting")
    ui.click("mail.message.meeting")
    assert ui.text("mail.reading.subject") == "Rencontre d'équipe mardi à 14 h"
    assert ui.text("mail.reply") == "Répondre"
    assert ui.text("mail.reading.from") == "De : Sophie Gagnon <sophie.gagnon@chezmado.ca>"
    assert "Peux-tu me confirmer" in ui.text("mail.reading.body")
    assert ui.text("mail.folder.inbox") == "Boîte de réception"  # read now: no unread count
    ui.click("mail.reply")
    assert ui.app.widgets.fields["compose.to"].get() == "sophie.gagnon@chezmado.ca"
    assert ui.app.widgets.fields["compose.subject"].get() == "RE : Rencontre d'équipe mardi à 14 h"
    ui.close()


def test_mail_client_texts_on_screen_in_english_at_200_percent(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", scale=200)
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-EN")
    ui.click("brief.start")
    assert ui.text("mail.folder.inbox") == "Inbox (1)"
    ui.click("mail.message.meeting")
    assert ui.text("mail.reading.subject") == "Team meeting Tuesday at 2 p.m."
    assert ui.text("mail.back") == "Back to the list"  # one pane at a time at large text
    assert ui.tree.get("mail.folder.inbox") is None
    body = ui.tree.get("mail.reply")
    assert body.rect.h >= 2 * 44 - 20  # targets grow with the text
    ui.close()
