"""Sync figures, printed as JSON: bytes per session, throughput to a local Ralph, a slow line, frames.

    python benchmarks/sync.py --json

Needs `.venv-ralph` (made by `make test`): a real Ralph LRS 5.1.0 is started on 127.0.0.1 for the run.
- `bytes_per_session`: a typical session of 10 scenarios (every DigComp area with shipped scenarios),
  without and with process data: the statements' bytes, and the HTTP bytes both ways when that session is
  sent alone (request line, headers and body up, status line, headers and body down; TCP/IP not counted).
  Target without process data: <= 24 KB.
- `throughput`: statements per second through NUM+'s sender (outbox bookkeeping included) and Ralph's raw
  ingest measured in the same run (the same kind of statements POSTed in batches of 50 by a bare loop).
  Targets: >= 300/s and >= 0.8 of raw.
- `slow_line`: time to drain 20 sessions through a proxy throttled to 56 kbit/s each way.
- `frames`: the mail client's frame time (paced at 60 frames a second, as the game runs) idle, then while
  the game's background sender sends 1000 statements. Target: p99 while sending <= 1.1 x idle p99.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # stdout is the JSON

# One scenario of each theme and area, as a facilitator's 10-scenario session would mix them.
TYPICAL = ["mail.confirm-meeting", "mail.spot-phishing", "mail.sort-messages", "web.official-hours",
           "web.create-account", "web.government-form", "files.save-attachment", "files.organise-documents",
           "qa.two-obvious-bugs", "web.privacy-settings"]
ROUNDS = 5  # of about 1000 statements each, while frames are timed
TARGETS = {"bytes_without_process_data": 24 * 1024, "statements_per_s": 300, "share_of_raw": 0.8,
           "frame_p99_ratio": 1.1}


def delivery():
    from game.delivery import Delivery
    from sync.xapi import Origin

    return Delivery(Origin(org_url="https://epn.example.org", kiosk_id="kiosk-bench", app_version="0.1.0",
                           platform="NUM+ 0.1.0 / Linux"), texts_consent=False)


def play_sessions(store, count: int, *, consent: bool = False, first: int = 0) -> list[str]:
    """Sessions of the typical 10 scenarios, each scenario played by its real walkthrough's actions would
    be slow; each is ended by the participant instead, which makes statements of the same shape."""
    from game.paths import SCENARIOS
    from game.runtime import actions as a
    from game.runtime.clock import ManualClock
    from game.sessions import PlaySession, scenario_library

    library = scenario_library([SCENARIOS])
    made = []
    for n in range(first, first + count):
        clock = ManualClock()
        play = PlaySession.new(store, [library[sid] for sid in TYPICAL], participant=f"B-{n:05d}", locale="fr-CA",
                               clock=clock, delivery=delivery(), research_consent=consent)
        engine = play.engine
        for _ in TYPICAL:
            run = engine.start_scenario()
            clock.advance(30_000)
            if run.mailbox is not None and run.loaded.scenario.apps.mail.messages:
                engine.apply(a.OpenMessage(run.loaded.scenario.apps.mail.messages[0].id))
            clock.advance(90_000)
            engine.end_scenario("ended_by_participant")
        engine.end_session()
        made.append(engine.session_id)
    return made


class CountingTransport:
    """NUM+'s transport, counting HTTP bytes both ways."""

    def __init__(self, endpoint: str, auth: tuple[str, str]):
        from sync.transport import Transport

        self.inner = Transport(endpoint, *auth)
        self.url = self.inner.url
        self.up = self.down = 0
        self.inner.session.hooks["response"].append(self._count)

    def _count(self, response, *args, **kwargs):
        request = response.request
        head = f"{request.method} {request.path_url} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in request.headers.items()) + "\r\n"
        self.up += len(head.encode()) + len(request.body or b"")
        back = f"HTTP/1.1 {response.status_code} {response.reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in response.headers.items()) + "\r\n"
        self.down += len(back.encode()) + len(response.content)

    def post(self, body: bytes):
        return self.inner.post(body)

    def close(self) -> None:
        self.inner.close()


def sender(path: Path, transport):
    from sync.store import Outbox
    from sync.worker import Sender

    return Sender(Outbox(path), transport)


def bytes_per_session(tmp: Path, ralph) -> dict:
    from game.store import EventStore

    out = {}
    for label, consent in (("without_process_data", False), ("with_process_data", True)):
        path = tmp / f"bytes-{label}.sqlite3"
        store = EventStore(path)
        [session] = play_sessions(store, 1, consent=consent, first=90_000 + consent)
        statements = store._db.execute("SELECT COUNT(*), SUM(LENGTH(body)) FROM outbox WHERE session=?",
                                       (session,)).fetchone()
        store.close()
        transport = CountingTransport(ralph.endpoint, ralph.auth)
        report = sender(path, transport).run_pass()
        assert report.left == 0 and report.quarantined == 0, report
        out[label] = {"statements": statements[0], "statement_bytes": statements[1],
                      "http_bytes_up": transport.up, "http_bytes_down": transport.down,
                      "http_bytes": transport.up + transport.down}
        transport.close()
    out["target_without_process_data"] = TARGETS["bytes_without_process_data"]
    return out


def throughput(tmp: Path, sessions: int) -> dict:
    """Each on a Ralph of its own, started empty: its filesystem store looks for every posted id in what it
    already holds, so the second of two runs on one server would be slowed by the first one's statements."""
    import requests

    from game.store import EventStore
    from sync.transport import Transport
    from tests.lrs_support import RalphServer

    def queued(name: str, first: int) -> tuple[Path, list[bytes]]:
        path = tmp / f"{name}.sqlite3"
        store = EventStore(path)
        play_sessions(store, sessions, first=first)
        bodies = [bytes(r[0]) for r in store._db.execute("SELECT body FROM outbox ORDER BY rowid")]
        store.close()
        return path, bodies

    ours_path, ours_bodies = queued("ours", 10_000)
    _, raw_bodies = queued("raw", 20_000)
    _, warm_bodies = queued("warm", 25_000)

    def warm_up(ralph) -> None:  # its first requests load code and read the credentials: not ingest
        for i in range(0, 200, 50):
            requests.post(ralph.statements_url, data=b"[" + b",".join(warm_bodies[i:i + 50]) + b"]",
                          auth=ralph.auth, headers={"X-Experience-API-Version": "1.0.3",
                                                    "Content-Type": "application/json"}, timeout=60)

    with RalphServer() as ralph:  # Ralph's raw ingest: the same kind of statements, 50 a POST, a bare loop
        warm_up(ralph)
        http = requests.Session()
        http.auth = ralph.auth
        http.headers.update({"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"})
        began = time.perf_counter()
        for i in range(0, len(raw_bodies), 50):
            answer = http.post(ralph.statements_url, data=b"[" + b",".join(raw_bodies[i:i + 50]) + b"]",
                               timeout=60)
            assert answer.status_code in (200, 204), answer.text[:200]
        raw_s = time.perf_counter() - began
        http.close()
    with RalphServer() as ralph:
        warm_up(ralph)
        transport = Transport(ralph.endpoint, *ralph.auth)
        began = time.perf_counter()
        report = sender(ours_path, transport).run_pass()
        ours_s = time.perf_counter() - began
        transport.close()
    assert report.left == 0 and report.sent == len(ours_bodies), report
    ours_rate, raw_rate = len(ours_bodies) / ours_s, len(raw_bodies) / raw_s
    return {"statements": len(ours_bodies), "numplus_per_s": round(ours_rate, 1), "raw_per_s": round(raw_rate, 1),
            "share_of_raw": round(ours_rate / raw_rate, 3), "target_per_s": TARGETS["statements_per_s"],
            "target_share_of_raw": TARGETS["share_of_raw"]}


def slow_line(tmp: Path, ralph, sessions: int) -> dict:
    from game.store import EventStore
    from sync.transport import Transport
    from tests.fault_proxy import FaultProxy

    path = tmp / "slow.sqlite3"
    store = EventStore(path)
    play_sessions(store, sessions, first=30_000)
    count, size = store._db.execute("SELECT COUNT(*), SUM(LENGTH(body)) FROM outbox").fetchone()
    store.close()
    proxy = FaultProxy("127.0.0.1", ralph.port)
    proxy.start()
    proxy.throttle(7000)  # 56 kbit/s each way
    transport = Transport(f"http://127.0.0.1:{proxy.port}/xAPI/", *ralph.auth, timeout=(10, 300))
    began = time.perf_counter()
    report = sender(path, transport).run_pass()
    seconds = time.perf_counter() - began
    transport.close()
    proxy.stop()
    assert report.left == 0, report
    return {"sessions": sessions, "statements": count, "statement_bytes": size, "seconds": round(seconds, 1),
            "bytes_per_second": 7000}


def frames(tmp: Path, ralph) -> dict:
    """Frames paced at 60 a second, as the game runs; the sender works in the time between frames."""
    import pygame

    from benchmarks.frame import big_mailbox_scenario, make_app, summary
    from game.settings import Settings
    from game.ui.app import start_sync_worker

    os.environ["NUMPLUS_DATA_DIR"] = str(tmp)
    app, clock = make_app(tmp, big_mailbox_scenario())
    database = app.store.path

    def paced(n: int, until=None) -> list[float]:
        times = []
        next_at = time.perf_counter()
        for _ in range(n):
            clock.advance(16)
            started = time.perf_counter()
            app.frame(pygame.event.get())
            times.append((time.perf_counter() - started) * 1000)
            next_at += 1 / 60
            time.sleep(max(0.0, next_at - time.perf_counter()))
            if until is not None and until():
                break
        return times

    paced(30)
    idle = paced(600)
    settings = Settings(lrs_endpoint=ralph.endpoint, lrs_username=ralph.username, lrs_password=ralph.password)
    worker = start_sync_worker(settings, database)
    busy: list[float] = []
    queued = 0
    began = time.perf_counter()
    for round_ in range(ROUNDS):  # ~1000 statements a round; rounds pool enough frames for a p99
        play_sessions(app.store, 1000 // 16 + 1, first=40_000 + 1000 * round_)
        queued += app.store._db.execute("SELECT COUNT(*) FROM outbox WHERE state='pending'").fetchone()[0]
        worker.nudge()
        busy += paced(60 * 120, until=lambda: app.store._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE state!='sent'").fetchone()[0] == 0)
    seconds = time.perf_counter() - began
    sent = app.store._db.execute("SELECT COUNT(*) FROM outbox WHERE state!='sent'").fetchone()[0] == 0
    worker.stop()
    app.close()
    idle_summary, busy_summary = summary(idle), summary(busy)
    return {"idle": idle_summary, "while_sending": busy_summary, "statements": queued, "rounds": ROUNDS,
            "sending_seconds": round(seconds, 2), "all_sent": sent,
            "p99_ratio": round(busy_summary["p99_ms"] / idle_summary["p99_ms"], 3),
            "median_ratio": round(statistics.median(busy) / statistics.median(idle), 3),
            "target_p99_ratio": TARGETS["frame_p99_ratio"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--throughput-sessions", type=int, default=150, help="sessions sent to measure throughput")
    parser.add_argument("--slow-sessions", type=int, default=20, help="sessions drained through 56 kbit/s")
    args = parser.parse_args()
    from tests.lrs_support import RalphServer

    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, RalphServer() as ralph:
        tmp = Path(folder)
        os.environ["NUMPLUS_DATA_DIR"] = str(tmp)
        os.environ["NUMPLUS_CONFIG_DIR"] = str(tmp)
        result = {"bytes_per_session": bytes_per_session(tmp, ralph),
                  "throughput": throughput(tmp, args.throughput_sessions),
                  "frames": frames(tmp, ralph),
                  "slow_line": slow_line(tmp, ralph, args.slow_sessions)}
    print(json.dumps(result, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    print(f"wall time {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
