"""Sessions as the facilitator sees them; deleting delivered sessions; erasure on request with voiding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.delivery import Delivery
from game.facilitator.records import NotDeletable, delete_session, erase_participant, session_rows
from game.paths import SCENARIOS
from game.runtime.clock import ManualClock
from game.sessions import PlaySession, scenario_library
from game.store import EventStore
from sync import xapi
from sync.store import Outbox
from tests.lrs_support import validate_with_ralph
from tests.ui_support import Ui, layout_problems

LIBRARY = scenario_library([SCENARIOS])
ORIGIN = xapi.Origin(org_url="https://epn.example.org", kiosk_id="kiosk-a1b2c3d4", app_version="0.1.0",
                     platform="NUM+ test")


def play(store: EventStore, code: str, *, finish: bool = True) -> str:
    session = PlaySession.new(store, [LIBRARY["mail.confirm-meeting"], LIBRARY["web.official-hours"]],
                              participant=code, locale="fr-CA", clock=ManualClock(),
                              delivery=Delivery(ORIGIN, texts_consent=False))
    engine = session.engine
    engine.start_scenario()
    engine.end_scenario("ended_by_participant")
    if finish:
        engine.start_scenario()
        engine.end_scenario("ended_by_participant")
        engine.end_session()
    return engine.session_id


def send_all(store: EventStore, session: str) -> None:
    outbox = Outbox(store.path)
    ids = [r[0] for r in outbox.db.execute("SELECT id FROM outbox WHERE session=?", (session,))]
    outbox.mark_sending(ids)
    outbox.mark_sent(ids)
    outbox.close()


@pytest.fixture
def store(tmp_path):
    found = EventStore(tmp_path / "numplus.sqlite3")
    yield found
    found.close()


def rows_by_id(store):
    return {row.id: row for row in session_rows(store)}


def test_each_session_shows_its_state_and_whether_its_results_left(store, tmp_path):
    running = play(store, "AAA-111", finish=False)
    waiting = play(store, "BBB-222")
    sent = play(store, "CCC-333")
    send_all(store, sent)
    carried = play(store, "DDD-444")
    outbox = Outbox(store.path)
    outbox.mark_carried([carried])
    outbox.close()
    rows = rows_by_id(store)
    assert (rows[running].status, rows[running].delivery, rows[running].deletable) == ("in_progress", "waiting", False)
    assert (rows[waiting].status, rows[waiting].delivery, rows[waiting].deletable) == ("finished", "waiting", False)
    assert (rows[sent].delivery, rows[sent].deletable) == ("synced", True)
    assert (rows[carried].carried, rows[carried].deletable) == (True, True)


def test_a_session_is_deleted_only_once_delivered_and_the_deletion_is_logged_without_the_code(store):
    waiting, sent = play(store, "BBB-222"), play(store, "CCC-333")
    send_all(store, sent)
    with pytest.raises(NotDeletable):
        delete_session(store, rows_by_id(store)[waiting])
    assert delete_session(store, rows_by_id(store)[sent])["sessions"] == 1
    assert sent not in rows_by_id(store) and store.events(sent) == [] and store.results(sent) == {}
    assert store._db.execute("SELECT COUNT(*) FROM outbox WHERE session=?", (sent,)).fetchone()[0] == 0
    log = store._db.execute("SELECT * FROM erasures").fetchall()
    assert len(log) == 1 and "CCC-333" not in json.dumps(log) and sent not in json.dumps(log)
    assert waiting in rows_by_id(store)


def test_erasure_on_request_voids_what_was_sent_and_drops_what_was_not(store):
    first, second, other = play(store, "ERA-SE1"), play(store, "ERA-SE1", finish=False), play(store, "KEE-P01")
    send_all(store, first)
    sent = store.sent_statements([first])
    assert sent
    done = erase_participant(store, "ERA-SE1", ORIGIN)
    assert done["sessions"] == 2 and done["statements_voided"] == len(sent) and done["statements_dropped"] > 0
    assert set(rows_by_id(store)) == {other}
    assert store._db.execute("SELECT COUNT(*) FROM events WHERE session IN (?, ?)", (first, second)).fetchone()[0] == 0
    queued = [json.loads(r[0]) for r in store._db.execute(
        "SELECT body FROM outbox WHERE kind='voided' AND state='pending' ORDER BY rowid")]
    assert sorted(s["object"]["id"] for s in queued) == sorted(sent)
    for statement in queued:
        xapi.validate(statement)
        assert statement["actor"]["account"]["name"] == "KIOSK-A1B2C3D4"
        assert "ERA-SE1" not in json.dumps(statement)
    assert validate_with_ralph(queued) == [None] * len(queued)
    assert "ERA-SE1" not in json.dumps(store._db.execute("SELECT * FROM erasures").fetchall())
    assert erase_participant(store, "ERA-SE1", ORIGIN)["sessions"] == 0


def test_the_facilitator_erases_a_code_through_the_sessions_screen(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", library=LIBRARY)
    erased = play(ui.store, "ERA-SE2")
    keep = play(ui.store, "KEE-P02")
    from game.ui.scenes.sessions import SessionsScene

    ui.app.show(SessionsScene(ui.app))
    ui.driver.settle()
    assert ui.text(f"sessions.row.{erased}").startswith("ERA-SE2 · ") and "finished" in ui.text(f"sessions.row.{erased}")
    assert ui.text(f"sessions.row.{keep}").startswith("KEE-P02 · ")
    assert layout_problems(ui.app) == []
    ui.click("sessions.erase.code")
    ui.type("era-se2")
    ui.click("sessions.erase.go")
    assert "Erase the 1 session(s) of code ERA-SE2" in ui.text("dialog.erase.text")
    ui.click("sessions.erase.yes")
    assert "1 session(s) erased" in ui.text("dialog.notice.text")
    ui.click("dialog.notice.ok")
    assert [row.participant for row in session_rows(ui.store)] == ["KEE-P02"]
    ui.close()


@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_sessions_screen_fits_at_200_percent(tmp_path, locale):
    ui = Ui(tmp_path, locale=locale, scale=200, library=LIBRARY)
    for n in range(3):
        play(ui.store, f"FIT-00{n}", finish=n != 0)
    from game.ui.scenes.sessions import SessionsScene

    ui.app.show(SessionsScene(ui.app))
    ui.driver.settle()
    assert layout_problems(ui.app) == []
    ui.close()


def test_the_facilitator_sees_a_finished_sessions_result_and_comes_back(tmp_path):
    ui = Ui(tmp_path, locale="en-CA", library=LIBRARY)
    finished = play(ui.store, "RES-ULT")
    from game.ui.scenes.end import SummaryScene
    from game.ui.scenes.sessions import SessionsScene

    ui.app.show(SessionsScene(ui.app))
    ui.driver.settle()
    ui.click(f"sessions.result.{finished}")
    assert isinstance(ui.app.scene, SummaryScene) and ui.app.session is None
    assert ui.text("summary.title") == "Result of the session of code RES-ULT"  # for the facilitator
    assert "Foundation" in ui.text("summary.area.communication-collaboration")  # nothing done: the lowest group
    assert layout_problems(ui.app) == []
    ui.click("summary.finish")  # here: back to the list
    assert isinstance(ui.app.scene, SessionsScene)
    ui.close()
