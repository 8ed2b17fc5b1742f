"""The facilitator's settings: language, text size, contrast, organisation, LRS (with a connection test), idle
timeout, assessment mode, competence framework, the practice offer and research consent for typed texts.

Nothing changes until "Save": the screen keeps a draft, checks it whole through the Settings model and
shows each problem under its field in plain words; "Back" leaves without saving. The connection test
runs in a thread of its own: the screen keeps being drawn and answering while it waits.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable

import pygame
from pydantic import ValidationError

from game.locales import supported_locales
from game.settings import ENVIRONMENT, TEXT_SCALES, Settings, save_settings
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.scenes.base import PageScene
from game.ui.theme import theme_names
from scoring.framework import available_frameworks, load_framework

MODES = ("adaptive", "fixed", "chosen")
TEXT_FIELDS = ("org_id", "org_name", "org_url", "lrs_endpoint", "lrs_username", "lrs_password",
               "idle_timeout_minutes", "scenarios")
# Where each problem shows, in page order: the first one is focused and scrolled into view.
PAGE_ORDER = ("locale", "text_scale", "theme", "read_focused", "org_id", "org_name", "org_url", "lrs_endpoint", "lrs_username",
              "lrs_password", "idle_timeout_minutes", "mode", "scenarios", "framework", "offer_tutorial",
              "research_texts")
ERROR_KEYS = {"org_url": "settings.error.url", "lrs_endpoint": "settings.error.url",
              "org_id": "settings.error.org_id", "org_name": "settings.error.org_name",
              "idle_timeout_minutes": "settings.error.idle_timeout_minutes"}
LRS_FIELDS = ("lrs_endpoint", "lrs_username", "lrs_password", "lrs_ca_bundle")

Message = tuple[str, dict]  # a translation key and its values


class _Check:
    """A connection test running in its own thread; `result` is set when it is over."""

    def __init__(self, run: Callable[[], object]):
        self.result = None
        self.done = threading.Event()

        def work() -> None:
            try:
                self.result = run()
            finally:
                self.done.set()

        threading.Thread(target=work, name="numplus-lrs-check", daemon=True).start()


def scenario_ids(text: str) -> list[str]:
    """Ids typed with commas (or spaces, semicolons, new lines) between them."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


class SettingsScene(PageScene):
    def __init__(self, app):
        super().__init__(app)
        # Messages are kept as (translation key, values) and worded when shown: saving may change the language.
        self.errors: dict[str, Message] = {}
        self.status: Message | None = None  # saved, not saved, or why saving failed
        self.check: _Check | None = None
        self.check_said: tuple[Message, str] | None = None  # the last connection test's answer, and its style
        self.load(app.settings)
        self.initial_focus = f"settings.lang.{self.locale}"

    def load(self, settings: Settings) -> None:
        """The draft: what the screen shows, from the settings in use."""
        self.locale = settings.locale
        self.text_scale = settings.text_scale
        self.theme = settings.theme
        self.read_focused = settings.read_focused
        self.mode = settings.assessment.mode
        self.framework = settings.framework
        self.research_texts = settings.research_texts
        self.offer_tutorial = settings.offer_tutorial
        self.values = {name: getattr(settings, name) or "" for name in TEXT_FIELDS[:-2]}
        self.values["idle_timeout_minutes"] = str(settings.idle_timeout_minutes)
        self.values["scenarios"] = ", ".join(settings.assessment.scenarios)

    # --- the draft -------------------------------------------------------------------------
    def before_rebuild(self) -> None:
        for name in TEXT_FIELDS:
            field = self.app.widgets.fields.get(f"settings.{name}")
            if field is not None:
                self.values[name] = field.get()

    def pick(self, attribute: str, value) -> None:
        setattr(self, attribute, value)
        self.status = None
        self.app.rebuild()

    @property
    def animating(self) -> bool:
        return self.check is not None  # draw frames while the test runs, to show its answer at once

    def update(self, now_ms: int) -> None:
        if self.check is not None and self.check.done.is_set():
            result, self.check = self.check.result, None
            self.check_said = self.describe(result)
            self.app.rebuild()

    # --- the connection test ---------------------------------------------------------------
    def test_connection(self) -> None:
        from sync.check import check_connection

        if self.check is not None:
            return  # one test at a time
        self.before_rebuild()
        self.errors.pop("lrs_endpoint", None)
        endpoint = self.values["lrs_endpoint"].strip()
        if not endpoint:
            self.check_said = (("settings.test.missing", {}), "#error")
            self.app.rebuild(preferred="settings.lrs_endpoint")
            return
        try:
            Settings(lrs_endpoint=endpoint)
        except ValidationError:
            self.errors["lrs_endpoint"] = ("settings.error.url", {})
            self.check_said = None
            self.app.rebuild(preferred="settings.lrs_endpoint")
            return
        username = self.values["lrs_username"].strip() or None
        password = self.values["lrs_password"] or None
        ca_bundle = self.app.settings.lrs_ca_bundle
        self.check = _Check(lambda: check_connection(endpoint, username, password, ca_bundle=ca_bundle))
        self.check_said = (("settings.test.running", {}), "#muted")
        self.app.rebuild(preferred="settings.test")

    @staticmethod
    def describe(result) -> tuple[Message, str]:
        if result is None:  # the test itself failed: say so plainly rather than show a traceback
            return ("settings.test.unreachable", {}), "#error"
        message = (f"settings.test.{result.outcome}", {"status": result.status or ""})
        return message, ("#strong" if result.ok else "#error")

    # --- saving ----------------------------------------------------------------------------
    def plan(self, errors: dict[str, Message]) -> dict:
        current = self.app.settings.assessment
        plan = current.model_dump()
        plan["mode"] = self.mode
        if self.mode == "fixed":
            ids = scenario_ids(self.values["scenarios"])
            unknown = [sid for sid in ids if sid not in self.app.library]
            twice = sorted({sid for sid in ids if ids.count(sid) > 1})
            if not ids:
                errors["scenarios"] = ("settings.error.scenarios_empty", {})
            elif unknown:
                errors["scenarios"] = ("settings.error.scenarios_unknown", {"ids": ", ".join(unknown)})
            elif twice:
                errors["scenarios"] = ("settings.error.scenarios_twice", {"ids": ", ".join(twice)})
            plan["scenarios"] = ids
        elif self.mode != current.mode:
            plan["scenarios"] = []  # adaptive: the whole library; chosen: picked when the session starts
        return plan

    def save(self) -> None:
        self.before_rebuild()
        errors: dict[str, Message] = {}
        values = self.app.settings.model_dump()
        for name in ("org_id", "org_name", "org_url", "lrs_endpoint", "lrs_username"):
            values[name] = self.values[name].strip() or None
        values["lrs_password"] = self.values["lrs_password"] or None  # spaces may belong to a password
        values["idle_timeout_minutes"] = self.values["idle_timeout_minutes"].strip()
        values.update(read_focused=self.read_focused, read_aloud=self.read_focused)
        values["theme"] = self.theme
        values.update(locale=self.locale, text_scale=self.text_scale, framework=self.framework,
                      research_texts=self.research_texts, offer_tutorial=self.offer_tutorial,
                      assessment=self.plan(errors))
        settings = None
        try:
            settings = Settings.model_validate(values)
        except ValidationError as exc:
            for problem in exc.errors():
                field = str(problem["loc"][0]) if problem["loc"] else "mode"
                if field == "assessment":
                    field = "scenarios" if self.mode == "fixed" else "mode"
                errors.setdefault(field, (ERROR_KEYS.get(field, "settings.error.invalid"), {}))
        if not errors and settings is not None:
            try:
                save_settings(settings)
            except OSError as exc:
                self.status = ("settings.cannot_save", {"reason": exc.strerror or str(exc)})
                self.app.rebuild(preferred="settings.save")
                return
            self.errors, self.status = {}, ("settings.saved", {})
            self.apply(settings)
            return
        self.errors, self.status = errors, ("settings.not_saved", {})
        first = next((name for name in PAGE_ORDER if name in errors), None)
        if first is None:  # a setting this screen does not show (set in the file): the status says it
            self.status = ("settings.cannot_save", {"reason": ", ".join(sorted(errors))})
            self.app.rebuild(preferred="settings.save", keep_focus=False)
            return
        target = f"settings.{first}" if first in TEXT_FIELDS else self.first_button(first)
        self.app.rebuild(preferred=target, keep_focus=False)
        self.area.reveal(f"settings.{first}.error", above=f"settings.{first}.label")

    def first_button(self, name: str) -> str:
        prefix = {"locale": "settings.lang", "text_scale": "settings.scale", "mode": "settings.mode",
                  "framework": "settings.framework", "research_texts": "settings.research",
                  "read_focused": "settings.read_focused", "theme": "settings.theme",
                  "offer_tutorial": "settings.tutorial"}[name]
        return next((e.id for e in self.app.tree.focusables() if e.id.startswith(prefix + ".")), "settings.save")

    def apply(self, settings: Settings) -> None:
        """The saved settings take effect now: language, text size, idle timeout, organisation, sending."""
        from game.delivery import Delivery

        app, old = self.app, self.app.settings
        app.settings = settings
        app.delivery = Delivery.from_settings(settings, app.store)
        if app.idle is not None:
            app.idle.timeout_ms = settings.idle_timeout_minutes * 60_000
        if not app.headless and any(getattr(old, f) != getattr(settings, f) for f in LRS_FIELDS):
            from game.ui.app import start_sync_worker

            previous, app.sync_worker = app.sync_worker, None
            if settings.lrs_endpoint:
                # The new sender waits on the lock while the old one finishes its request.
                app.sync_worker = start_sync_worker(settings, app.store.path)
            if previous is not None:
                threading.Thread(target=previous.stop, name="numplus-sync-stop", daemon=True).start()
        self.load(settings)
        app.locale = settings.locale
        if settings.text_scale != app.text_scale:
            app.set_text_scale(settings.text_scale)  # new widgets at the new size
        if settings.theme != app.theme:
            app.set_theme(settings.theme)  # new widgets in the new colours
        app.rebuild(preferred="settings.save", keep_focus=False)

    def leave(self) -> None:
        from game.ui.scenes.facilitator import FacilitatorScene

        self.app.show(FacilitatorScene(self.app))

    # --- the page ----------------------------------------------------------------------------
    def build_page(self, w) -> None:
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        long_w, short_w = min(width, m.px(720)), min(width, m.px(400))
        y = w.label("settings.title", self.t("settings.title"), x, y, width, title=True).rect.bottom + m.gap
        y = w.label("settings.help", self.t("settings.help"), x, y, width).rect.bottom + 2 * m.gap

        y = self.heading(w, "settings.section.display", x, y, width)
        y = self.choice(w, "locale", "settings.lang", x, y, width,
                        [(tag, self.t(f"locale.{tag}")) for tag in supported_locales()], self.locale)
        y = self.choice(w, "text_scale", "settings.scale", x, y, width,
                        [(n, self.t(f"text_size.{n}")) for n in TEXT_SCALES], self.text_scale)
        y = self.choice(w, "theme", "settings.theme", x, y, width,
                        [(name, self.t(f"theme.{name}")) for name in theme_names()], self.theme)
        y = self.choice(w, "read_focused", "settings.read_focused", x, y, width,
                        [(True, self.t("settings.read_focused.on")), (False, self.t("settings.read_focused.off"))],
                        self.read_focused, help_text=self.t("settings.read_focused.help"), ids=("on", "off"))

        y = self.heading(w, "settings.section.organisation", x, y, width)
        y = self.field(w, "org_id", x, y, width, min(width, m.px(300)))
        y = self.field(w, "org_name", x, y, width, long_w)
        y = self.field(w, "org_url", x, y, width, long_w, help_key="settings.org_url.help")

        y = self.heading(w, "settings.section.lrs", x, y, width)
        y = self.field(w, "lrs_endpoint", x, y, width, long_w, help_key="settings.lrs_endpoint.help")
        y = self.field(w, "lrs_username", x, y, width, short_w)
        y = self.field(w, "lrs_password", x, y, width, short_w, hidden=True)
        test = self.t("settings.test")
        w.button("settings.test", test, pygame.Rect(x, y, m.button_w(test), m.button_h), self.test_connection,
                 style="#secondary")
        y += m.button_h + m.pad
        if self.check_said is not None:
            (key, values), style = self.check_said
            y = w.label("settings.test.status", self.said(key, values, style), x, y, width,
                        bold=style != "#muted", style=style).rect.bottom + m.pad
        y += 2 * m.gap

        y = self.heading(w, "settings.section.kiosk", x, y, width)
        y = self.field(w, "idle_timeout_minutes", x, y, width, min(width, max(m.px(120), m.button_w("1200"))))

        y = self.heading(w, "settings.section.assessment", x, y, width)
        y = self.choice(w, "mode", "settings.mode", x, y, width,
                        [(mode, self.t(f"settings.mode.{mode}")) for mode in MODES], self.mode,
                        help_text=self.t(f"settings.mode.{self.mode}.help"))
        if self.mode == "fixed":
            y = self.field(w, "scenarios", x, y, width, width,
                           help_text=self.t("settings.scenarios.help", ids=", ".join(sorted(self.app.library))))
        frameworks = [(fid, self.framework_name(fid, short=True)) for fid in available_frameworks()]
        y = self.choice(w, "framework", "settings.framework", x, y, width, frameworks, self.framework,
                        help_text=self.framework_name(self.framework, short=False))
        y = self.choice(w, "offer_tutorial", "settings.tutorial", x, y, width,
                        [(True, self.t("settings.tutorial.on")), (False, self.t("settings.tutorial.off"))],
                        self.offer_tutorial, help_text=self.t("settings.tutorial.help"), ids=("on", "off"))
        y = self.choice(w, "research_texts", "settings.research", x, y, width,
                        [(True, self.t("settings.research.on")), (False, self.t("settings.research.off"))],
                        self.research_texts, help_text=self.t("settings.research.help"), ids=("on", "off"))

        if self.status is not None:
            key, values = self.status
            style = "#error" if key != "settings.saved" else "#strong"
            y = w.label("settings.status", self.said(key, values, style), x, y, width, bold=True,
                        style=style).rect.bottom + m.gap
        save, back = self.t("settings.save"), self.t("back")
        save_w = max(m.button_w(save), m.px(200))
        w.button("settings.save", save, pygame.Rect(x, y, save_w, m.button_h), self.save)
        bx = x + save_w + 2 * m.gap
        if bx + m.button_w(back) > x + width:
            bx, y = x, y + m.button_h + m.gap
        w.button("settings.back", back, pygame.Rect(bx, y, m.button_w(back), m.button_h), self.leave,
                 style="#secondary")

    def framework_name(self, framework_id: str, *, short: bool) -> str:
        try:
            title = load_framework(framework_id).title[self.app.locale]
        except Exception:  # noqa: BLE001  (a broken framework file still gets a button, by its id)
            return framework_id
        return title.split(":")[0].strip() if short else title

    def said(self, key: str, values: dict, style: str) -> str:
        """A message in words; a problem starts with the error prefix, never told by its colour alone."""
        text = self.t(key, **values)
        return self.t("error_prefix") + " " + text if style == "#error" else text

    def heading(self, w, key: str, x: int, y: int, width: int) -> int:
        return w.label(key, self.t(key), x, y, width, title=True).rect.bottom + w.m.gap

    def note(self, w, element_id: str, text: str, x: int, y: int, width: int) -> int:
        return w.label(element_id, text, x, y, width, style="#muted").rect.bottom + w.m.pad

    def error(self, w, name: str, x: int, y: int, width: int) -> int:
        if name not in self.errors:
            return y
        key, values = self.errors[name]
        text = self.t("error_prefix") + " " + self.t(key, **values)
        return w.label(f"settings.{name}.error", text, x, y, width, bold=True, style="#error").rect.bottom + w.m.pad

    def field(self, w, name: str, x: int, y: int, width: int, field_w: int, *, hidden: bool = False,
              help_key: str | None = None, help_text: str | None = None) -> int:
        m = w.m
        label = self.t(f"settings.{name}")
        y = w.label(f"settings.{name}.label", label, x, y, width, bold=True).rect.bottom + m.pad
        if help_key or help_text:
            y = self.note(w, f"settings.{name}.help", help_text or self.t(help_key), x, y, width)
        variable = next((v for v, f in ENVIRONMENT.items() if f == name and os.environ.get(v)), None)
        if variable is not None:
            y = self.note(w, f"settings.{name}.env", self.t("settings.from_env", variable=variable), x, y, width)
        field = w.text_field(f"settings.{name}", label, pygame.Rect(x, y, field_w, m.button_h), self.values[name])
        if hidden:
            field.widget.set_text_hidden(True)
        y += m.button_h + m.pad
        return self.error(w, name, x, y, width) + m.gap

    def choice(self, w, name: str, prefix: str, x: int, y: int, width: int, options: list, chosen, *,
               help_text: str | None = None, ids: tuple | None = None) -> int:
        """A label and a row of buttons (ids `prefix.value`), the chosen one highlighted, as on the title
        screen; choosing sets the draft's attribute `name`."""
        m = w.m
        y = w.label(f"settings.{name}.label", self.t(f"settings.{name}"), x, y, width, bold=True).rect.bottom + m.pad
        rects = flow([m.button_w(text) for _, text in options], x, y, width, m.button_h, m.gap)
        for i, ((value, text), rect) in enumerate(zip(options, rects)):
            selected = value == chosen
            w.button(f"{prefix}.{ids[i] if ids else value}", text, rect, lambda value=value: self.pick(name, value),
                     style="#primary" if selected else "#secondary",
                     speakable=text + (f" ({self.t('selected')})" if selected else ""))
        y = rects[-1].bottom + m.pad
        if help_text:
            y = self.note(w, f"settings.{name}.help", help_text, x, y, width)
        return self.error(w, name, x, y, width) + m.gap
