"""Printable results: a session's competence profile as a PDF, and sheets of participant codes to cut out.

The profile report (`numplus report SESSION_ID --out FILE.pdf`, or the facilitator's button on a session's
result) is one or two pages: who measured (the organisation), when, for which pseudonymous participant
code and session, the same chart and words as the results screen (`scoring.profile`), and how the result
was made, so it can stand as evidence for a micro-credential. Texts are in the session's language unless
another is asked for; the bundled Noto Sans fonts are embedded, so accents print and copy as text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from game import APP_VERSION
from game.i18n import tr
from game.locales import DEFAULT_LOCALE, supported_locales
from game.paths import FONTS
from game.sessions import session_measurement, stored_session_bank
from game.ui.theme import chart_colours
from scoring.profile import AreaProfile, Profile, competence_profile

if TYPE_CHECKING:
    from game.scenario.loader import LoadedScenario
    from game.settings import Settings
    from game.store import EventStore, SessionRecord

FONT = "NotoSans"
PAGE = "Letter"  # Quebec prints on Letter; the layout leaves room for A4 too
MARGIN = 18.0  # mm
INK = "#1B1F24"
MUTED = "#4A5560"
RULE = "#9AA5B1"


class ReportError(Exception):
    """The report cannot be made; the message says why in one line."""


@dataclass(frozen=True)
class Report:
    path: Path
    session: str
    profile: Profile


def organisation(settings: "Settings") -> str:
    """The name printed on reports: the organisation's name, else its web address, else nothing."""
    return settings.org_name or settings.org_url or ""


def find_session(store: "EventStore", reference: str) -> "SessionRecord":
    """A session by its id, or by the first characters of its id as the facilitator's list shows them."""
    reference = reference.strip()
    sessions = store.sessions()
    exact = [s for s in sessions if s.id == reference]
    if exact:
        return exact[0]
    found = [s for s in sessions if reference and s.id.startswith(reference)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ReportError(f"{len(found)} sessions start with {reference!r}; give more of the session id")
    raise ReportError(f"unknown session {reference!r} (not in this computer's database)")


# --- the PDF ---------------------------------------------------------------------------------------------------
class _Document(FPDF):
    def __init__(self, footer_text: str = ""):
        super().__init__(orientation="P", unit="mm", format=PAGE)
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "NotoSans-Regular.ttf"))
        self.add_font(FONT, "B", str(FONTS / "NotoSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_creator(f"NUM+ {APP_VERSION}")
        self.set_text_color(INK)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-MARGIN)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(MUTED)
        self.cell(0, 4, self.footer_text.replace("{page}", f"{self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(INK)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def text_block(self, text: str, size: float = 10, bold: bool = False, colour: str = INK, gap: float = 1.5,
                   x: float | None = None, w: float | None = None) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(colour)
        if x is not None:
            self.set_x(x)
        self.multi_cell(w if w is not None else self.width, size * 0.48, text, align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(INK)
        self.ln(gap)

    def heading(self, text: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        self.ln(2)
        self.text_block(text, 12.5, bold=True, gap=1.5)

    def text_height(self, text: str, w: float, size: float, bold: bool = False) -> float:
        self.set_font(FONT, "B" if bold else "", size)
        lines = self.multi_cell(w, size * 0.48, text, dry_run=True, output="LINES")
        return len(lines) * size * 0.48


def _draw_bands(pdf: _Document, profile: Profile, x: float, y: float, w: float) -> float:
    """The level groups' names over the bars; returns the y below them."""
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(MUTED)
    bottom = y
    for group in profile.groups:
        left = x + (group.levels[0] - 1) * w / profile.n_levels
        band_w = len(group.levels) * w / profile.n_levels
        pdf.set_xy(left, y)
        pdf.multi_cell(band_w, 3.8, group.label, align="C", new_x=XPos.RIGHT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_text_color(INK)
    return bottom


def _draw_bar(pdf: _Document, area: AreaProfile, x: float, y: float, w: float, h: float, look: dict[str, str]) -> None:
    """The same bar as the results screen: bands, the likely range, the most likely level, numbered cells."""
    n = len(area.cells)
    cell_w = w / n
    for i, cell in enumerate(area.cells):
        pdf.set_fill_color(look["band_a"] if cell.band % 2 == 0 else look["band_b"])
        pdf.rect(x + i * cell_w, y, cell_w, h, style="F")
    inset = h / 7
    pdf.set_fill_color(look["range_bg"])
    pdf.rect(x + (area.low - 1) * cell_w + 0.4, y + inset, (area.high - area.low + 1) * cell_w - 0.8, h - 2 * inset,
             style="F", round_corners=True, corner_radius=inset)
    for i, cell in enumerate(area.cells[1:], start=1):
        if cell.starts_group:
            pdf.set_draw_color(look["normal_border"])
            pdf.set_line_width(0.5)
            pdf.line(x + i * cell_w, y, x + i * cell_w, y + h)
        else:
            pdf.set_draw_color(look["separator"])
            pdf.set_line_width(0.2)
            pdf.line(x + i * cell_w, y + inset, x + i * cell_w, y + h - inset)
    for i, cell in enumerate(area.cells):
        if cell.most_likely:
            pdf.set_fill_color(look["marker_bg"])
            pdf.rect(x + i * cell_w + 0.6, y + inset / 2, cell_w - 1.2, h - inset, style="F", round_corners=True,
                     corner_radius=inset / 2)
        pdf.set_font(FONT, "B" if cell.most_likely else "", 9.5)
        pdf.set_text_color(look["marker_text"] if cell.most_likely else look["normal_text"])
        pdf.set_xy(x + i * cell_w, y)
        pdf.cell(cell_w, h, str(cell.number), align="C")
    pdf.set_text_color(INK)
    pdf.set_draw_color(look["normal_border"])
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, h, style="D")


def _draw_chart(pdf: _Document, profile: Profile, look: dict[str, str]) -> None:
    name_w, gutter, bar_h = 52.0, 4.0, 7.5
    bar_x = pdf.l_margin + name_w + gutter
    bar_w = pdf.width - name_w - gutter
    y = _draw_bands(pdf, profile, bar_x, pdf.get_y(), bar_w) + 1
    for area in profile.areas:
        text = f"{area.level_text}. {area.range_text}."
        row_h = max(pdf.text_height(area.label, name_w, 10, bold=True),
                    bar_h + 1.2 + pdf.text_height(text, bar_w, 9))
        if y + row_h > pdf.page_break_trigger:
            pdf.add_page()
            y = _draw_bands(pdf, profile, bar_x, pdf.get_y(), bar_w) + 1
        pdf.set_xy(pdf.l_margin, y + 0.8)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(name_w, 4.8, area.label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _draw_bar(pdf, area, bar_x, y, bar_w, bar_h, look)
        pdf.set_xy(bar_x, y + bar_h + 1.2)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(bar_w, 4.32, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y += row_h + 3.5
    pdf.set_xy(pdf.l_margin, y)


def _method(locale: str, plan: dict, n_tasks: int, profile: Profile, parameters_version: str) -> list[str]:
    """How the result was made, in plain words (docs/measurement.md)."""
    mode = plan.get("mode", "fixed")
    lines = [tr(locale, "pdf.method.tasks", n=n_tasks)]
    if mode in ("adaptive", "fixed", "chosen"):
        lines.append(tr(locale, f"pdf.method.{mode}"))
    lines += [tr(locale, "pdf.method.framework", framework=profile.framework_title),
              tr(locale, "pdf.method.levels", n=profile.n_levels, groups=len(profile.groups)),
              tr(locale, "pdf.method.model"), tr(locale, "pdf.method.sure"), tr(locale, "pdf.method.range")]
    calibrated = not parameters_version.startswith("provisional-")
    lines.append(tr(locale, "pdf.method.calibrated" if calibrated else "pdf.method.provisional",
                    version=parameters_version))
    return lines


def _local_date(utc: str | None) -> str:
    if not utc:
        return ""
    try:
        return datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone().date().isoformat()
    except ValueError:
        return utc[:10]


def _save(pdf: FPDF, path: Path) -> None:
    """Written whole or not at all: a temporary file, then renamed."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        pdf.output(str(tmp))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_report(store: "EventStore", session_id: str, library: dict[str, "LoadedScenario"], settings: "Settings",
                 path: Path | str, locale: str | None = None) -> Report:
    """The profile report of a stored session (its id or the first characters of it). Raises ReportError."""
    record = find_session(store, session_id)
    locale = locale or (record.locale if record.locale in supported_locales() else DEFAULT_LOCALE)
    if locale not in supported_locales():
        raise ReportError(f"unknown language {locale!r} (supported: {', '.join(supported_locales())})")
    started = store.session_started(record.id)
    plan = (started.payload.get("plan") if started is not None else None) or {}
    bank = stored_session_bank(store, record.id, library, settings.item_parameters)
    measurement = session_measurement(store, record.id, bank)
    profile = competence_profile(measurement, bank.framework, locale)
    results = store.results(record.id)

    today = date.today().isoformat()
    pdf = _Document(tr(locale, "pdf.footer", version=APP_VERSION, session=record.id, date=today, page="{page}"))
    name = organisation(settings)
    pdf.set_title(tr(locale, "pdf.title"))
    pdf.set_subject(f"{record.participant} {record.id}")
    if name:
        pdf.set_author(name)
    pdf.set_lang(locale)
    pdf.add_page()
    # Who, when, for whom.
    pdf.text_block(tr(locale, "pdf.title"), 19, bold=True, gap=1)
    if name:
        pdf.text_block(tr(locale, "pdf.organisation", name=name), 11, bold=True, gap=0.5)
    for line in (tr(locale, "pdf.date", date=_local_date(record.started_utc)),
                 tr(locale, "pdf.participant", code=record.participant),
                 tr(locale, "pdf.session", session=record.id)):
        pdf.text_block(line, 10, gap=0.3)
    if record.status == "active":
        pdf.text_block(tr(locale, "pdf.unfinished"), 10, bold=True, gap=0.3)
    pdf.ln(1)
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.width, pdf.get_y())
    pdf.ln(1)
    # The results, as on the screen.
    pdf.heading(tr(locale, "pdf.results"))
    if profile.measured:
        _draw_chart(pdf, profile, chart_colours("default"))  # paper is white: never the screen's high contrast
        pdf.text_block(profile.legend, 8.5, colour=MUTED, gap=1)
        if profile.not_measured_text:
            pdf.text_block(profile.not_measured_text, 9.5, gap=1)
        pdf.heading(tr(locale, "pdf.strengths"))
        pdf.text_block(profile.strengths_text or "", 10)
        steps = [a for a in profile.areas if a.next_step]
        if steps:
            pdf.heading(tr(locale, "profile.next_steps"))
            for area in steps:
                pdf.text_block(area.label, 10, bold=True, gap=0.3)
                pdf.text_block(area.next_step, 10, gap=1.5)
    else:
        pdf.text_block(profile.nothing_measured_text or "", 10.5)
    if results:
        pdf.heading(tr(locale, "pdf.tasks"))
        for sid, result in results.items():
            loaded = library.get(sid)
            title = loaded.scenario.title[locale] if loaded is not None else sid
            pdf.text_block("• " + tr(locale, "summary.line", title=title,
                                     outcome=tr(locale, "outcome." + result["outcome"])), 9.5, gap=0.6)
    # How it was made.
    pdf.heading(tr(locale, "pdf.method"))
    n_tasks = sum(1 for r in results.values() if r.get("item_score") is not None)
    pdf.text_block(" ".join(_method(locale, plan, n_tasks, profile, measurement["parameters_version"])), 9,
                   colour=MUTED)
    try:
        _save(pdf, Path(path))
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return Report(Path(path), record.id, profile)


# --- participant codes ------------------------------------------------------------------------------------------
def write_codes_pdf(codes: list[str], path: Path | str, org_name: str, locale: str) -> Path:
    """A sheet of participant codes, one per slip to cut out, each saying what it is in every language."""
    pdf = _Document()
    pdf.set_title(tr(locale, "codes.title"))
    if org_name:
        pdf.set_author(org_name)
    pdf.set_lang(locale)
    pdf.add_page()
    pdf.set_auto_page_break(False)
    slip_w, slip_h, columns = pdf.width / 2, 31.0, 2

    def header() -> float:
        pdf.set_xy(pdf.l_margin, MARGIN)
        pdf.text_block(tr(locale, "codes.title"), 15, bold=True, gap=0.5)
        if org_name:
            pdf.text_block(org_name, 10, bold=True, gap=0.3)
        pdf.text_block(tr(locale, "codes.sheet.made", date=date.today().isoformat()) + " — "
                       + tr(locale, "codes.sheet.help"), 9, colour=MUTED, gap=3)
        return pdf.get_y()

    what = " / ".join(tr(loc, "codes.slip") for loc in supported_locales())
    keep = [tr(loc, "codes.slip.keep") for loc in supported_locales()]
    top = header()
    per_page = columns * int((pdf.h - MARGIN - top) // slip_h)
    for i, code in enumerate(codes):
        if i and i % per_page == 0:
            pdf.add_page()
            top = header()
        row, column = divmod(i % per_page, columns)
        y = top + row * slip_h
        x = pdf.l_margin + column * slip_w
        pdf.set_draw_color(RULE)
        pdf.set_line_width(0.25)
        pdf.set_dash_pattern(dash=1.5, gap=1.2)
        pdf.rect(x, y, slip_w, slip_h, style="D")
        pdf.set_dash_pattern()
        pdf.set_xy(x + 4, y + 3)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(MUTED)
        pdf.cell(slip_w - 8, 4, what)
        pdf.set_xy(x + 4, y + 8.5)
        pdf.set_font(FONT, "B", 20)
        pdf.set_text_color(INK)
        pdf.cell(slip_w - 8, 10, code)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(MUTED)
        for j, line in enumerate(keep):
            pdf.set_xy(x + 4, y + 20.5 + j * 3.6)
            pdf.cell(slip_w - 8, 3.6, line)
        pdf.set_text_color(INK)
    target = Path(path)
    try:
        _save(pdf, target)
    except OSError as exc:
        raise ReportError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target
