"""End of a scenario, and the session summary."""

from __future__ import annotations

from typing import Callable

import pygame

from game.delivery import session_bank
from game.sessions import stored_session_bank
from game.ui.elements import Element
from game.ui.layout import LOGICAL_SIZE, flow
from game.ui.profile_chart import band_span, draw_bar
from game.ui.rows import TextCache
from game.ui.scenes.base import PageScene
from game.ui.scenes.flow import after_scenario, finish_session
from game.ui.scenes.practice import is_practice
from game.ui.theme import chart_colours
from scoring.measurement import measure
from scoring.profile import AreaProfile, Profile, competence_profile


class EndScene(PageScene):
    initial_focus = "end.next"

    def build_page(self, w) -> None:
        run = self.app.session.engine.current
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        title = run.loaded.scenario.title[self.app.locale]
        y = self.app.read_aloud.heading(w, "end.read_aloud", "end.title", title, x, y, width, title=True) + m.gap
        y = w.label("end.text", self.t(f"end.{run.outcome}"), x, y, width).rect.bottom + 2 * m.gap
        if is_practice(self.app.session.engine) and not self.app.single_scenario:  # the real tasks come next
            y = w.label("end.practice", self.t("tutorial.end"), x, y, width).rect.bottom + 2 * m.gap
        label = self.t("end.next")
        w.button("end.next", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 lambda: after_scenario(self.app))


class SummaryScene(PageScene):
    """The end of the participant's own session, or (with `session_id` and `back`) a stored session's result
    shown to the facilitator."""

    initial_focus = "summary.finish"

    def __init__(self, app, session_id: str | None = None, back: Callable[[], None] | None = None):
        super().__init__(app)
        self.session_id = session_id or app.session.engine.session_id
        self.back = back
        # State: what the session measured, computed once; the profile's words follow the locale.
        bank = self._bank()
        self.framework = bank.framework
        self.measurement = measure({sid: r["item_score"] for sid, r in app.store.results(self.session_id).items()},
                                   bank)
        self._profile: Profile | None = None
        self.bars: list[tuple[Element, AreaProfile]] = []  # laid out by build_page, drawn by draw_background
        self._text = TextCache()
        measured = [a.id for a in self.framework.areas if self.measurement["areas"][a.id]["status"] == "measured"]
        if measured:  # the results first: focus (and a reader) start on the first bar
            self.initial_focus = f"summary.area.{measured[0]}"

    @property
    def profile(self) -> Profile:
        if self._profile is None or self._profile.locale != self.app.locale:
            self._profile = competence_profile(self.measurement, self.framework, self.app.locale)
        return self._profile

    def build_page(self, w) -> None:
        results = self.app.store.results(self.session_id)
        m = w.m
        width = LOGICAL_SIZE[0] - 2 * m.px(60)
        x, y = m.px(60), m.px(40)
        if self.back is None:  # the participant, at the end of their own session
            title, text = self.t("summary.title"), self.t("summary.text", n=len(results))
        else:  # a facilitator, looking at a stored session
            started = self.app.store.session_started(self.session_id)
            code = started.payload.get("participant", "") if started is not None else ""
            title, text = self.t("summary.title_stored", code=code), self.t("summary.text_stored", n=len(results))
        y = self.app.read_aloud.heading(w, "summary.read_aloud", "summary.title", title, x, y,
                                        width, title=True) + m.gap
        y = w.label("summary.text", text, x, y, width).rect.bottom + m.gap
        y = self._measured(w, x, y, width)
        y = self._advice(w, x, y, width)
        if results:
            y = w.label("summary.tasks", self.t("summary.tasks"), x, y, width, bold=True).rect.bottom + m.pad
        for i, (sid, result) in enumerate(results.items()):
            line = self.t("summary.line", title=self.app.library[sid].scenario.title[self.app.locale],
                          outcome=self.t("outcome." + result["outcome"]))
            y = w.label(f"summary.scenario.{i}", line, x, y, width).rect.bottom + m.pad
        y += 2 * m.gap
        label = self.t("back" if self.back else "summary.finish")
        w.button("summary.finish", label, pygame.Rect(x, y, max(m.button_w(label), m.px(220)), m.button_h),
                 self.back or (lambda: finish_session(self.app)))
        if self.back is not None:  # the facilitator's view of a stored session: its profile as a PDF to print
            text = self.t("summary.pdf")
            place = flow([max(m.button_w(label), m.px(220)), m.button_w(text)], x, y, width, m.button_h, m.gap)[1]
            w.button("summary.pdf", text, place, self.save_pdf, style="#secondary")

    def save_pdf(self) -> None:
        from game.paths import data_dir
        from game.report import ReportError, write_report

        record = next(r for r in self.app.store.sessions() if r.id == self.session_id)
        path = data_dir() / f"profile-{record.participant}-{self.session_id[:8]}.pdf"
        try:
            write_report(self.app.store, self.session_id, self.app.library, self.app.settings, path,
                         self.app.locale)
        except ReportError as exc:
            self.app.show_notice(self.t("summary.pdf.failed.title"), self.t("summary.pdf.failed", reason=str(exc)))
            return
        self.app.show_notice(self.t("summary.pdf.saved.title"), self.t("summary.pdf.saved", path=str(path)))

    def _bank(self):
        session = self.app.session
        if session is not None and session.engine.session_id == self.session_id:
            return session_bank(session.engine)
        return stored_session_bank(self.app.store, self.session_id, self.app.library,
                                   self.app.settings.item_parameters)

    def _measured(self, w, x: int, y: int, width: int) -> int:
        """One bar per area measured (its level, the likely range, how sure we are), then what was not measured."""
        m, profile = w.m, self.profile
        self.bars = []
        y = w.label("summary.measured", self.t("summary.measured"), x, y, width, bold=True).rect.bottom + m.pad
        if not profile.measured:
            return w.label("summary.nothing", profile.nothing_measured_text, x, y, width).rect.bottom + 2 * m.gap
        # Large text: each area's name above its bar. Normal text: names in a column left of the bars.
        name_w = 0 if m.narrow else min(max(m.text_w(a.label, bold=True) for a in profile.areas) + m.pad,
                                        width // 4)
        bar_x = x + (name_w + 2 * m.gap if name_w else 0)
        bar_w = x + width - bar_x
        y = self._bands(w, profile, bar_x, y, bar_w) + m.pad
        for area in profile.areas:
            if name_w:
                name_bottom = w.label(f"summary.name.{area.id}", area.label, x, y + m.pad, name_w,
                                      bold=True).rect.bottom
                top = y
            else:
                name_bottom = top = w.label(f"summary.name.{area.id}", area.label, x, y, width,
                                            bold=True).rect.bottom + m.pad // 2
            bar = w.add(Element(id=f"summary.area.{area.id}", kind="chart_bar", text=area.sentence,
                                rect=pygame.Rect(bar_x, top, bar_w, m.button_h), speakable=area.sentence,
                                focusable=True))
            self.bars.append((bar, area))
            text = f"{area.level_text}. {area.range_text}."
            below = w.label(f"summary.level.{area.id}", text, bar_x, top + m.button_h + m.pad // 2, bar_w).rect.bottom
            y = max(below, name_bottom) + m.gap + m.pad
        y = w.label("summary.legend", profile.legend, x, y, width, style="#muted").rect.bottom + m.pad
        if profile.not_measured_text:
            y = w.label("summary.not_measured", profile.not_measured_text, x, y, width,
                        style="#muted").rect.bottom + m.pad
        return y + m.gap

    def _bands(self, w, profile: Profile, bar_x: int, y: int, bar_w: int) -> int:
        """The level groups' names over the bars, each over its band; when a name does not fit its band in whole
        words (very large text), one line that names each group with its levels instead."""
        m, bottom = w.m, y
        spans = [band_span(bar_x, bar_w, g.levels, profile.n_levels) for g in profile.groups]
        if any(m.text_w(word) > band_w - m.pad for g, (_, band_w) in zip(profile.groups, spans)
               for word in g.label.split()):
            key = " · ".join(g.levels_label for g in profile.groups)
            return w.label("summary.bands", key, bar_x, y, bar_w, style="#muted").rect.bottom
        for group in profile.groups:
            left, band_w = band_span(bar_x, bar_w, group.levels, profile.n_levels)
            fits = m.text_w(group.label) + 2 <= band_w
            label_w = min(band_w, m.text_w(group.label) + 2 * m.pad) if fits else band_w - m.pad
            label_x = left + (band_w - label_w) // 2 if fits else left + m.pad // 2
            element = w.label(f"summary.band.{group.id}", group.label, label_x, y, label_w, style="#muted")
            bottom = max(bottom, element.rect.bottom)
        return bottom

    def _advice(self, w, x: int, y: int, width: int) -> int:
        """Strengths, then a next step per area measured, in plain words."""
        m, profile = w.m, self.profile
        if profile.strengths_text:
            y = w.label("summary.strengths", profile.strengths_text, x, y, width, bold=True).rect.bottom + m.gap
        steps = [a for a in profile.areas if a.next_step]
        if steps:
            y = w.label("summary.next_steps", self.t("profile.next_steps"), x, y, width, bold=True).rect.bottom + m.pad
            for area in steps:
                text = self.t("profile.next_step", area=area.label, step=area.next_step)
                y = w.label(f"summary.next_step.{area.id}", text, x, y, width).rect.bottom + m.pad
            y += m.gap
        return y

    def draw_background(self, surface: pygame.Surface) -> None:
        look = chart_colours(self.app.theme)
        clip = self.area.clip
        surface.set_clip(clip)  # a bar partly scrolled out shows partly
        for element, area in self.bars:
            if element.rect.colliderect(clip):
                draw_bar(surface, element.rect, area, look, self.app.metrics, self._text)
        surface.set_clip(None)
