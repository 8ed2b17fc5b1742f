"""The game window: one pygame_gui manager, a stack of scenes, the focus manager, an event-driven loop."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import pygame
import pygame_gui

from game.i18n import tr
from game.paths import SCENARIOS, database_path
from game.runtime import actions as a
from game.runtime.clock import Clock, SystemClock
from game.runtime.session import Accommodations, Outcome
from game.scenario.loader import LoadedScenario
from game.sessions import PlaySession
from game.delivery import Delivery
from game.ui.idle import IdleWatch
from game.settings import Settings, load_settings, save_settings
from game.store import EventStore
from game.ui.dialog import Dialog, DialogButton, build_dialog
from game.ui.elements import ElementTree
from game.ui.focus import FocusManager
from game.ui.layout import LOGICAL_SIZE, Metrics
from game.ui.read_aloud import ReadAloud, SilentSpeaker
from game.ui.scenes.base import Scene
from game.ui.theme import colour, theme_dict
from game.ui.widgets import Widgets

warnings.filterwarnings("ignore", message=".*font.*not already loaded.*")
warnings.filterwarnings("ignore", message="no fast renderer available")

IDLE_WAIT_MS = 1000  # nothing moves: redraw once a second at most
TYPING_WAIT_MS = 200  # a text cursor blinks
# What counts as someone at the kiosk.
INPUT_EVENTS = {pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL, pygame.TEXTINPUT, pygame.MOUSEMOTION}
FRAME_MS = 16  # a game runs: a frame about every 60th of a second
POLL_MS = 25  # sleep between looks at the event queue (SDL's own wait spins on some drivers)


def start_sync_worker(settings: Settings, database: Path):
    from sync.store import Outbox
    from sync.worker import Sender, SyncWorker

    def make_sender() -> Sender:
        return Sender.to_lrs(Outbox(database), settings.lrs_endpoint, settings.lrs_username, settings.lrs_password,
                             settings.lrs_ca_bundle)

    worker = SyncWorker(make_sender)
    worker.start()
    return worker


class GameApp:
    def __init__(self, *, store: EventStore, library: dict[str, LoadedScenario], settings: Settings,
                 clock: Clock, headless: bool = False, recorder=None, single_scenario: bool = False,
                 kiosk: bool = False, speaker=None):
        pygame.display.init()
        pygame.font.init()
        # Headless has no window to scale to; a real window scales the logical 1280x720 canvas.
        flags = 0 if headless else pygame.SCALED | (pygame.FULLSCREEN if kiosk else pygame.RESIZABLE)
        self.screen = pygame.display.set_mode(LOGICAL_SIZE, flags)
        pygame.display.set_caption("NUM+")
        pygame.key.set_repeat(0)
        self.store = store
        self.library = library
        self.settings = settings
        self.clock = clock
        self.headless = headless
        self.recorder = recorder
        self.single_scenario = single_scenario  # author preview and headless play: quit after the summary
        # A kiosk: the window cannot be closed, and a participant who walks away is not left on screen.
        self.kiosk = kiosk
        self.idle = IdleWatch(settings.idle_timeout_minutes * 60_000, clock.now_ms()) if kiosk else None
        self._dialog_before_idle: Dialog | None = None
        self.locale = settings.locale
        self.text_scale = settings.text_scale
        self.theme = settings.theme  # the look in use: default or high-contrast (assets/themes)
        self.tree = ElementTree()
        self.session: PlaySession | None = None
        self.scenes: list[Scene] = []
        self.dialog: Dialog | None = None
        self._focus_before_dialog: str | None = None
        self.running = True
        self.pointer = (0, 0)
        self._pressed: str | None = None
        self._deferred: list = []
        self._last_ms = clock.now_ms()
        self.delivery = Delivery.from_settings(settings, store)
        # Read-aloud (game/speech.py): run_window gives the real speaker; headless play and tests a silent one.
        self.speaker = speaker if speaker is not None else SilentSpeaker()
        self.read_aloud = ReadAloud(self, self.speaker)
        # Results go to the LRS from a thread of their own; headless play leaves that to `numplus sync`.
        self.sync_worker = start_sync_worker(settings, store.path) if settings.lrs_endpoint and not headless else None
        self._make_manager()
        if store.moved_aside is not None:
            self.show_notice(self.t("notice.database_moved.title"),
                             self.t("notice.database_moved", path=str(store.moved_aside)))

    # --- set-up ------------------------------------------------------------------
    def _make_manager(self) -> None:
        self.metrics = Metrics(self.text_scale)
        self.manager = pygame_gui.UIManager(LOGICAL_SIZE, theme_dict(self.theme, self.text_scale),
                                            enable_live_theme_updates=False)
        self.widgets = Widgets(self.manager, self.tree, self.metrics)
        self.focus = FocusManager(self.tree, self.manager)

    def t(self, key: str, **values: object) -> str:
        return tr(self.locale, key, **values)

    @property
    def scene(self) -> Scene | None:
        return self.scenes[-1] if self.scenes else None

    # --- preferences ------------------------------------------------------------------
    def set_locale(self, locale: str) -> None:
        self.locale = self.settings.locale = locale
        self._save_settings()
        self.rebuild()

    def set_text_scale(self, scale: int) -> None:
        if scale == self.text_scale:
            return
        self.text_scale = self.settings.text_scale = scale
        self._save_settings()
        self._accommodation_changed("text_scale", scale)
        focused = self.focus.focused_id
        self._make_manager()
        self.rebuild(preferred=focused)

    def set_theme(self, theme: str) -> None:
        """Another look (high contrast): widgets made anew with its colours, as for another text size."""
        if theme == self.theme:
            return
        self.theme = self.settings.theme = theme
        self._save_settings()
        self._accommodation_changed("theme", theme)
        focused = self.focus.focused_id
        self._make_manager()
        self.rebuild(preferred=focused)

    def set_read_focused(self, on: bool) -> None:
        """Auto-read of the focused element on or off; logged as the read_aloud accommodation."""
        if on == self.settings.read_focused:
            return
        self.settings.read_focused = self.settings.read_aloud = on
        self._save_settings()
        self._accommodation_changed("read_aloud", on)

    def _accommodation_changed(self, name: str, value: object) -> None:
        """A running scenario logs the change (process data: who needed what, and when)."""
        if self.session is not None and self.session.engine.current is not None \
                and self.session.engine.current.outcome is None:
            self.session.engine.apply(a.ChangeAccommodation(name, value))

    def _save_settings(self) -> None:
        if not self.headless:
            save_settings(self.settings)

    def accommodations(self) -> Accommodations:
        return Accommodations(text_scale=self.text_scale, read_aloud=self.settings.read_focused,
                              theme=self.theme)

    # --- scenes and dialogs ---------------------------------------------------------
    def show(self, scene: Scene) -> None:
        """Replace the current screen."""
        self.scenes = [scene]
        self.dialog = None
        self.rebuild(preferred=scene.initial_focus, keep_focus=False)

    def rebuild(self, preferred: str | None = None, keep_focus: bool = True) -> None:
        """Make the screen anew from state; focus `preferred`, else keep the focus there was."""
        kept = self.focus.focused_id if keep_focus else None
        if self.scene is not None:
            self.scene.before_rebuild()
        if self.dialog is not None:  # what was typed in a dialog survives its rebuild
            for spec in self.dialog.fields:
                if spec.id in self.widgets.fields:
                    spec.value = self.widgets.fields[spec.id].get()
        self.widgets.clear()
        if self.scene is not None:
            self.scene.build(self.widgets)
        if self.dialog is not None:
            self.tree.dialog_open = True
            build_dialog(self.dialog, self.widgets)
            first = next((e.id for e in self.tree.focusables()), None)
            in_dialog = kept if kept and self.tree.get(kept) in self.tree.focusables() else None
            self.focus.restore(preferred, kept=in_dialog, fallback=self.dialog.focus or first)
            return
        initial = self.scene.initial_focus if self.scene else None
        self.focus.restore(preferred, kept=kept, fallback=initial)

    def dialog_value(self, field_id: str) -> str:
        """What is typed in a field of the open dialog."""
        if field_id in self.widgets.fields:
            return self.widgets.fields[field_id].get()
        spec = next((f for f in (self.dialog.fields if self.dialog else []) if f.id == field_id), None)
        return spec.value if spec else ""

    def defer(self, callback) -> None:
        """Run after the current frame's events (a screen change found while rebuilding another)."""
        self._deferred.append(callback)

    def show_dialog(self, dialog: Dialog) -> None:
        if self.dialog is None:
            self._focus_before_dialog = self.focus.focused_id
        self.dialog = dialog
        self.rebuild(keep_focus=False)

    def close_dialog(self, then_focus: str | None = None) -> None:
        self.dialog = None
        self.rebuild(preferred=then_focus or self._focus_before_dialog, keep_focus=False)

    def show_notice(self, title: str, text: str, then=None) -> None:
        def ok() -> None:
            self.close_dialog()
            if then is not None:
                then()

        self.show_dialog(Dialog("dialog.notice", title, text, [DialogButton("dialog.notice.ok", self.t("ok"), ok)],
                                escape="dialog.notice.ok"))

    # --- actions -----------------------------------------------------------------------
    def act(self, action: a.Action) -> Outcome:
        """Send an intent to the runtime; a refusal is explained to the person in plain words."""
        outcome = self.session.engine.apply(action)
        if not outcome.accepted:
            self.show_notice(self.t("reject.title"), self.t(f"reject.{outcome.reason}"))
        return outcome

    # --- the loop ------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            if not self.kiosk:  # a kiosk is left through the facilitator menu, with the PIN
                self.running = False
            return
        if self.idle is not None and event.type in INPUT_EVENTS:
            self.idle.touch(self.clock.now_ms())
        if hasattr(event, "pos"):
            self.pointer = event.pos
        if self.recorder is not None:
            self.recorder.observe(event, self)
        if event.type == pygame.KEYDOWN and self.read_aloud.handle_key(event):  # F9, Shift+F9: everywhere
            return
        if self.scene is not None and self.scene.wants_key(event):
            self.scene.handle_event(event)
            return
        if event.type == pygame.KEYDOWN and self.focus.handle_key(event):
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.dialog and self.dialog.escape:
            button = self.tree.get(self.dialog.escape)
            if button is not None and button.on_activate:
                button.on_activate()
            return
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self.tree.at(event.pos)
            self._pressed = hit.id if hit is not None and hit.widget is None else None
            if hit is not None:
                self.focus.focused_id = hit.id
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._pressed:
            # Elements we draw ourselves (list rows) are pressed like buttons: down and up on them.
            hit, self._pressed = self.tree.at(event.pos), None
            if hit is not None and hit.widget is None and hit.on_activate is not None:
                hit.on_activate()
                return
        if event.type == pygame.MOUSEWHEEL and self.scene is not None and not self._over_scrolling_text():
            # The wheel scrolls what is under the pointer: the page or list, not a focused text box elsewhere.
            if self.scene.handle_event(event):
                return
        consumed = self.manager.process_events(event)
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            element = self.tree.by_widget(event.ui_element)
            if element is not None and element.on_activate and element in self.tree.active():
                self.focus.focused_id = element.id
                element.on_activate()
            return
        if not consumed and self.scene is not None:
            self.scene.handle_event(event)

    def _over_scrolling_text(self) -> bool:
        return any(e.visible and e.kind in ("text_view", "text_area") and e.rect.collidepoint(self.pointer)
                   for e in self.tree.active())

    def frame(self, events: list[pygame.event.Event]) -> None:
        now = self.clock.now_ms()
        dt = max(0, now - self._last_ms) / 1000
        self._last_ms = now
        for event in events:
            self.handle(event)
            if not self.running:
                return
        self._watch_idle(now)
        if self.scene is not None and self.running:
            self.scene.update(now)
        while self._deferred:
            self._deferred.pop(0)()
        self.read_aloud.after_frame()
        self.manager.update(min(dt, 0.25))
        self.draw()

    def draw(self) -> None:
        self.screen.fill(colour(self.theme, "screen_bg"))
        if self.scene is not None:
            self.scene.draw_background(self.screen)
        self.manager.draw_ui(self.screen)
        if self.scene is not None:
            self.scene.draw_overlay(self.screen)
        self.focus.draw(self.screen, colour(self.theme, "focus_ring"), colour(self.theme, "focus_gap"),
                        max(3, self.metrics.px(3)))
        pygame.display.flip()

    def wait_ms(self) -> int:
        if self.scene is not None and self.scene.animating:
            return FRAME_MS
        if self.speaker.speaking:  # the read-aloud button turns back from "Stop" soon after speech ends
            return TYPING_WAIT_MS
        focused = self.focus.focused
        return TYPING_WAIT_MS if focused is not None and focused.is_text_input else IDLE_WAIT_MS

    def run(self) -> None:
        """Event-driven: sleep until something happens, so an idle kiosk keeps no core busy."""
        self.draw()
        if os.environ.get("NUMPLUS_EXIT_AFTER_FIRST_FRAME"):  # start-up time (benchmarks/bundle.py)
            if sys.stdout is not None:  # a windowed Windows build has no stdout
                print("numplus: first frame drawn", flush=True)
            return
        quiet_since = self.clock.now_ms()
        while self.running:
            events = pygame.event.get()
            now = self.clock.now_ms()
            if events or now - quiet_since >= self.wait_ms():
                self.frame(events)
                quiet_since = now
            else:
                pygame.time.wait(min(POLL_MS, self.wait_ms()))

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))

    # --- the kiosk's idle watch -----------------------------------------------------------
    def _watch_idle(self, now: int) -> None:
        if self.idle is None or self.session is None or self.session.engine.ended:
            return
        left = self.idle.seconds_left(now)
        showing = self.dialog is not None and self.dialog.id == "dialog.idle"
        if left is None:
            if showing:
                self.dialog, self._dialog_before_idle = self._dialog_before_idle, None
                self.rebuild(keep_focus=False)
            return
        if left == 0:
            self.leave_idle_session()
            return
        text = self.t("idle.text", seconds=left)
        if not showing:
            self._dialog_before_idle = self.dialog
        if not showing or self.dialog.text != text:
            self.dialog = Dialog("dialog.idle", self.t("idle.title"), text,
                                 [DialogButton("idle.stay", self.t("idle.stay"), self._still_here)], escape="idle.stay")
            self.rebuild(keep_focus=False)

    def _still_here(self) -> None:
        self.idle.touch(self.clock.now_ms())
        self._watch_idle(self.clock.now_ms())

    def quit_kiosk(self) -> None:
        """From the facilitator menu only (the PIN was given): the one way out of a kiosk."""
        self.running = False

    def leave_idle_session(self) -> None:
        """Everything is already saved: back to the title, for the participant to resume with their code."""
        from game.ui.scenes.title import TitleScene

        self.dialog = self._dialog_before_idle = None
        self.session = None
        self.show(TitleScene(self))

    def statements_queued(self) -> None:
        if self.sync_worker is not None:
            self.sync_worker.nudge()

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.save()
        if self.sync_worker is not None:
            self.sync_worker.stop()
        self.speaker.close()
        pygame.display.quit()


def run_window(*, scenario_ref: str | None, locale: str | None, record: Path | None, participant: str | None,
               text_scale: int | None, kiosk: bool = False, research_consent: bool = False) -> int:
    """`numplus play`: the full game, or straight on one scenario for authors (--scenario)."""
    from game.cli import CliError
    from game.scenario.loader import ScenarioError, find_scenario
    from game.sessions import scenario_library, test_participant_code
    from game.settings import SettingsError
    from game.speech import Speaker
    from game.ui.recorder import Recorder
    from game.ui.scenes.flow import start_single_scenario
    from game.ui.scenes.pin import PinScene, facilitator_pin
    from game.ui.scenes.title import TitleScene

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if locale:
        settings.locale = locale
    if text_scale:
        settings.text_scale = text_scale
    library = scenario_library([SCENARIOS])
    single = None
    if scenario_ref:
        try:
            single = find_scenario(scenario_ref, [SCENARIOS])
        except ScenarioError as exc:
            raise CliError(str(exc).splitlines()[0]) from None
    store = EventStore(database_path())
    recorder = Recorder(record, single.id if single else None) if record else None
    speaker = Speaker()  # starts its worker process at the first reading
    try:
        app = GameApp(store=store, library=library, settings=settings, clock=SystemClock(), recorder=recorder,
                      single_scenario=single is not None, kiosk=kiosk, speaker=speaker)
    except pygame.error as exc:
        speaker.close()
        store.close()
        raise CliError(f"cannot open the game window ({exc}); without a screen, use --headless") from None
    try:
        if single is not None:
            start_single_scenario(app, single, participant or test_participant_code(), research_consent)
        elif kiosk and not facilitator_pin(app).is_set:  # first run: the facilitator chooses the PIN
            app.show(PinScene(app, then=lambda: app.show(TitleScene(app))))
        else:
            app.show(TitleScene(app))
        app.run()
    finally:
        app.close()
        store.close()
    return 0


