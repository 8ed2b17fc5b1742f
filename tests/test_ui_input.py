"""The real UI driven by real input events: mouse, Tab focus, Enter and Space, wheel, dialogs."""

from __future__ import annotations

import pygame

from benchmarks.frame import big_mailbox_scenario
from game.store import EventStore
from game.ui.input_events import wheel_event
from game.ui.scenes.code import CodeScene
from game.ui.scenes.flow import start_single_scenario
from game.ui.scenes.title import TitleScene
from scoring.adaptive import AssessmentPlan
from tests.ui_support import Ui


def start_confirm(ui: Ui) -> None:
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-INPUT")
    ui.driver.settle()
    ui.click("brief.start")


def types(ui: Ui) -> list[str]:
    return [e["type"] for e in ui.events()]


def test_tab_order_follows_reading_order_and_wraps(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    ui.click("mail.message.meeting")
    order = [ui.app.focus.focused_id]
    for _ in range(len(ui.tree.focusables())):
        ui.key("tab")
        order.append(ui.app.focus.focused_id)
    assert order[0] == "mail.message.meeting"
    cycle = order[1:]
    assert cycle[-1] == "mail.message.meeting"  # back where it started: Tab wraps around
    assert cycle[:3] == ["mail.message.newsletter", "mail.reply", "mail.reply_all"]
    assert cycle.index("mail.reply") < cycle.index("mail.delete") < cycle.index("taskbar.mail")
    assert cycle.index("scenario.text_size") < cycle.index("scenario.help") < cycle.index("scenario.done")
    ui.key("shift+tab")
    assert ui.app.focus.focused_id == cycle[-2]
    ui.close()


def test_enter_and_space_activate_the_focused_element(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    assert ui.app.focus.focused_id == "mail.message.meeting"  # first message focused on arrival
    ui.key("enter")
    assert types(ui)[-1] == "message_opened"
    while ui.app.focus.focused_id != "mail.reply":
        ui.key("tab")
    ui.key("space")
    assert types(ui)[-1] == "reply_started"
    assert ui.app.focus.focused_id == "compose.body"  # a reply starts where one writes
    ui.close()


def test_sending_without_recipient_is_refused_with_a_clear_message(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    start_confirm(ui)
    ui.click("mail.compose")
    ui.click("compose.subject")
    ui.type("Question")
    ui.click("compose.send")
    assert ui.app.dialog is not None
    assert ui.text("dialog.notice.text").startswith("Ajoutez au moins un destinataire")
    last = ui.events()[-1]
    assert last["type"] == "action_rejected" and last["payload"]["reason"] == "no_recipient"
    ui.click("dialog.notice.ok")
    assert ui.app.dialog is None
    assert ui.app.widgets.fields["compose.subject"].get() == "Question"  # nothing typed is lost
    ui.close()


def test_invalid_address_is_refused_then_corrected(tmp_path):
    ui = Ui(tmp_path, locale="en-CA")
    start_confirm(ui)
    ui.click("mail.compose")
    ui.click("compose.to")
    ui.type("sophie.gagnon at chezmado")
    ui.click("compose.send")
    assert "not valid" in ui.text("dialog.notice.text")
    ui.click("dialog.notice.ok")
    field = ui.app.widgets.fields["compose.to"]
    field.set("")
    ui.click("compose.to")
    ui.type("sophie.gagnon@chezmado.ca")
    ui.click("compose.send")
    assert types(ui)[-1] == "message_sent"
    assert ui.text("dialog.sent.title") == "Message sent"
    ui.close()


def test_im_done_ends_the_scenario_after_confirmation(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    ui.click("scenario.done")
    ui.click("dialog.done.cancel")
    assert ui.app.scene.__class__.__name__ == "PlayerScene"
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    last = ui.events()[-1]
    assert last["type"] == "scenario_ended" and last["payload"]["outcome"] == "ended_by_participant"
    assert ui.app.scene.__class__.__name__ == "EndScene"
    session_id = ui.app.session.engine.session_id
    ui.click("end.next")
    ui.click("summary.finish")
    assert ui.store.events(session_id)[-1].type == "session_ended"
    assert not ui.app.running  # a single-scenario preview closes at the end
    ui.close()


def test_help_shows_the_brief_and_is_logged(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    ui.click("scenario.help")
    assert "Sophie Gagnon" in ui.text("dialog.help.text")
    assert types(ui)[-1] == "help_opened"
    ui.key("enter")  # focus is on the close button
    assert ui.app.dialog is None
    assert ui.app.focus.focused_id == "scenario.help"  # focus returns where it was
    ui.close()


def test_text_size_change_is_an_event_and_relayouts(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    small = ui.tree.get("scenario.help").rect.h
    ui.click("scenario.text_size")
    last = ui.events()[-1]
    assert last["type"] == "accommodation_changed"
    assert last["payload"] == {"name": "text_scale", "value": 150}
    assert ui.tree.get("scenario.help").rect.h > small
    ui.close()


def test_title_language_and_code_screen(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    assert ui.text("title.start") == "Commencer"
    ui.click("title.lang.en-CA")
    assert ui.text("title.start") == "Start"
    ui.click("title.scale.200")
    assert ui.app.text_scale == 200
    ui.click("title.start")
    assert isinstance(ui.app.scene, CodeScene)
    ui.type("x!")
    ui.key("enter")
    assert "3 to 20 letters" in ui.text("code.error")
    ui.app.widgets.fields["code.entry"].set("")
    ui.click("code.entry")
    ui.type("abc-123")
    ui.click("code.continue")
    assert ui.app.scene.__class__.__name__ == "ConsentScene"  # asked before anything is recorded
    assert ui.app.session is None
    ui.click("consent.yes")
    assert ui.app.session is not None and ui.app.session.engine.participant == "ABC-123"
    assert ui.events()[0]["payload"]["consent"] == {"research": True}
    assert ui.app.scene.__class__.__name__ == "BriefScene"
    ui.close()


def test_restart_offers_to_resume_with_the_same_state(tmp_path):
    first = Ui(tmp_path)
    first.app.show(CodeScene(first.app))
    first.driver.settle()
    first.type("KIOSK-7")
    first.key("enter")
    first.click("consent.no")
    first.click("brief.start")
    first.click("mail.message.meeting")
    first.click("mail.reply")
    first.click("compose.body")
    first.type("Oui, je serai là.")
    first.click("compose.subject")  # leaving the field hands the text to the runtime
    session_id = first.app.session.engine.session_id
    first.app.rebuild()
    pygame.display.quit()  # the machine "crashes": no session_ended
    first.store.close()

    second = Ui(tmp_path)
    assert [s.id for s in second.store.unfinished_sessions("KIOSK-7")] == [session_id]
    second.app.show(CodeScene(second.app))
    second.driver.settle()
    second.type("kiosk-7")
    second.key("enter")
    second.click("resume.yes")
    assert second.app.session.engine.session_id == session_id
    assert second.app.widgets.fields["compose.body"].get() == "Oui, je serai là."
    second.click("compose.send")
    second.click("dialog.sent.ok")
    kinds = types(second)
    assert "session_resumed" in kinds and kinds[-1] == "scenario_ended"
    second.close()


def test_wheel_and_arrow_keys_scroll_a_200_message_folder(tmp_path):
    loaded = big_mailbox_scenario(200)
    ui = Ui(tmp_path, library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-BIG")
    ui.driver.settle()
    ui.click("brief.start")
    mail = ui.app.scene.mail
    first = list(mail.visible_rows)
    assert 3 < len(first) < 200
    ui.driver.post(wheel_event(-1, mail.list_rect.center))
    assert mail.visible_rows[0] != first[0]
    ui.click("mail.message.m0")  # the oldest, at the very bottom: the driver wheels down to it like a person
    assert ui.events()[-1]["payload"]["message"] == "m0"
    ui.close()


def test_keyboard_only_reaches_a_message_far_down_the_list(tmp_path):
    loaded = big_mailbox_scenario(60)
    ui = Ui(tmp_path, library={loaded.id: loaded}, keyboard_only=True)
    start_single_scenario(ui.app, loaded, "TEST-KBD")
    ui.driver.settle()
    ui.click("brief.start")
    ui.click("mail.message.m3")
    assert ui.events()[-1]["type"] == "message_opened"
    assert ui.events()[-1]["payload"]["message"] == "m3"
    ui.close()


def test_corrupt_database_is_set_aside_and_reported(tmp_path):
    db = tmp_path / "ui.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    ui = Ui(tmp_path, locale="en-CA")
    assert ui.store.moved_aside is not None and ui.store.moved_aside.exists()
    assert ui.store.moved_aside.read_bytes().startswith(b"this is not a database")
    assert "could not be read" in ui.text("dialog.notice.text")
    ui.close()
    EventStore(db).close()


def test_escape_closes_a_dialog_without_choosing(tmp_path):
    ui = Ui(tmp_path)
    start_confirm(ui)
    ui.click("scenario.done")
    ui.key("escape")
    assert ui.app.dialog is None
    assert ui.app.session.engine.current.outcome is None  # Escape never ends the scenario
    ui.click("mail.message.meeting")
    ui.click("mail.report")
    ui.key("escape")
    assert ui.app.dialog is None
    assert "message_reported" not in types(ui)
    ui.close()


def test_recorded_walkthrough_replays_to_the_same_outcome(tmp_path, capsys):
    from game.cli import main
    from game.scenario.walkthrough import load_walkthrough
    from game.ui.recorder import Recorder

    ui = Ui(tmp_path)
    recording = tmp_path / "recorded.walkthrough.yaml"
    ui.app.recorder = Recorder(recording, "mail.confirm-meeting")
    start_confirm(ui)  # the brief's button press is recorded too
    ui.click("mail.message.meeting")
    ui.click("mail.reply")
    ui.click("compose.body")
    ui.type("Bonjour, oui je serai présente. Merci!")
    ui.click("compose.send")
    ui.click("dialog.sent.ok")
    ui.close()
    walkthrough = load_walkthrough(recording, ui.app.library["mail.confirm-meeting"])
    assert [getattr(s, "click", None) for s in walkthrough.steps][:3] == ["brief.start", "mail.message.meeting",
                                                                           "mail.reply"]
    assert any(getattr(s, "type", None) == "Bonjour, oui je serai présente. Merci!" for s in walkthrough.steps)
    code = main(["play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(recording),
                 "--out", str(tmp_path / "replay")])
    assert code == 0, capsys.readouterr().err


def test_end_condition_met_by_typing_ends_the_scenario_cleanly(tmp_path):
    from game.scenario.loader import load_scenario
    from tests.ui_support import CONFIRM

    text = CONFIRM.read_text(encoding="utf-8").replace(
        "    - event: message_sent\n      where:\n        in_reply_to: meeting\n",
        "    - event: body_set\n      where:\n        body: {min_length: 5}\n", 1)
    path = tmp_path / "typing.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    ui = Ui(tmp_path, library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-TYPE")
    ui.driver.settle()
    ui.click("brief.start")
    ui.click("mail.message.meeting")
    ui.click("mail.reply")
    ui.click("compose.body")
    ui.type("Oui, je serai là.")
    ui.click("compose.send")  # handing the body over meets the end conditions first
    assert ui.app.scene.__class__.__name__ == "EndScene"
    kinds = types(ui)
    assert kinds[-2:] == ["body_set", "scenario_ended"] and "message_sent" not in kinds
    ui.close()


def test_address_book_adds_a_contact_to_the_recipients(tmp_path):
    ui = Ui(tmp_path, locale="en-CA")
    start_confirm(ui)
    ui.click("mail.compose")
    ui.click("compose.contacts")
    assert ui.text("compose.contact.1") == "Sophie Gagnon <sophie.gagnon@chezmado.ca>"
    ui.click("compose.contact.2")
    assert ui.app.widgets.fields["compose.to"].get() == "karim.haddad@chezmado.ca"
    last = ui.events()[-1]
    assert last["type"] == "recipients_set" and last["payload"]["to"] == ["karim.haddad@chezmado.ca"]
    assert ui.app.focus.focused_id == "compose.to"
    ui.close()


def test_the_original_message_can_be_read_again_while_replying(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA")
    start_confirm(ui)
    ui.click("mail.message.meeting")
    ui.click("mail.reply")
    ui.click("compose.body")
    ui.type("Oui")
    ui.click("compose.original")
    assert ui.text("dialog.original.title") == "Rencontre d'équipe mardi à 14 h"
    assert "Peux-tu me confirmer" in ui.text("dialog.original.text")
    ui.key("escape")
    assert ui.app.widgets.fields["compose.body"].get() == "Oui"  # the draft is intact
    assert ui.app.focus.focused_id == "compose.original"
    ui.close()


def test_a_full_session_from_the_title_screen_through_two_scenarios(tmp_path):
    from game.paths import SCENARIOS
    from game.sessions import scenario_library

    library = scenario_library([SCENARIOS])
    two = {sid: library[sid] for sid in ("mail.confirm-meeting", "mail.spot-phishing")}
    ui = Ui(tmp_path, locale="en-CA", library=two)
    ui.app.settings.assessment = AssessmentPlan(mode="fixed", scenarios=list(two), min_scenarios=1)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type("EPN-42")
    ui.click("code.continue")
    ui.click("consent.no")
    assert ui.text("brief.step") == "Task 1 of 2"
    ui.click("brief.start")
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    ui.click("end.next")
    assert ui.text("brief.step") == "Task 2 of 2"
    assert ui.text("brief.title") == two["mail.spot-phishing"].scenario.title["en-CA"]
    ui.click("brief.start")
    ui.click("mail.message.parcel")
    ui.click("mail.report")
    ui.click("mail.report.phishing")
    assert ui.text("end.text").startswith("Well done")
    ui.click("end.next")
    assert "stopped by you" in ui.text("summary.scenario.0")
    assert "finished" in ui.text("summary.scenario.1")
    # Both scenarios are scored: the summary says what was measured and how sure it is.
    assert ui.text("summary.area.communication-collaboration").startswith("Communication")
    assert ui.text("summary.area.safety").startswith("Safety")
    assert "Not measured this time" in ui.text("summary.not_measured")
    session_id = ui.app.session.engine.session_id
    ui.click("summary.finish")
    assert isinstance(ui.app.scene, TitleScene) and ui.app.running
    kinds = [e.type for e in ui.store.events(session_id)]
    assert kinds[0] == "session_started" and kinds[-1] == "session_ended"
    assert kinds.count("scenario_started") == 2 and kinds.count("scenario_ended") == 2
    assert ui.store.sessions("ended")[0].participant == "EPN-42"
    ui.close()
