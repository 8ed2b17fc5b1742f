"""The mail client on screen: folders, message list, reading pane and the compose form.

It reads the runtime's Mailbox and sends actions; what is shown (folder, scroll, page) is
view state kept here, never in the runtime.
"""

from __future__ import annotations

import re
from datetime import datetime

import pygame

from game import element_ids as ids
from game.runtime import actions as a
from game.runtime.mailbox import Draft, Mailbox, MessageState
from game.ui.app_view import AppView
from game.ui.dialog import Dialog, DialogButton, DialogField
from game.ui.elements import Element
from game.ui.layout import flow
from game.ui.rows import TextCache, draw_list_bar, draw_rows
from game.ui.scroll import ScrollArea
from game.ui.theme import colour, scroll_bar_colours

WHEEL_ROWS = 3


def format_time(iso: str, t) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return t("mail.date", day=moment.day, month=t(f"month.{moment.month}"), time=moment.strftime("%H:%M"))


def folder_label(files, folder_id: str, t) -> str:
    """A file manager folder's name: built-in ones from the catalogue, others as named."""
    if folder_id in ("documents", "downloads", "desktop", "trash"):
        return t(f"files.folder.{folder_id}")
    return files.folder_name(folder_id)


def split_addresses(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in re.split(r"[,;]", text) if x.strip())


class MailView(AppView):
    name = "mail"

    def __init__(self, app):
        super().__init__(app)
        self.folder = "inbox"
        self.scroll = 0
        self.page = "list"  # list, message (narrow layout only), compose
        self.list_rect = pygame.Rect(0, 0, 0, 0)
        self.separators: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self._built_fields = False
        self.rows: list[tuple[Element, list[tuple[str, bool]], bool]] = []  # drawn by us, in list order
        self._text_cache = TextCache()
        self.reading_area = ScrollArea()
        self.compose_area = ScrollArea()
        self.list_area = ScrollArea()
        draft = self._open_draft()
        if draft is not None:  # resumed mid-compose
            self.page = "compose"

    @property
    def active_area(self) -> ScrollArea | None:
        """The scrolling area on screen now, if any."""
        if self.page == "compose":
            return self.compose_area
        if self.app.metrics.narrow:
            return self.reading_area if self.page == "message" and self.box.opened else self.list_area
        return None

    # --- state helpers ------------------------------------------------------------------
    @property
    def box(self) -> Mailbox:
        return self.app.session.engine.current.mailbox

    def taskbar_label(self) -> str:
        unread = self.box.unread("inbox")
        return self.t("app.mail.unread", n=unread) if unread else self.t("app.mail")

    def _open_draft(self) -> Draft | None:
        box = self.box
        open_drafts = [d for d in box.drafts.values() if d.id not in box.messages]
        return open_drafts[-1] if open_drafts else None

    def folder_name(self, folder_id: str) -> str:
        custom = {f.id: f.name for f in self.box.app.folders}
        if folder_id in custom:
            return custom[folder_id][self.app.locale]
        return self.t(f"mail.folder.{folder_id}")

    def initial_focus(self) -> str | None:
        if self.page == "compose":
            draft = self._open_draft()
            # A reply already has its recipient: it starts where one writes. Others start at "To".
            return "compose.body" if draft and draft.kind in ("reply", "reply_all") else "compose.to"
        messages = self.box.in_folder(self.folder)
        return ids.message(messages[0].id) if messages else "mail.compose"

    # --- building ---------------------------------------------------------------------------
    def build(self, w, area: pygame.Rect) -> None:
        self.separators, self._built_fields, self.rows = [], False, []
        m = w.m
        if self.page == "compose" and self._open_draft() is not None:
            self.compose_area.begin(area)
            w.area = self.compose_area
            try:
                self._build_compose(w, area)
            finally:
                w.area = None
                self.compose_area.end()
            return
        if self.page == "compose":
            self.page = "list"
        folder_widths = [m.button_w(self._folder_label(f)) for f in self.box.folders]
        narrow = m.narrow or max(folder_widths) > area.w * 0.3
        x, y = area.x + m.pad, area.y + m.pad
        label = self.t("mail.compose")
        w.button("mail.compose", label, pygame.Rect(x, y, m.button_w(label), m.button_h), self.compose)
        top = y + m.button_h + m.gap
        bottom = area.bottom - m.pad
        if narrow:
            if self.page == "message" and self.box.opened:
                back = self.t("mail.back")
                w.button("mail.back", back, pygame.Rect(x + m.button_w(label) + m.gap, y, m.button_w(back), m.button_h),
                         self.back_to_list, style="#secondary")
                clip = pygame.Rect(area.x, top, area.w, bottom - top)
                self.reading_area.begin(clip)
                w.area = self.reading_area
                try:
                    self._build_reading(w, pygame.Rect(x, top, area.w - 2 * m.pad - m.px(12), bottom - top),
                                        paged=True)
                finally:
                    w.area = None
                    self.reading_area.end()
                return
            # One scrolling page: folders, then every message row.
            self.list_area.begin(pygame.Rect(area.x, top, area.w, bottom - top))
            w.area = self.list_area
            try:
                width = area.w - 2 * m.pad - m.px(12)
                rects = flow(folder_widths, x, top, width, m.button_h, m.gap)
                for folder_id, rect in zip(self.box.folders, rects):
                    self._folder_button(w, folder_id, rect)
                top = rects[-1].bottom + m.gap
                self._build_list(w, pygame.Rect(x, top, width, bottom - top), paged=True)
            finally:
                w.area = None
                self.list_area.end()
            return
        fw = max(folder_widths)
        for i, folder_id in enumerate(self.box.folders):
            self._folder_button(w, folder_id, pygame.Rect(x, top + i * (m.button_h + m.pad), fw, m.button_h))
        list_x = x + fw + m.gap
        list_w = max(m.px(340), int(area.w * 0.3))
        self._build_list(w, pygame.Rect(list_x, top, list_w, bottom - top))
        pane_x = list_x + list_w + m.gap
        self.separators.append(((pane_x - m.gap // 2, area.y), (pane_x - m.gap // 2, area.bottom)))
        self._build_reading(w, pygame.Rect(pane_x, area.y + m.pad, area.right - m.pad - pane_x,
                                           bottom - area.y - m.pad))

    def _folder_label(self, folder_id: str) -> str:
        unread = self.box.unread(folder_id)
        name = self.folder_name(folder_id)
        return self.t("mail.folder_unread", name=name, n=unread) if unread else name

    def _folder_button(self, w, folder_id: str, rect: pygame.Rect) -> None:
        chosen = folder_id == self.folder
        text = self._folder_label(folder_id)
        w.button(ids.folder(folder_id), text, rect, lambda f=folder_id: self.choose_folder(f),
                 style="#primary" if chosen else "#secondary",
                 speakable=text + (f" ({self.t('selected')})" if chosen else ""))

    def _row_lines(self, msg: MessageState, width: int, m) -> list[tuple[str, bool]]:
        """Sender (bold when unread), date, subject: wrapped to the row, never cut."""
        who = msg.sender_name if msg.folder != "sent" else self.t("mail.to_prefix", who=", ".join(msg.to))
        when = format_time(msg.time, self.t)
        lines = [(line, not msg.read) for line in m.wrap(who, width, bold=not msg.read)]
        lines += [(line, False) for line in m.wrap(msg.subject or self.t("mail.no_subject"), width)]
        if when:
            lines += [(line, False) for line in m.wrap(when, width)]
        return lines

    def _build_list(self, w, rect: pygame.Rect, paged: bool = False) -> None:
        self.list_rect = rect
        self.rows = []
        if not self.box.in_folder(self.folder):
            w.label("mail.list.empty", self.t("mail.empty_folder"), rect.x, rect.y, rect.w, style="#muted")
            return
        if paged:
            self._paged_rows(w)
            return
        for element in self._row_elements(w.m):
            w.tree.add(element)

    def _paged_rows(self, w) -> None:
        """Every row laid out on the scrolling page; those in view are drawn."""
        m, rect = w.m, self.list_rect
        self.scroll, y = 0, rect.y
        for msg in self.box.in_folder(self.folder):
            lines = self._row_lines(msg, rect.w - 2 * m.hpad, m)
            h = sum(m.line(bold=bold) for _, bold in lines) + m.pad
            element = w.add(self._row_element(msg, lines, pygame.Rect(rect.x, y, rect.w, h)))
            self.rows.append((element, lines, msg.id == self.box.opened))
            y += h

    def _row_element(self, msg: MessageState, lines: list[tuple[str, bool]], rect: pygame.Rect) -> Element:
        unread = "" if msg.read else f"{self.t('mail.unread')}, "
        texts = [text for text, _ in lines]
        return Element(id=ids.message(msg.id), kind="row", text=" ".join(texts), rect=rect,
                       speakable=unread + ", ".join(texts), on_activate=lambda mid=msg.id: self.open_message(mid),
                       focusable=True, lines=texts, bold=not msg.read, group="mail.list")

    def _row_elements(self, m) -> list[Element]:
        """The rows in view. Drawn by us, not pygame_gui, so that scrolling 200 messages stays fast."""
        rect = self.list_rect
        messages = self.box.in_folder(self.folder)
        self.scroll = max(0, min(self.scroll, len(messages) - 1))
        inner_w = rect.w - 2 * m.hpad
        self.rows = []
        elements = []
        y = rect.y
        for msg in messages[self.scroll:]:
            lines = self._row_lines(msg, inner_w, m)
            h = sum(m.line(bold=bold) for _, bold in lines) + m.pad
            if y + h > rect.bottom and self.rows:
                break
            element = self._row_element(msg, lines, pygame.Rect(rect.x, y, rect.w, h))
            elements.append(element)
            self.rows.append((element, lines, msg.id == self.box.opened))
            y += h
        return elements

    @property
    def visible_rows(self) -> list[str]:
        return [element.id.removeprefix("mail.message.") for element, _, _ in self.rows if element.visible]

    def relayout_list(self, focus_id: str | None = None) -> None:
        """Scroll the list without rebuilding the screen's widgets."""
        focused = focus_id or self.app.focus.focused_id
        self.app.tree.replace_group("mail.list", self._row_elements(self.app.metrics))
        if focused and focused.startswith("mail.message."):
            self.app.focus.restore(kept=focused)

    def _build_reading(self, w, rect: pygame.Rect, paged: bool = False) -> None:
        m = w.m
        msg = self.box.messages.get(self.box.opened) if self.box.opened else None
        if msg is None or msg.folder != self.folder and not m.narrow:
            w.label("mail.reading.empty", self.t("mail.choose_message"), rect.x, rect.y, rect.w, style="#muted")
            return
        x, y, width = rect.x, rect.y, rect.w
        y = w.label("mail.reading.subject", msg.subject or self.t("mail.no_subject"), x, y, width,
                    title=True).rect.bottom + m.pad
        sender = self.t("mail.from", name=msg.sender_name, address=msg.sender_address)
        y = w.label("mail.reading.from", sender, x, y, width).rect.bottom
        y = w.label("mail.reading.to", self.t("mail.to", who=", ".join(msg.to)), x, y, width,
                    style="#muted").rect.bottom
        if msg.cc:
            y = w.label("mail.reading.cc", self.t("mail.cc", who=", ".join(msg.cc)), x, y, width,
                        style="#muted").rect.bottom
        if msg.time:
            y = w.label("mail.reading.date", format_time(msg.time, self.t), x, y, width, style="#muted").rect.bottom
        y += m.pad
        own = msg.folder == "sent"
        buttons = [("mail.reply", "mail.reply", lambda: self.start(a.Reply(msg.id))),
                   ("mail.reply_all", "mail.reply_all", lambda: self.start(a.ReplyAll(msg.id))),
                   ("mail.forward", "mail.forward", lambda: self.start(a.Forward(msg.id))),
                   ("mail.move", "mail.move", lambda: self.ask_move(msg.id)),
                   ("mail.delete", "mail.delete", lambda: self.act(a.Delete(msg.id))),
                   ("mail.report", "mail.report", lambda: self.ask_report(msg.id))]
        if own:
            buttons = [b for b in buttons if b[0] in ("mail.forward", "mail.move", "mail.delete")]
        texts = [self.t(key) for _, key, _ in buttons]
        rects = flow([m.button_w(t) for t in texts], x, y, width, m.button_h, m.gap)
        for (element_id, _, callback), text, place in zip(buttons, texts, rects):
            w.button(element_id, text, place, callback, style="#secondary" if element_id != "mail.reply" else "#primary")
        y = rects[-1].bottom + m.gap
        extra = []
        can_save = self.app.session.engine.current.desktop.files is not None
        for att_id in msg.attachments:
            att = self.box.attachments[att_id]
            text = self.t("mail.attachment", name=att.name, size=att.size_kb)
            extra.append((ids.attachment(att_id), text, lambda i=att_id: self.open_attachment(msg.id, i), None))
            if can_save:
                extra.append((ids.save_attachment(att_id), self.t("mail.save", name=att.name),
                              lambda i=att_id: self.ask_save(msg.id, i), None))
        for link_id in msg.links:
            link = self.box.links[link_id]
            text = self.t("mail.link", text=link.text[self.app.locale])
            extra.append((ids.link(link_id), text, lambda i=link_id: self.click_link(msg.id, i), link.url))
        if extra:
            rects = flow([m.button_w(t) for _, t, _, _ in extra], x, y, width, m.button_h, m.gap)
            for (element_id, text, callback, url), place in zip(extra, rects):
                speak = text if url is None else f"{text}. {self.t('mail.link_address', url=url)}"
                w.button(element_id, text, place, callback, style="#secondary", tooltip=url, speakable=speak)
            y = rects[-1].bottom + m.gap
        if paged:  # the whole pane scrolls: the body is plain wrapped text
            w.label("mail.reading.body", msg.body, x, y, width)
            return
        body_h = max(rect.bottom - y, 3 * m.line())
        w.text_view("mail.reading.body", msg.body, pygame.Rect(x, y, width, body_h))

    def _build_compose(self, w, area: pygame.Rect) -> None:
        m = w.m
        draft = self._open_draft()
        self.page = "compose"
        x, width = area.x + m.px(16), area.w - 2 * m.px(16) - m.px(8)
        y = area.y + m.pad
        if not m.narrow:
            y = w.label("compose.title", self.t(f"compose.title.{draft.kind}"), x, y, width,
                        title=True).rect.bottom + m.pad
        names = {"compose.to": self.t("compose.to"), "compose.cc": self.t("compose.cc"),
                 "compose.subject": self.t("compose.subject")}
        label_w = max(m.text_w(n, bold=True) for n in names.values()) + m.gap
        values = {"compose.to": ", ".join(draft.to), "compose.cc": ", ".join(draft.cc),
                  "compose.subject": draft.subject}
        for element_id, name in names.items():
            w.label(element_id + ".label", name, x, y + (m.button_h - m.line(bold=True)) // 2, label_w, bold=True)
            w.text_field(element_id, name, pygame.Rect(x + label_w, y, width - label_w, m.button_h),
                         values[element_id])
            y += m.button_h + m.gap
        buttons = [("compose.send", self.t("compose.send"), self.send, "#primary"),
                   ("compose.attach", self.t("compose.attach"), self.ask_attach, "#secondary")]
        if self.box.app.contacts:
            buttons.append(("compose.contacts", self.t("compose.contacts"), self.ask_contact, "#secondary"))
        if draft.in_reply_to:  # re-read what one answers, without losing the draft
            buttons.append(("compose.original", self.t("compose.original"), self.show_original, "#secondary"))
        for att_id in draft.attachments:
            name = self.box.attachments[att_id].name
            buttons.append((ids.remove_attachment(att_id), self.t("compose.remove", name=name),
                            lambda i=att_id: self.act(a.RemoveAttachment(draft.id, i)), "#secondary"))
        buttons.append(("compose.discard", self.t("compose.discard"), self.discard, "#danger"))
        rects = flow([m.button_w(text) for _, text, _, _ in buttons], 0, 0, width, m.button_h, m.gap)
        buttons_h = rects[-1].bottom
        body_label = self.t("compose.body")
        body_top = w.label("compose.body.label", body_label, x, y, width, bold=True).rect.bottom + m.pad // 2
        body_h = max(4 * m.line() + 2 * m.pad, area.bottom - m.pad - buttons_h - m.gap - body_top)
        w.text_field("compose.body", body_label, pygame.Rect(x, body_top, width, body_h), draft.body, multiline=True)
        y = body_top + body_h + m.gap
        for (element_id, text, callback, style), place in zip(buttons, rects):
            w.button(element_id, text, place.move(x, y), callback, style=style)
        self._built_fields = True

    def draw_background(self, surface: pygame.Surface) -> None:
        for start, end in self.separators:
            pygame.draw.line(surface, colour(self.app.theme, "normal_border", "panel"), start, end, 2)
        draw_rows(surface, self.app, self.rows, self._text_cache)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        if self.active_area is not None:
            self.active_area.draw_bar(surface, scroll_bar_colours(self.app.theme), max(8, self.app.metrics.px(8)))
        elif self.page != "compose" and self.rows:
            draw_list_bar(surface, self.list_rect, self.scroll, len(self.rows), len(self.box.in_folder(self.folder)),
                          max(4, self.app.metrics.gap - 4), self.app.theme)
        m = self.app.metrics
        radius = max(3, min(m.px(5), m.hpad // 2 - 3))  # inside the row's padding, clear of its border
        for element, _, _ in self.rows:
            if element.visible and element.bold:  # bold: unread
                centre = (element.rect.x + m.hpad // 2, element.rect.y + m.line(bold=True) // 2 + m.pad // 2)
                pygame.draw.circle(surface, colour(self.app.theme, "unread_mark", "#row"), centre, radius)

    # --- input ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        area = self.active_area
        if event.type == pygame.MOUSEWHEEL and area is not None and area.clip.collidepoint(self.app.pointer):
            return area.scroll(-event.y * WHEEL_ROWS * self.app.metrics.line())
        if event.type == pygame.MOUSEWHEEL and self.list_rect.collidepoint(self.app.pointer) \
                and self.page != "compose":
            self.scroll_by(-event.y * WHEEL_ROWS)
            return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_UP, pygame.K_DOWN):
            focused = self.app.focus.focused_id or ""
            if focused.startswith("mail.message."):
                self.step_row(focused.removeprefix("mail.message."), -1 if event.key == pygame.K_UP else 1)
                return True
        return False

    def scroll_by(self, rows: int) -> None:
        total = len(self.box.in_folder(self.folder))
        target = max(0, min(total - 1, self.scroll + rows))
        if target != self.scroll:
            self.scroll = target
            self.relayout_list()

    def step_row(self, current: str, step: int) -> None:
        order = [msg.id for msg in self.box.in_folder(self.folder)]
        if current not in order:
            return
        index = max(0, min(len(order) - 1, order.index(current) + step))
        target = order[index]
        if self.active_area is self.list_area:  # paged list: focusing reveals the row
            self.app.focus.focus(self.app.tree.get(ids.message(target)))
            return
        if target not in self.visible_rows:
            self.scroll = max(0, self.scroll + step)
        self.relayout_list(ids.message(target))
        if self.app.focus.focused_id != ids.message(target):
            self.app.focus.restore(ids.message(target))

    # --- what the participant does -----------------------------------------------------------
    def choose_folder(self, folder_id: str) -> None:
        self.folder, self.scroll, self.page = folder_id, 0, "list"
        self.list_area.offset = 0
        self.app.rebuild()

    def on_taskbar(self) -> None:
        if self.page == "compose":
            return
        self.choose_folder("inbox")

    def open_message(self, message_id: str) -> None:
        outcome = self.act(a.OpenMessage(message_id), refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            self.page = "message"
            self.reading_area.offset = 0
            self.app.rebuild(preferred="mail.back" if self.app.metrics.narrow else None)

    def back_to_list(self) -> None:
        opened = self.box.opened
        self.page = "list"
        if opened:
            self.act(a.CloseMessage(opened), refresh=False)
        self.app.rebuild(preferred=ids.message(opened) if opened else None, keep_focus=False)

    def start(self, action: a.Action) -> None:
        outcome = self.act(action, refresh=False)
        if outcome.accepted and not outcome.scenario_completed:
            self.page = "compose"
            self.compose_area.offset = 0
            self.app.rebuild(preferred=self.initial_focus(), keep_focus=False)

    def compose(self) -> None:
        if self.page == "compose":
            return
        self.start(a.Compose())

    def commit_fields(self) -> bool:
        """Hand what was typed to the runtime (one event per changed field), before anything else.

        True when that met the scenario's end conditions: the scenario is over, do nothing more.
        """
        engine = self.app.session.engine
        run = engine.current
        if not self._built_fields or self.page != "compose" or run is None or run.outcome is not None:
            return run is None or run.outcome is not None
        draft = self._open_draft()
        fields = self.app.widgets.fields
        if draft is None:
            return False
        # Fields scrolled out of view have no widget: their value is already in the draft.
        to = split_addresses(fields["compose.to"].get()) if "compose.to" in fields else tuple(draft.to)
        cc = split_addresses(fields["compose.cc"].get()) if "compose.cc" in fields else tuple(draft.cc)
        changes: list[a.Action] = []
        if list(to) != draft.to or list(cc) != draft.cc:
            changes.append(a.SetRecipients(draft.id, to, cc))
        if "compose.subject" in fields and fields["compose.subject"].get() != draft.subject:
            changes.append(a.SetSubject(draft.id, fields["compose.subject"].get()))
        if "compose.body" in fields and fields["compose.body"].get() != draft.body:
            changes.append(a.SetBody(draft.id, fields["compose.body"].get()))
        for change in changes:
            if engine.apply(change).scenario_completed:
                self.app.defer(self.app.scene.scenario_over)
                return True
        return False

    def send(self) -> None:
        if self.commit_fields():
            return
        draft = self._open_draft()
        outcome = self.app.act(a.Send(draft.id))
        if not outcome.accepted:
            return
        self.page = "message" if self.app.metrics.narrow and self.box.opened else "list"
        then = self.app.scene.scenario_over if outcome.scenario_completed else self.app.close_dialog
        self.app.show_dialog(Dialog("dialog.sent", self.t("sent.title"), self.t("sent.text"),
                                    [DialogButton("dialog.sent.ok", self.t("ok"), then)], escape="dialog.sent.ok"))

    def discard(self) -> None:
        draft = self._open_draft()
        self.page = "message" if self.app.metrics.narrow and self.box.opened else "list"
        self.act(a.CloseDraft(draft.id))

    def ask_attach(self) -> None:
        if self.commit_fields():
            return
        draft = self._open_draft()
        choices = [self.box.attachments[i] for i in self.box.available_attachments() if i not in draft.attachments]

        def attach(att_id: str) -> None:
            self.app.dialog = None
            self.act(a.Attach(draft.id, att_id))

        buttons = [DialogButton(ids.attach_choice(att.id), att.name, lambda i=att.id: attach(i), "#secondary")
                   for att in choices]
        buttons.append(DialogButton("compose.attach.cancel", self.t("cancel"),
                                    lambda: self.app.close_dialog("compose.attach"), "#secondary"))
        text = self.t("attach.text") if choices else self.t("attach.none")
        self.app.show_dialog(Dialog("dialog.attach", self.t("attach.title"), text, buttons,
                                    escape="compose.attach.cancel"))

    def show_original(self) -> None:
        if self.commit_fields():
            return
        original = self.box.messages[self._open_draft().in_reply_to]
        text = "\n".join([self.t("mail.from", name=original.sender_name, address=original.sender_address),
                          format_time(original.time, self.t), "", original.body])
        self.app.show_dialog(Dialog("dialog.original", original.subject or self.t("mail.no_subject"), text, [
            DialogButton("dialog.original.close", self.t("close"), lambda: self.app.close_dialog("compose.original"))],
            long_text=True, escape="dialog.original.close"))

    def ask_save(self, message_id: str, att_id: str, folder: str = "documents") -> None:
        """Save an attachment into the file manager: choose the folder, keep or change the name."""
        files = self.app.session.engine.current.desktop.files
        name = self.app.dialog_value("mail.save.name") if self.app.dialog else self.box.attachments[att_id].name

        def choose(folder_id: str) -> None:
            self.ask_save(message_id, att_id, folder_id)

        def save() -> None:
            file_name = self.app.dialog_value("mail.save.name")
            self.app.dialog = None
            outcome = self.act(a.SaveAttachment(message_id, att_id, folder, file_name), refresh=False)
            if outcome.accepted and not outcome.scenario_completed:
                self.app.show_notice(self.t("saved.title"), self.t("saved.text", name=outcome.events[0].payload["name"],
                                                                   folder=folder_label(files, folder, self.t)))

        choices = [DialogButton(ids.save_to(f), folder_label(files, f, self.t), lambda f=f: choose(f),
                                "#primary" if f == folder else "#secondary")
                   for f in files.folders if f != "trash"]
        self.app.show_dialog(Dialog(
            "dialog.save", self.t("save.title"), self.t("save.text", folder=folder_label(files, folder, self.t)),
            [*choices, DialogButton("mail.save.ok", self.t("save.ok"), save),
             DialogButton("mail.save.cancel", self.t("cancel"), lambda: self.app.close_dialog(ids.save_attachment(att_id)),
                          "#secondary")],
            fields=[DialogField("mail.save.name", self.t("save.name"), name)], escape="mail.save.cancel",
            focus=ids.save_to(folder)))

    def ask_contact(self) -> None:
        """The address book: choosing someone adds their address to "To"."""
        if self.commit_fields():
            return
        draft = self._open_draft()

        def add(address: str) -> None:
            self.app.dialog = None
            address = address.lower()  # recipients are kept lower-cased
            if address not in draft.to:
                recipients = (*draft.to, address)
                if "compose.to" in self.app.widgets.fields:  # the field shows it too, or the next commit undoes it
                    self.app.widgets.fields["compose.to"].set(", ".join(recipients))
                self.act(a.SetRecipients(draft.id, recipients, tuple(draft.cc)), refresh=False)
            if self.app.session.engine.current.outcome is None:
                self.app.rebuild(preferred="compose.to", keep_focus=False)

        buttons = [DialogButton(ids.contact(n), self.t("compose.contact", name=person.name, address=person.address),
                                lambda address=person.address: add(address), "#secondary")
                   for n, person in enumerate(self.box.app.contacts, 1)]
        buttons.append(DialogButton("compose.contacts.cancel", self.t("cancel"),
                                    lambda: self.app.close_dialog("compose.contacts"), "#secondary"))
        self.app.show_dialog(Dialog("dialog.contacts", self.t("contacts.title"), self.t("contacts.text"), buttons,
                                    escape="compose.contacts.cancel"))

    def ask_move(self, message_id: str) -> None:
        current = self.box.messages[message_id].folder

        def move(folder_id: str) -> None:
            self.app.dialog = None
            self.act(a.MoveToFolder(message_id, folder_id))

        buttons = [DialogButton(ids.move_to(f), self.folder_name(f), lambda f=f: move(f), "#secondary")
                   for f in self.box.folders if f not in (current, "sent")]
        buttons.append(DialogButton("mail.move.cancel", self.t("cancel"), lambda: self.app.close_dialog("mail.move"),
                                    "#secondary"))
        self.app.show_dialog(Dialog("dialog.move", self.t("move.title"), self.t("move.text"), buttons,
                                    escape="mail.move.cancel"))

    def ask_report(self, message_id: str) -> None:
        def report(kind: str) -> None:
            self.app.dialog = None
            self.act(a.Report(message_id, kind))

        self.app.show_dialog(Dialog("dialog.report", self.t("report.title"), self.t("report.text"), [
            DialogButton("mail.report.phishing", self.t("report.phishing"), lambda: report("phishing")),
            DialogButton("mail.report.junk", self.t("report.junk"), lambda: report("junk"), "#secondary"),
            DialogButton("mail.report.cancel", self.t("cancel"), lambda: self.app.close_dialog("mail.report"),
                         "#secondary")], escape="mail.report.cancel"))

    def open_attachment(self, message_id: str, att_id: str) -> None:
        outcome = self.act(a.OpenAttachment(message_id, att_id), refresh=False)
        if not outcome.accepted or outcome.scenario_completed:
            return
        att = self.box.attachments[att_id]
        content = att.content[self.app.locale] if att.content else self.t("viewer.no_preview", kind=att.kind)
        self.app.show_dialog(Dialog("dialog.viewer", att.name, content, [
            DialogButton("dialog.viewer.close", self.t("close"), lambda: self.app.close_dialog(ids.attachment(att_id)))],
            long_text=True, escape="dialog.viewer.close"))

    def click_link(self, message_id: str, link_id: str) -> None:
        outcome = self.act(a.ClickLink(message_id, link_id), refresh=False)
        if not outcome.accepted or outcome.scenario_completed:
            return
        if any(e.type in ("page_visited", "page_not_found") for e in outcome.events):
            return  # a site of the scenario: the browser shows it
        url = self.box.links[link_id].url
        self.app.show_dialog(Dialog("dialog.link", self.t("link.title"), self.t("link.text", url=url), [
            DialogButton("dialog.link.close", self.t("close"), lambda: self.app.close_dialog(ids.link(link_id)))],
            escape="dialog.link.close"))
