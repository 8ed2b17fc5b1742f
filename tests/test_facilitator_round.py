"""A facilitator's round on the real UI, driven headless: codes, a participant's session, the result on
screen and on paper, and the research export."""

from __future__ import annotations

import csv
import re

from game.cli import main
from game.facilitator.codes import is_valid
from game.paths import SCENARIOS
from game.scenario.loader import load_scenario
from game.settings import Settings
from game.ui.app import GameApp
from game.ui.headless import Driver
from game.ui.scenes.title import TitleScene
from scoring.adaptive import AssessmentPlan
from tests.ui_support import Ui

MEETING = load_scenario(SCENARIOS / "mail" / "confirm-meeting.yaml")


def test_a_facilitators_round(tmp_path, capsys):
    ui = Ui(tmp_path, locale="fr-CA", library={MEETING.id: MEETING})
    ui.app.close()
    settings = Settings(locale="fr-CA", org_name="Espace numérique de Rimouski",
                        assessment=AssessmentPlan(mode="fixed", scenarios=[MEETING.id], min_scenarios=1))
    ui.app = GameApp(store=ui.store, library={MEETING.id: MEETING}, settings=settings, clock=ui.clock,
                     headless=True, kiosk=True)
    ui.driver = Driver(ui.app, ui.clock)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()

    # The facilitator chooses the PIN (first time), makes codes and saves them to print.
    ui.click("title.facilitator")
    for field in ("pin.entry", "pin.confirm"):
        ui.click(field)
        ui.type("482916")
    ui.click("pin.ok")
    ui.click("facilitator.codes")
    ui.click("codes.make.10")
    code = ui.text("codes.code.0")
    assert is_valid(code)
    ui.click("codes.print")
    sheet = re.search(r"(/\S+\.pdf)", ui.text("dialog.notice.text")).group(1)
    assert open(sheet, "rb").read(5) == b"%PDF-"
    ui.click("dialog.notice.ok")
    ui.click("codes.back")
    ui.click("facilitator.back")

    # The participant types their code, answers the consent question and does the task.
    ui.click("title.start")
    ui.type(code.lower())
    ui.click("code.continue")
    ui.click("consent.yes")
    ui.click("brief.start")
    ui.click("mail.message.meeting")
    ui.click("mail.reply")
    ui.click("compose.body")
    ui.type("Bonjour Sophie, oui, je serai présent mardi. Merci!")
    ui.click("compose.send")
    ui.click("dialog.sent.ok")
    ui.click("end.next")
    assert "Communication" in ui.text("summary.area.communication-collaboration")
    session_id = ui.app.session.engine.session_id
    ui.click("summary.finish")
    assert isinstance(ui.app.scene, TitleScene)

    # The facilitator sees the result and saves it as a PDF.
    ui.click("title.facilitator")
    ui.click("pin.entry")
    ui.type("482916")
    ui.click("pin.ok")
    ui.click("facilitator.sessions")
    assert ui.text(f"sessions.row.{session_id}").startswith(code)
    ui.click(f"sessions.result.{session_id}")
    ui.click("summary.pdf")
    report = re.search(r"(/\S+\.pdf)", ui.text("dialog.notice.text")).group(1)
    assert open(report, "rb").read(5) == b"%PDF-"
    ui.click("dialog.notice.ok")
    ui.click("summary.finish")
    ui.click("sessions.back")
    ui.click("facilitator.quit")
    assert not ui.app.running
    ui.close()

    # Research data, by the command a researcher runs.
    out = tmp_path / "results.csv"
    assert main(["export", "--what", "results", "--format", "csv", "--out", str(out),
                 "--database", str(tmp_path / "ui.sqlite3")]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    mine = [r for r in rows if r["session_id"] == session_id]
    assert mine and all(r["participant_code"] == code and r["consent"] == "TRUE" for r in mine)
    assert {r["area"] for r in mine if r["status"] == "measured"} == {"overall", "communication-collaboration"}
    capsys.readouterr()
