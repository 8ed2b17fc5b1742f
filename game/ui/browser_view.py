"""The web browser on screen: address bar with back, forward and padlock, and the page as a scrolling view.

Pages come from the scenario's page model; what the browser shows (history, typed values, errors)
is read from the runtime's Browser, and every change goes back to it as an action.
"""

from __future__ import annotations

import pygame
import pygame_gui

from game import element_ids as ids
from game.runtime import actions as a
from game.runtime.browser import Browser
from game.runtime.forms import password_strength
from game.scenario.browser import (Form, FormField, Heading, Image, LinkBlock, ListBlock, Paragraph, SearchBox,
                                   Table)
from game.ui.app_view import AppView
from game.ui.dialog import Dialog, DialogButton
from game.ui.errors import draw_error_icons, error_line
from game.ui.elements import Element
from game.ui.layout import flow, font
from game.ui.mail_view import folder_label
from game.ui.rows import TextCache
from game.ui.scroll import ScrollArea
from game.ui.theme import colour, scroll_bar_colours

PAGE_ELEMENTS = ("browser.link.", "browser.field.", "browser.result.", "browser.search", "browser.form.")
TEXT_KINDS = ("text", "email", "phone", "postal_code", "date", "number", "password", "textarea")


class BrowserView(AppView):
    name = "browser"

    def __init__(self, app):
        super().__init__(app)
        self.page_area = ScrollArea()
        self.links: list[Element] = []  # drawn by us: underlined, wrapping
        self.checks: list[tuple[Element, bool]] = []  # check boxes drawn by us, with their state
        self.meters: list[tuple[Element, str]] = []  # password strength meters and their field
        self.icons: list[Element] = []  # error icons before error messages
        self.cells: list[Element] = []  # frames we draw: table cells, image places
        self.lock: tuple[pygame.Rect, bool] | None = None
        self.shown_location = None
        self._text_cache = TextCache()

    @property
    def browser(self) -> Browser:
        return self.app.session.engine.current.desktop.browser

    def initial_focus(self) -> str | None:
        """The page's first link or field, as a browser puts a new page in front (the address bar stays
        readable from its start); the address bar when the page has nothing to act on."""
        first = next((e.id for e in self.app.tree.focusables() if e.id.startswith(PAGE_ELEMENTS)), None)
        return first or "browser.address"

    # --- building -------------------------------------------------------------------
    def build(self, w, area: pygame.Rect) -> None:
        m = w.m
        self.links, self.checks, self.meters, self.icons, self.cells = [], [], [], [], []
        browser = self.browser
        if browser.here != self.shown_location:  # a new page opens at its top
            self.page_area.offset = 0
            self.shown_location = browser.here
        x, y = area.x + m.pad, area.y + m.pad
        back, forward, go = self.t("browser.back"), self.t("browser.forward"), self.t("browser.go")
        w.button("browser.back", back, pygame.Rect(x, y, m.button_w(back), m.button_h), self.go_back,
                 style="#secondary", speakable=self.t("browser.back.speakable"))
        x += m.button_w(back) + m.gap
        w.button("browser.forward", forward, pygame.Rect(x, y, m.button_w(forward), m.button_h), self.go_forward,
                 style="#secondary", speakable=self.t("browser.forward.speakable"))
        x += m.button_w(forward) + m.gap
        url = browser.url()
        secure = url.startswith("https://")
        lock_w = m.button_h if secure else m.text_w(self.t("browser.not_secure"), bold=True) + m.button_h
        self.lock = (pygame.Rect(x, y, lock_w, m.button_h), secure)
        w.add(Element(id="browser.security", kind="label", text="" if secure else self.t("browser.not_secure"),
                      rect=pygame.Rect(x, y, lock_w, m.button_h),
                      speakable=self.t("browser.secure" if secure else "browser.not_secure.speakable"),
                      lines=[] if secure else [self.t("browser.not_secure")], bold=True))
        x += lock_w + m.pad
        go_w = m.button_w(go)
        w.text_field("browser.address", self.t("browser.address"),
                     pygame.Rect(x, y, area.right - m.pad - go_w - m.gap - x, m.button_h), url)
        w.button("browser.go", go, pygame.Rect(area.right - m.pad - go_w, y, go_w, m.button_h), self.go_address)
        top = y + m.button_h + m.gap
        clip = pygame.Rect(area.x, top, area.w, area.bottom - top)
        self.page_area.begin(clip)
        w.area = self.page_area
        try:
            self._build_page(w, pygame.Rect(area.x + m.px(24), top + m.pad, area.w - 2 * m.px(24) - m.px(12),
                                            area.bottom - top))
        finally:
            w.area = None
            self.page_area.end()

    def _build_page(self, w, rect: pygame.Rect) -> None:
        here = self.browser.here
        if here.is_results:
            self._build_results(w, rect)
        elif here.page is None:
            y = w.label("browser.not_found.title", self.t("browser.not_found"), rect.x, rect.y, rect.w,
                        title=True).rect.bottom + w.m.gap
            y = w.label("browser.not_found.address", here.address or "", rect.x, y, rect.w, style="#muted").rect.bottom
            w.label("browser.not_found.hint", self.t("browser.not_found.hint"), rect.x, y + w.m.gap, rect.w)
        else:
            self._build_blocks(w, rect)

    def _build_blocks(self, w, rect: pygame.Rect) -> None:
        m, locale, page = w.m, self.app.locale, self.browser.page
        x, y, width = rect.x, rect.y, rect.w
        for number, block in enumerate(page.blocks):
            key = f"browser.block.{number}"
            if isinstance(block, Heading):
                y = w.label(key, block.text[locale], x, y, width, title=block.level == 1,
                            bold=block.level == 2).rect.bottom + m.gap
            elif isinstance(block, Paragraph):
                y = w.label(key, block.text[locale], x, y, width).rect.bottom + m.gap
            elif isinstance(block, Image):
                y = self._image(w, key, block, x, y, width) + m.gap
            elif isinstance(block, LinkBlock):
                y = self._link(w, ids.page_link(block.id), block.text[locale], x, y, width,
                               lambda b=block: self.follow(page.id, b.id)) + m.pad
            elif isinstance(block, ListBlock):
                for i, item in enumerate(block.items, 1):
                    mark = f"{i}." if block.ordered else "•"
                    y = w.label(f"{key}.{i}", f"{mark} {item[locale]}", x + m.px(12), y, width - m.px(12)).rect.bottom
                y += m.gap
            elif isinstance(block, Table):
                y = self._table(w, key, block, x, y, width) + m.gap
            elif isinstance(block, SearchBox):
                y = self._search_box(w, x, y, width) + m.gap
            elif isinstance(block, Form):
                y = self._form(w, block, x, y, width) + m.gap

    def _image(self, w, key: str, block: Image, x: int, y: int, width: int) -> int:
        """No picture files: a framed place with what the image shows, as screen readers give it."""
        m = w.m
        text = self.t("browser.image", alt=block.alt[self.app.locale])
        inner = min(width, m.px(560))
        lines = m.wrap(text, inner - 2 * m.pad)
        box = pygame.Rect(x, y, inner, len(lines) * m.line() + 2 * m.pad)
        w.label(key, text, x + m.pad, y + m.pad, inner - 2 * m.pad, style="#muted")
        self.cells.append(w.add(Element(id=f"{key}.frame", kind="frame", text="", rect=box)))
        return box.bottom

    def _link(self, w, element_id: str, text: str, x: int, y: int, width: int, on_activate,
              speakable: str | None = None) -> int:
        m = w.m
        lines = m.wrap(text, width - m.pad)
        h = max(44, len(lines) * m.line() + m.pad)
        line_w = max(m.text_w(line) for line in lines) + m.pad
        element = w.add(Element(id=element_id, kind="link", text=text, rect=pygame.Rect(x, y, min(width, line_w), h),
                                speakable=speakable or self.t("browser.link.speakable", text=text),
                                on_activate=on_activate, focusable=True, lines=lines))
        self.links.append(element)
        return y + h

    def _table(self, w, key: str, block: Table, x: int, y: int, width: int) -> int:
        m, locale = w.m, self.app.locale
        columns = len(block.columns)
        cell_w = width // columns
        for r, row in enumerate([block.columns, *block.rows]):
            wrapped = [m.wrap(cell[locale], cell_w - 2 * m.pad, bold=r == 0) for cell in row]
            row_h = max(len(lines) for lines in wrapped) * m.line(bold=r == 0) + 2 * m.pad
            for c, cell in enumerate(row):
                cell_rect = pygame.Rect(x + c * cell_w, y, cell_w, row_h)
                w.label(f"{key}.{r}.{c}", cell[locale], cell_rect.x + m.pad, y + m.pad, cell_w - 2 * m.pad,
                        bold=r == 0)
                self.cells.append(w.add(Element(id=f"{key}.{r}.{c}.cell", kind="frame", text="", rect=cell_rect)))
            y += row_h
        return y

    def _search_box(self, w, x: int, y: int, width: int) -> int:
        m = w.m
        go = self.t("browser.search.go")
        box_w = min(width - m.button_w(go) - m.gap, m.px(640))
        w.text_field("browser.search", self.t("browser.search"), pygame.Rect(x, y, box_w, m.button_h),
                     self.browser.here.search_text or "")
        w.button("browser.search.go", go, pygame.Rect(x + box_w + m.gap, y, m.button_w(go), m.button_h), self.search)
        return y + m.button_h

    def _build_results(self, w, rect: pygame.Rect) -> None:
        m, locale, browser = w.m, self.app.locale, self.browser
        here = browser.here
        x, y, width = rect.x, rect.y, rect.w
        y = self._search_box(w, x, y, width) + m.gap
        y = w.label("browser.results.title", self.t("browser.results", text=here.search_text), x, y, width,
                    title=True).rect.bottom + m.gap
        query = browser.query(here.query)
        if query is None:
            w.label("browser.results.none", self.t("browser.results.none"), x, y, width)
            return
        for rank, result in enumerate(query.results, 1):
            if result.sponsored:
                y = w.label(f"browser.result.{result.id}.sponsored", self.t("browser.sponsored"), x, y, width,
                            bold=True).rect.bottom
            title = result.title[locale]
            speak = self.t("browser.result.speakable", title=title, url=result.url,
                           sponsored=self.t("browser.sponsored") if result.sponsored else "")
            y = self._link(w, ids.result(result.id), title, x, y, width,
                           lambda q=query.id, r=result.id: self.act(a.OpenResult(q, r)), speakable=speak)
            y = w.label(f"browser.result.{result.id}.url", result.url, x, y, width, style="#muted").rect.bottom
            y = w.label(f"browser.result.{result.id}.snippet", result.snippet[locale], x, y, width).rect.bottom
            y += 2 * m.gap

    # --- forms ------------------------------------------------------------------------
    def _form(self, w, form: Form, x: int, y: int, width: int) -> int:
        m, browser = w.m, self.browser
        errors = browser.errors.get(form.id, {})
        if errors:
            summary = self.t("form.errors", n=len(errors))
            y = self._error(w, f"browser.form.{form.id}.errors", summary, x, y, width) + m.gap
        for field in form.fields:
            y = self._field(w, form, field, errors.get(field.id), x, y, width) + m.gap
        submit = form.submit[self.app.locale]
        w.button(ids.form_submit(form.id), submit, pygame.Rect(x, y, m.button_w(submit), m.button_h),
                 lambda f=form.id: self.submit(f))
        return y + m.button_h

    def _field(self, w, form: Form, field: FormField, error: str | None, x: int, y: int, width: int) -> int:
        m, locale, browser = w.m, self.app.locale, self.browser
        element_id = ids.form_field(form.id, field.id)
        value = browser.values[form.id][field.id]
        label = field.label[locale] + ("" if field.required or field.kind == "checkbox" else
                                       " " + self.t("form.optional"))
        entry_w = min(width, m.px(560))
        if field.kind not in ("checkbox", "consent"):
            y = w.label(f"{element_id}.label", label, x, y, width, bold=True).rect.bottom + m.pad // 2
        if field.help is not None:
            y = w.label(f"{element_id}.help", field.help[locale], x, y, width, style="#muted").rect.bottom + m.pad // 2
        if field.kind == "password":
            rules = self._password_rules(field)
            y = w.label(f"{element_id}.rules", rules, x, y, width, style="#muted").rect.bottom + m.pad // 2
        if error:
            y = self._error(w, f"{element_id}.error", self.t(f"form.error.{error}"), x, y, width) + m.pad // 2
        if field.kind in TEXT_KINDS:
            multiline = field.kind == "textarea"
            height = 4 * m.line() + 2 * m.pad if multiline else m.button_h
            entry = w.text_field(element_id, label, pygame.Rect(x, y, entry_w if not multiline else width, height),
                                 value if isinstance(value, str) else "", multiline=multiline)
            if field.kind == "password":
                entry.widget.set_text_hidden(True)
            y += height
            if field.kind == "password":
                meter = w.add(Element(id=f"{element_id}.strength", kind="meter", text=self._strength_text(value),
                                      rect=pygame.Rect(x, y + m.pad // 2, entry_w, m.line() + m.pad)))
                self.meters.append((meter, element_id))
                y += m.pad // 2 + m.line() + m.pad
            return y
        if field.kind in ("select", "radio"):
            texts = [o.label[locale] for o in field.options]
            rects = flow([m.button_w(t) for t in texts], x, y, width, m.button_h, m.gap)
            for option, text, place in zip(field.options, texts, rects):
                chosen = value == option.id
                w.button(ids.field_option(form.id, field.id, option.id), text, place,
                         lambda o=option.id, f=field.id: self.set_value(form.id, f, o),
                         style="#primary" if chosen else "#secondary",
                         speakable=f"{label}: {text}" + (f" ({self.t('selected')})" if chosen else ""))
            return rects[-1].bottom
        if field.kind in ("checkbox", "consent"):
            text_w = min(width, m.text_w(field.label[locale]) + m.button_h + 2 * m.hpad)
            checked = value is True
            button = w.button(element_id, field.label[locale], pygame.Rect(x, y, text_w, m.button_h),
                              lambda f=field.id, v=not checked: self.set_value(form.id, f, v), style="#check",
                              speakable=self.t("form.checkbox.speakable", label=field.label[locale],
                                               state=self.t("form.checked" if checked else "form.unchecked")))
            self.checks.append((button, checked))
            y += m.button_h
            if field.policy is not None:
                policy = self.t("form.policy")
                y = self._link(w, ids.field_policy(form.id, field.id), policy, x, y + m.pad // 2, width,
                               lambda f=field.id: self.show_policy(form.id, f))
            return y
        if field.kind == "file":
            choose = self.t("form.file.choose")
            w.button(element_id, choose, pygame.Rect(x, y, m.button_w(choose), m.button_h),
                     lambda f=field: self.ask_file(form.id, f), style="#secondary",
                     speakable=f"{label}: {choose}")
            files = self.app.session.engine.current.desktop.files
            chosen = files.files[value].name if files and value in files.files else None
            text = self.t("form.file.chosen", name=chosen) if chosen else self.t("form.file.none")
            return w.label(f"{element_id}.chosen", text, x, y + m.button_h + m.pad // 2, width).rect.bottom
        return y

    def _error(self, w, element_id: str, text: str, x: int, y: int, width: int) -> int:
        return error_line(w, self.icons, element_id, text, x, y, width)

    def _password_rules(self, field: FormField) -> str:
        rules = field.password
        parts = [self.t("form.password.length", n=rules.min_length)]
        for name in ("digit", "upper", "lower", "symbol"):
            if getattr(rules, name):
                parts.append(self.t(f"form.password.{name}"))
        return self.t("form.password.rules", rules=", ".join(parts))

    def _strength_text(self, value) -> str:
        score = password_strength(value if isinstance(value, str) else "")
        return self.t("form.strength", level=self.t(f"form.strength.{score}"))

    # --- drawing ----------------------------------------------------------------------
    def _text(self, text: str, colour: str, bold: bool = False) -> pygame.Surface:
        return self._text_cache.get(text, self.app.metrics.body_px, colour, bold)

    def draw_background(self, surface: pygame.Surface) -> None:
        m = self.app.metrics
        clip = self.page_area.clip
        theme = self.app.theme
        pygame.draw.rect(surface, colour(theme, "dark_bg", "#page"), clip)
        surface.set_clip(clip)  # what is partly in view is drawn partly, like a real page
        for cell in self.cells:
            if cell.rect.colliderect(clip):
                pygame.draw.rect(surface, colour(theme, "normal_border", "#page"), cell.rect, 1)
        link_colour = colour(theme, "link_text", "#page")
        for element in self.links:
            if not element.rect.colliderect(clip):
                continue
            y = element.rect.y + m.pad // 2
            for line in element.lines:
                image = self._text(line, link_colour)
                surface.blit(image, (element.rect.x, y))
                baseline = y + font(m.body_px).get_ascent() + 2
                pygame.draw.line(surface, link_colour, (element.rect.x, baseline),
                                 (element.rect.x + image.get_width(), baseline), max(1, m.px(1)))
                y += m.line()
        surface.set_clip(None)
        if self.lock is not None:
            rect, secure = self.lock
            self._draw_lock(surface, rect, secure)

    def _draw_lock(self, surface: pygame.Surface, rect: pygame.Rect, secure: bool) -> None:
        m = self.app.metrics
        ink = colour(self.app.theme, "normal_text", "label" if secure else "#error")  # on the screen's background
        size = m.line()
        body = pygame.Rect(0, 0, size * 2 // 3, size // 2)
        body.midbottom = (rect.x + size // 2 + m.pad // 2, rect.centery + size // 3)
        shackle = pygame.Rect(0, 0, body.w * 2 // 3, body.h)
        shackle.midbottom = (body.centerx, body.top + 2)
        if secure:
            pygame.draw.rect(surface, ink, shackle, max(2, m.px(2)), border_radius=shackle.w // 2)
            pygame.draw.rect(surface, ink, body, border_radius=2)
        else:  # a warning sign, then the words "Not secure" drawn by the label element
            points = [(body.centerx, body.top - body.h // 2), (body.left, body.bottom), (body.right, body.bottom)]
            pygame.draw.polygon(surface, ink, points, max(2, m.px(2)))
            pygame.draw.line(surface, ink, (body.centerx, body.top), (body.centerx, body.bottom - body.h // 3),
                             max(2, m.px(2)))
            surface.blit(self._text(self.t("browser.not_secure"), ink, bold=True),
                         (rect.x + size + m.pad, rect.centery - m.line(bold=True) // 2))

    def draw_overlay(self, surface: pygame.Surface) -> None:
        m = self.app.metrics
        theme = self.app.theme
        self.page_area.draw_bar(surface, scroll_bar_colours(theme), max(8, m.px(8)))
        for element, checked in self.checks:
            if not element.visible:
                continue
            side = m.line() - 2
            box = pygame.Rect(element.rect.x + m.hpad // 2, element.rect.centery - side // 2, side, side)
            pygame.draw.rect(surface, colour(theme, "dark_bg", "#check_box"), box)
            pygame.draw.rect(surface, colour(theme, "normal_border", "#check_box"), box, max(2, m.px(2)))
            if checked:
                points = [(box.x + side * 0.2, box.y + side * 0.55), (box.x + side * 0.42, box.y + side * 0.78),
                          (box.x + side * 0.82, box.y + side * 0.25)]
                pygame.draw.lines(surface, colour(theme, "normal_text", "#check_box"), False, points, max(3, m.px(3)))
        draw_error_icons(surface, self.icons, m, theme)
        for meter, field_id in self.meters:
            if meter.visible:
                self._draw_meter(surface, meter, field_id)

    def _draw_meter(self, surface: pygame.Surface, meter: Element, field_id: str) -> None:
        m = self.app.metrics
        field = self.app.widgets.fields.get(field_id)
        score = password_strength(field.get()) if field else 0
        segment_w = m.px(40)
        theme = self.app.theme
        for i in range(4):
            rect = pygame.Rect(meter.rect.x + i * (segment_w + m.pad // 2), meter.rect.centery - m.px(4),
                               segment_w, m.px(8))
            pygame.draw.rect(surface, colour(theme, f"level_{score}" if i < score else "empty", "#meter"), rect)
        text = self._text(meter.text, colour(theme, "normal_text", "#page"))
        surface.blit(text, (meter.rect.x + 4 * (segment_w + m.pad // 2) + m.pad,
                            meter.rect.centery - text.get_height() // 2))

    # --- input ------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            focused = self.app.focus.focused_id
            if focused == "browser.address":
                self.go_address()
                return True
            if focused == "browser.search":
                self.search()
                return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            for meter, field_id in self.meters:
                field = self.app.widgets.fields.get(field_id)
                if field is not None and event.ui_element is field.widget:
                    meter.text = self._strength_text(field.get())
        if event.type == pygame.MOUSEWHEEL and self.page_area.clip.collidepoint(self.app.pointer):
            return self.page_area.scroll(-event.y * 3 * self.app.metrics.line())
        return False

    # --- what the participant does ----------------------------------------------------
    def commit_fields(self) -> bool:
        """Hand typed field values to the runtime (one field_changed per changed field)."""
        engine = self.app.session.engine
        run = engine.current
        if run is None or run.outcome is not None:
            return True
        browser = self.browser
        page = browser.page
        if page is None:
            return False
        for form in (b for b in page.blocks if isinstance(b, Form)):
            for field in form.fields:
                widget = self.app.widgets.fields.get(ids.form_field(form.id, field.id))
                if field.kind in TEXT_KINDS and widget is not None and widget.get() != browser.values[form.id][field.id]:
                    if engine.apply(a.SetField(form.id, field.id, widget.get())).scenario_completed:
                        self.app.defer(self.player.scenario_over)
                        return True
        return False

    def follow(self, page_id: str, link_id: str) -> None:
        if not self.commit_fields():  # what was typed on the page is kept before leaving it
            self.act(a.FollowLink(page_id, link_id))

    def go_back(self) -> None:
        if not self.commit_fields():
            self.act(a.GoBack())

    def go_forward(self) -> None:
        if not self.commit_fields():
            self.act(a.GoForward())

    def go_address(self) -> None:
        if self.commit_fields():
            return
        address = self.app.widgets.fields["browser.address"].get()
        self.act(a.EnterAddress(address), refresh=False)
        if self.app.dialog is None and self.app.scene is self.player:
            self.app.rebuild(keep_focus=False)  # the new page's first link or field

    def search(self) -> None:
        if self.commit_fields():
            return
        text = self.app.widgets.fields["browser.search"].get()
        outcome = self.act(a.Search(text), refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            query = self.browser.query(self.browser.here.query)  # focus the first result, or the box again
            self.app.rebuild(preferred=ids.result(query.results[0].id) if query else "browser.search",
                             keep_focus=False)

    def set_value(self, form_id: str, field_id: str, value) -> None:
        if not self.commit_fields():
            self.act(a.SetField(form_id, field_id, value))

    def submit(self, form_id: str) -> None:
        if self.commit_fields():
            return
        outcome = self.act(a.SubmitForm(form_id), refresh=False)
        if outcome.scenario_completed or self.app.scene is not self.player or self.app.dialog is not None:
            return
        errors = self.browser.errors.get(form_id)
        if outcome.accepted and errors:  # the first field to correct gets the focus, as good sites do
            field = next(f for f in self.browser.forms[form_id].fields if f.id in errors)
            target = self._focus_id(form_id, field)
            self.app.rebuild(preferred=target, keep_focus=False)
            # ...with the list of errors, or at least the field's own label and message, in view above it
            for above in (f"browser.form.{form_id}.errors", f"{ids.form_field(form_id, field.id)}.label"):
                self.page_area.reveal(target, above=above)
                summary = self.app.tree.get(above)
                if summary is not None and summary.visible:
                    break
        else:
            self.app.rebuild(keep_focus=False)

    @staticmethod
    def _focus_id(form_id: str, field: FormField) -> str:
        """The element that takes a field's focus: the field, or its first option."""
        if field.kind in ("select", "radio"):
            return ids.field_option(form_id, field.id, field.options[0].id)
        return ids.form_field(form_id, field.id)

    def ask_file(self, form_id: str, field: FormField) -> None:
        """The file picker: the file manager's folders and files, as a site's upload button opens it."""
        if self.commit_fields():
            return
        files = self.app.session.engine.current.desktop.files
        buttons = []
        for folder in (f for f in (files.folders if files else {}) if f != "trash"):
            for state in files.in_folder(folder):
                text = self.t("picker.file", name=state.name, folder=folder_label(files, folder, self.t))
                buttons.append(DialogButton(ids.pick_file(state.id), text,
                                            lambda s=state.id: self.choose(form_id, field.id, s), "#secondary"))
        buttons.append(DialogButton("browser.pick.cancel", self.t("cancel"),
                                    lambda: self.app.close_dialog(ids.form_field(form_id, field.id)), "#secondary"))
        text = self.t("picker.text") if len(buttons) > 1 else self.t("picker.none")
        self.app.show_dialog(Dialog("dialog.picker", self.t("picker.title"), text, buttons,
                                    escape="browser.pick.cancel"))

    def choose(self, form_id: str, field_id: str, file_id: str) -> None:
        self.app.dialog = None
        self.act(a.ChooseFile(form_id, field_id, file_id), refresh=False)
        if self.app.scene is self.player and self.app.dialog is None:
            self.app.rebuild(preferred=ids.form_field(form_id, field_id), keep_focus=False)

    def show_policy(self, form_id: str, field_id: str) -> None:
        """A consent box's policy, read in place so the form is not lost."""
        if self.commit_fields():
            return
        outcome = self.act(a.OpenPolicy(form_id, field_id), refresh=False)
        if not outcome.accepted or outcome.scenario_completed:
            return
        page = self.browser.pages[outcome.events[0].payload["page"]]
        locale = self.app.locale
        text = "\n\n".join(b.text[locale] for b in page.blocks if isinstance(b, (Paragraph, Heading)))
        self.app.show_dialog(Dialog("dialog.policy", page.title[locale], text, [
            DialogButton("dialog.policy.close", self.t("close"),
                         lambda: self.app.close_dialog(ids.field_policy(form_id, field_id)))],
            long_text=True, escape="dialog.policy.close"))
