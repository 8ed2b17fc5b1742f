"""Headless play: a walkthrough's steps become real input events for the real UI, on the runtime's clock."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from game.scenario.walkthrough import Click, Hold, Key, Release, Type, Wait, Walkthrough

FRAME_MS = 16
LIST_ROWS = ("mail.message.", "files.file.")  # rows of lists that scroll by row


class DriverError(Exception):
    """A step cannot be carried out (element missing, unreachable by keyboard)."""


class Driver:
    """Turns steps into posted pygame events and advances the app one frame at a time."""

    def __init__(self, app, clock, *, keyboard_only: bool = False, screenshots: Path | None = None):
        import pygame

        self.pygame = pygame
        self.app = app
        self.clock = clock
        self.keyboard_only = keyboard_only
        self.screenshots = screenshots
        self.shots = 0

    def frame(self, ms: int = FRAME_MS) -> None:
        self.clock.advance(ms)
        self.app.frame(self.pygame.event.get())

    def post(self, events) -> None:
        for event in events:
            self.pygame.event.post(event)
            self.frame()
        self.frame()  # pygame_gui's own events (button pressed) arrive on the next frame

    def settle(self) -> None:
        for _ in range(2):
            self.frame()

    # --- steps ---------------------------------------------------------------------------
    def run(self, walkthrough: Walkthrough, locale: str, on_step=None) -> None:
        self.settle()
        self.snap("start")
        for number, step in enumerate(walkthrough.steps, 1):
            if not self.app.running:
                raise DriverError(f"step {number}: the game has already closed")
            try:
                self.step(step, locale)
            except DriverError as exc:
                raise DriverError(f"step {number}: {exc}") from None
            if on_step is not None:
                on_step()
            self.snap(f"step-{number:03d}")

    def step(self, step, locale: str) -> None:
        from game.ui import input_events as ev

        if isinstance(step, Click):
            self.click(step.click)
        elif isinstance(step, Type):
            text = step.type if isinstance(step.type, str) else step.type[locale]
            self.post(ev.text_events(text))
        elif isinstance(step, Key):
            self.post(ev.key_events(step.key))
        elif isinstance(step, Hold):
            self.post(ev.key_down(step.hold))
        elif isinstance(step, Release):
            self.post(ev.key_up(step.release))
        elif isinstance(step, Wait):
            remaining = step.wait
            while remaining > 0:
                self.frame(min(remaining, 100))
                remaining -= 100

    def click(self, element_id: str) -> None:
        if self.keyboard_only:
            self.reach_by_keyboard(element_id)
            element = self.app.tree.get(element_id)
            if not element.is_text_input and element.kind != "game":  # reaching the game is clicking it
                self.post(self._ev.key_events("return"))
            return
        element = self.visible(element_id)
        self.post(self._ev.click_events(element.rect.center))

    @property
    def _ev(self):
        from game.ui import input_events

        return input_events

    def visible(self, element_id: str):
        element = self.app.tree.get(element_id)
        if element is not None and not element.visible and element.scroll_clip is not None:
            # Out of view in a scrolling area: turn the wheel over it, as a person would.
            for _ in range(100):
                element = self.app.tree.get(element_id)
                if element is None or element.visible:
                    break
                rows = 1 if element.rect.top < element.scroll_clip.top else -1  # wheel up shows what is above
                # Over the area's right margin (its scroll bar), not over a text box that scrolls itself.
                spot = (element.scroll_clip.right - 3, element.scroll_clip.centery)
                self.post(self._ev.wheel_event(rows, spot))
        element = self._reachable(element_id)
        view = getattr(self.app.scene, "view", None)
        if element is None and element_id.startswith(LIST_ROWS) and hasattr(view, "visible_rows"):
            # Scroll the list with the wheel, as a person would, until the row shows.
            for direction in (-1, 1):
                for _ in range(600):
                    if self._reachable(element_id) is not None:
                        break
                    before = list(view.visible_rows)
                    self.post(self._ev.wheel_event(direction, view.list_rect.center))
                    if view.visible_rows == before:
                        break
            element = self._reachable(element_id)
        if element is None:
            raise DriverError(f"element {element_id!r} is not on the screen")
        return element

    def _reachable(self, element_id: str):
        element = self.app.tree.get(element_id)
        usable = element is not None and element.visible and element in self.app.tree.focusables()
        return element if usable else None

    def reach_by_keyboard(self, element_id: str) -> None:
        if self.app.focus.focused_id == element_id and self._reachable(element_id):
            return
        for _ in range(len(self.app.tree.focusables()) + 1):
            self.post(self._ev.key_events("tab"))
            if self.app.focus.focused_id == element_id:
                return
        prefix = next((p for p in LIST_ROWS if element_id.startswith(p)), None)
        if prefix is not None:
            # Rows beyond the visible part of the list: arrow keys from a focused row.
            for _ in range(len(self.app.tree.focusables()) + 1):
                if (self.app.focus.focused_id or "").startswith(prefix):
                    break
                self.post(self._ev.key_events("tab"))
            for arrow in ("down", "up"):
                for _ in range(500):
                    if self.app.focus.focused_id == element_id:
                        return
                    before = self.app.focus.focused_id
                    self.post(self._ev.key_events(arrow))
                    if self.app.focus.focused_id == before:
                        break
        raise DriverError(f"element {element_id!r} cannot be reached with the keyboard")

    def snap(self, name: str) -> None:
        if self.screenshots is not None:
            self.shots += 1
            self.app.screenshot(self.screenshots / f"{self.shots:03d}-{name}.png")


def run_headless(*, scenario_ref: str, actions: Path, out: Path, locale: str | None, keyboard_only: bool,
                 screenshots: bool, participant: str | None, text_scale: int | None,
                 research_consent: bool = False, kiosk: bool = False) -> int:
    """`numplus play --headless`: play a walkthrough in the real UI without a window. The session starts
    on the scenario (consent as given), or with `kiosk` at the title screen, as a participant would: then
    the walkthrough goes through the code and consent screens (and the PIN's, on a first run)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from game.cli import CliError
    from game.paths import SCENARIOS, database_path
    from game.runtime.clock import ManualClock
    from game.scenario.loader import ScenarioError, find_scenario
    from game.scenario.walkthrough import load_walkthrough
    from game.sessions import test_participant_code
    from game.settings import SettingsError, load_settings
    from game.store import EventStore
    from game.ui.app import GameApp
    from game.ui.scenes.flow import start_single_scenario
    from game.ui.scenes.pin import PinScene, facilitator_pin
    from game.ui.scenes.title import TitleScene
    from scoring.adaptive import AssessmentPlan
    from scoring.evidence import scenario_result

    if not actions.is_file():
        raise CliError(f"{actions}: no such file")
    try:
        loaded = find_scenario(scenario_ref, [SCENARIOS])
        walkthrough = load_walkthrough(actions, loaded)
        settings = load_settings()
    except ScenarioError as exc:
        raise CliError("; ".join(str(p) for p in exc.problems)) from None
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if locale:
        settings.locale = locale
    if text_scale:
        settings.text_scale = text_scale
    out.mkdir(parents=True, exist_ok=True)
    store = EventStore(database_path())
    clock = ManualClock(start_utc=datetime.now(timezone.utc))
    if kiosk:  # the kiosk's session plays this one scenario
        settings.assessment = AssessmentPlan(mode="fixed", scenarios=[loaded.id], min_scenarios=1)
    app = GameApp(store=store, library={loaded.id: loaded}, settings=settings, clock=clock, headless=True,
                  single_scenario=True, kiosk=kiosk)
    driver = Driver(app, clock, keyboard_only=keyboard_only, screenshots=out if screenshots else None)
    failure = None
    if kiosk:
        title = lambda: app.show(TitleScene(app))  # noqa: E731
        app.show(title() if facilitator_pin(app).is_set else PinScene(app, then=title))
    else:
        start_single_scenario(app, loaded, participant or test_participant_code(), research_consent)
    sessions: list = []  # the walkthrough's session, whenever it starts
    try:
        driver.run(walkthrough, settings.locale, on_step=lambda: app.session and sessions.append(app.session))
        driver.snap("end")
    except DriverError as exc:
        failure = str(exc)
    finally:
        if app.session is not None:
            sessions.append(app.session)
        if sessions and not sessions[-1].engine.ended:
            sessions[-1].engine.end_session("walkthrough_finished")
        app.close()
    if not sessions:
        store.close()
        print("numplus: error: the walkthrough never started a session", file=sys.stderr)
        return 1
    session_id = sessions[-1].engine.session_id
    store.export_jsonl(session_id, out / "events.jsonl")
    events = [e.to_dict() for e in store.events(session_id)]
    store.close()
    ended = [e for e in events if e["type"] == "scenario_ended"]
    outcome = ended[-1]["payload"]["outcome"] if ended else "not_started"
    print(f"{loaded.id}: {outcome} ({len(events)} events) -> {out / 'events.jsonl'}")
    if failure:
        print(f"numplus: error: {failure}", file=sys.stderr)
        return 1
    problems = []
    if outcome != walkthrough.expect.outcome:
        problems.append(f"expected outcome {walkthrough.expect.outcome}, got {outcome}")
    result = scenario_result(loaded.scenario, events)
    for name, value in walkthrough.expect.observables.items():
        if result["observables"][name]["value"] != value:
            problems.append(f"expected observable {name} = {value}, got {result['observables'][name]['value']}")
    if walkthrough.expect.item_score is not None and result["item_score"] != walkthrough.expect.item_score:
        problems.append(f"expected item score {walkthrough.expect.item_score}, got {result['item_score']}")
    for problem in problems:
        print(f"numplus: error: {problem}", file=sys.stderr)
    return 1 if problems else 0
