"""Frame-time, idle CPU, start-up time and peak memory of the mail client, printed as JSON.

    python benchmarks/frame.py --json

Cases at 1280x720 under SDL's dummy driver: the mail client idle, typing into a message,
scrolling a 200-message folder; a browser page with a 30-field form (idle, typing, scrolling);
a file manager folder of 500 files (scrolling); the QA game's busiest level played at 60 updates a
second (one step and one drawn frame per frame). Targets (issue 2): every p99 <= 8 ms, idle CPU <= 2 % of
one core over 10 s, start <= 1.5 s, peak RSS <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def big_mailbox_scenario(n: int = 200):
    """A scenario whose inbox holds n messages, built in memory."""
    from game.scenario.loader import LoadedScenario
    from game.scenario.models import Scenario

    start = datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
    messages = [{
        "id": f"m{i}", "from": {"name": f"Collègue {i}", "address": f"collegue{i}@exemple.ca"},
        "to": [{"name": "Alex", "address": "alex@exemple.ca"}],
        "subject": {"fr-CA": f"Sujet numéro {i}", "en-CA": f"Subject number {i}"},
        "body": {"fr-CA": "Bonjour,\n" + "Texte du message. " * 20, "en-CA": "Hello,\n" + "Message text. " * 20},
        "time": (start + timedelta(minutes=37 * i)).isoformat(), "read": i % 3 == 0,
    } for i in range(n)]
    scenario = Scenario.model_validate({
        "id": "bench.big-mailbox", "version": 1, "title": {"fr-CA": "Banc d'essai", "en-CA": "Benchmark"},
        "brief": {"fr-CA": "Essai.", "en-CA": "Test."}, "competences": ["2.1"], "estimated_minutes": 5,
        "apps": {"mail": {"me": {"name": "Alex", "address": "alex@exemple.ca"}, "messages": messages}},
        "end": {"all": [{"event": "message_sent"}]},
        "evidence": [{"observable": "sent", "competence": "2.1", "rule": "happened", "event": "message_sent"}],
    })
    return LoadedScenario(scenario=scenario, path=Path("bench.yaml"), content_hash="0" * 64)


def web_and_files_scenario(fields: int = 30, files: int = 500):
    """A browser page with a form of `fields` fields and a folder of `files` files, built in memory."""
    from game.scenario.loader import LoadedScenario
    from game.scenario.models import Scenario

    def text(fr: str, en: str) -> dict:
        return {"fr-CA": fr, "en-CA": en}

    form = {"type": "form", "id": "long", "submit": text("Envoyer", "Send"), "fields": [
        {"id": f"q{i}", "kind": "textarea" if i % 10 == 9 else "text", "required": False,
         "label": text(f"Question {i + 1} : votre réponse", f"Question {i + 1}: your answer")} for i in range(fields)]}
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    scenario = Scenario.model_validate({
        "id": "bench.web-files", "version": 1, "title": text("Banc d'essai", "Benchmark"),
        "brief": text("Essai.", "Test."), "competences": ["1.3"], "estimated_minutes": 5, "start_app": "browser",
        "apps": {
            "browser": {"home": "form", "pages": [{"id": "form", "url": "https://www.formulaire.example/",
                                                   "title": text("Formulaire", "Form"),
                                                   "blocks": [{"type": "heading", "text": text("Long", "Long")},
                                                              form]}]},
            "files": {"files": [{"id": f"doc{i}", "name": f"document-{i:03d}.pdf", "kind": "pdf",
                                 "modified": (start + timedelta(hours=i)).isoformat()} for i in range(files)]},
        },
        "end": {"all": [{"event": "form_submitted"}]},
        "evidence": [{"observable": "sent", "competence": "1.3", "rule": "happened", "event": "form_submitted"}],
    })
    return LoadedScenario(scenario=scenario, path=Path("bench-web.yaml"), content_hash="1" * 64)


def make_app(tmp: Path, loaded):
    from game.runtime.clock import ManualClock
    from game.settings import Settings
    from game.store import EventStore
    from game.ui.app import GameApp
    from game.ui.scenes.flow import start_single_scenario
    from game.ui.scenes.player import PlayerScene

    clock = ManualClock()
    store = EventStore(tmp / "bench.sqlite3")
    app = GameApp(store=store, library={loaded.id: loaded}, settings=Settings(), clock=clock, headless=True)
    start_single_scenario(app, loaded, "BENCH-1")
    app.session.engine.start_scenario()
    app.show(PlayerScene(app))
    return app, clock


def timed_frames(app, clock, n: int, make_events) -> list[float]:
    import pygame

    times = []
    for i in range(n):
        for event in make_events(i):
            pygame.event.post(event)
        clock.advance(16)
        started = time.perf_counter()
        app.frame(pygame.event.get())
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
            "frames": len(ordered)}


def frame_cases() -> dict:
    import pygame

    from game.ui import input_events as ev

    loaded = big_mailbox_scenario()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NUMPLUS_DATA_DIR"] = tmp
        app, clock = make_app(Path(tmp), loaded)
        results = {}
        timed_frames(app, clock, 30, lambda i: [])  # warm-up
        results["mail_idle"] = summary(timed_frames(app, clock, 300, lambda i: []))

        mail = app.scene.mail
        centre = mail.list_rect.center
        pygame.event.post(ev.wheel_event(0, centre)[0])  # pointer over the list
        app.frame(pygame.event.get())

        def wheel(i):
            return ev.wheel_event(-1 if (i // 60) % 2 == 0 else 1, centre)[1:]

        results["scrolling_200_messages"] = summary(timed_frames(app, clock, 300, wheel))

        mail.compose()
        app.frame(pygame.event.get())
        body = app.tree.get("compose.body")
        app.focus.focus(body)
        text = "Bonjour, je confirme ma présence à la rencontre de mardi. Merci! "

        def typing(i):
            return ev.text_events(text[i % len(text)])

        timed_frames(app, clock, 20, typing)
        results["typing"] = summary(timed_frames(app, clock, 300, typing))
        app.close()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def web_and_files_cases(app, clock) -> dict:
    """A page with a 30-field form (typing, scrolling) and a 500-file folder (scrolling)."""
    import pygame

    from game.ui import input_events as ev

    results = {}
    browser = app.scene.view
    timed_frames(app, clock, 20, lambda i: [])
    results["browser_form_idle"] = summary(timed_frames(app, clock, 300, lambda i: []))
    centre = (browser.page_area.clip.right - 3, browser.page_area.clip.centery)
    pygame.event.post(ev.wheel_event(0, centre)[0])
    app.frame(pygame.event.get())

    def wheel(i):
        return ev.wheel_event(-1 if (i // 40) % 2 == 0 else 1, centre)[1:]

    results["browser_form_scrolling"] = summary(timed_frames(app, clock, 300, wheel))
    app.focus.focus(app.tree.get("browser.field.long.q14"))
    text = "Je travaille de jour, du lundi au vendredi. "
    results["browser_form_typing"] = summary(timed_frames(app, clock, 300, lambda i: ev.text_events(text[i % len(text)])))
    app.scene.switch("files")
    files = app.scene.view
    app.frame(pygame.event.get())
    spot = files.list_rect.center
    pygame.event.post(ev.wheel_event(0, spot)[0])
    app.frame(pygame.event.get())

    def file_wheel(i):
        return ev.wheel_event(-1 if (i // 100) % 2 == 0 else 1, spot)[1:]

    results["files_scrolling_500"] = summary(timed_frames(app, clock, 300, file_wheel))
    return results


def game_scenario(level: str = "mountain"):
    """The QA game's busiest level (most bees) with a bug tracker, built in memory."""
    from game.scenario.loader import LoadedScenario
    from game.scenario.models import Scenario

    text = {"fr-CA": "Jeu", "en-CA": "Game"}
    scenario = Scenario.model_validate({
        "id": "bench.game", "version": 1, "title": text, "brief": text, "competences": ["5.2"],
        "estimated_minutes": 5, "start_app": "qa_game",
        "apps": {"qa_game": {"build": "1.0", "levels": [level]},
                 "bug_tracker": {"project": text, "build": "1.0"}},
        "end": {"all": [{"event": "report_submitted"}]},
        "evidence": [{"observable": "sent", "competence": "5.2", "rule": "happened", "event": "report_submitted"}],
    })
    return LoadedScenario(scenario=scenario, path=Path("bench-game.yaml"), content_hash="2" * 64)


def game_frame_cases() -> dict:
    """Playing the busiest level at 60 updates a second: one frame = one game step, drawn."""
    import pygame

    from game.ui import input_events as ev

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NUMPLUS_DATA_DIR"] = tmp
        app, clock = make_app(Path(tmp), game_scenario())
        app.focus.focus(app.tree.get("qa.game"))
        for event in ev.key_events("enter"):
            pygame.event.post(event)
        app.frame(pygame.event.get())
        pygame.event.post(ev.key_down("right")[0])
        app.frame(pygame.event.get())
        times = []
        for i in range(900):
            if i % 45 == 0:
                pygame.event.post(ev.key_down("space")[0])
            elif i % 45 == 10:
                pygame.event.post(ev.key_up("space")[0])
            clock.advance(17)
            started = time.perf_counter()
            app.frame(pygame.event.get())
            times.append((time.perf_counter() - started) * 1000)
        ticks = app.session.engine.current.desktop.qa_game.tick
        app.close()
    result = summary(times[60:])
    result["game_ticks"] = ticks
    return {"game_busiest_level": result,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def web_frame_cases() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NUMPLUS_DATA_DIR"] = tmp
        app, clock = make_app(Path(tmp), web_and_files_scenario())
        results = web_and_files_cases(app, clock)
        app.close()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def idle_child(seconds: float) -> dict:
    """Run the real event loop with nothing happening and measure the CPU it uses."""
    import pygame

    loaded = big_mailbox_scenario(20)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NUMPLUS_DATA_DIR"] = tmp
        from game.runtime.clock import SystemClock

        app, _ = make_app(Path(tmp), loaded)
        app.clock = SystemClock()
        app._last_ms = app.clock.now_ms()
        pygame.time.set_timer(pygame.QUIT, int(seconds * 1000), loops=1)
        wall, cpu = time.perf_counter(), time.process_time()
        app.run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        app.close()
    return {"idle_cpu_percent": round(100 * cpu / wall, 2), "idle_seconds": round(wall, 2)}


def start_child() -> None:
    """Start the game to its first drawn screen, then report."""
    started = time.perf_counter()
    from game.paths import SCENARIOS
    from game.runtime.clock import SystemClock
    from game.sessions import scenario_library
    from game.settings import Settings
    from game.store import EventStore
    from game.ui.app import GameApp
    from game.ui.scenes.title import TitleScene

    with tempfile.TemporaryDirectory() as tmp:
        store = EventStore(Path(tmp) / "start.sqlite3")
        app = GameApp(store=store, library=scenario_library([SCENARIOS]), settings=Settings(), clock=SystemClock(),
                      headless=True)
        app.show(TitleScene(app))
        app.draw()
        print(json.dumps({"in_process_start_s": round(time.perf_counter() - started, 3)}), flush=True)
        app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--child", choices=["idle", "start", "frames", "web", "game"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "idle":
        print(json.dumps(idle_child(args.idle_seconds)))
        return 0
    if args.child == "start":
        start_child()
        return 0
    if args.child == "frames":
        print(json.dumps(frame_cases()))
        return 0
    if args.child == "web":
        print(json.dumps(web_frame_cases()))
        return 0
    if args.child == "game":
        print(json.dumps(game_frame_cases()))
        return 0

    def child(kind: str) -> dict:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--child", kind, "--idle-seconds", str(args.idle_seconds)],
                              capture_output=True, text=True, check=True, env=os.environ.copy())
        data = json.loads(done.stdout.strip().splitlines()[-1])
        data["_wall_s"] = time.perf_counter() - began
        return data

    frames = child("frames")
    web = child("web")
    game = child("game")
    start = child("start")
    idle = child("idle")
    result = {
        "mail_idle": frames["mail_idle"],
        "typing": frames["typing"],
        "scrolling_200_messages": frames["scrolling_200_messages"],
        "browser_form_idle": web["browser_form_idle"],
        "browser_form_typing": web["browser_form_typing"],
        "browser_form_scrolling": web["browser_form_scrolling"],
        "files_scrolling_500": web["files_scrolling_500"],
        "game_busiest_level": game["game_busiest_level"],
        "idle_cpu_percent": idle["idle_cpu_percent"],
        "start_s": round(start["_wall_s"], 3),
        "peak_rss_mb": frames["peak_rss_mb"],
        "browser_files_peak_rss_mb": web["peak_rss_mb"],
        "game_peak_rss_mb": game["peak_rss_mb"],
        "targets": {"p99_ms": 8, "idle_cpu_percent": 2, "start_s": 1.5, "peak_rss_mb": 150},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
