"""The file manager on screen: folders, the files of the chosen folder, and what can be done with a file.

One click selects a file (double-click is never needed); the buttons above the list act on it.
"""

from __future__ import annotations

from datetime import datetime

import pygame

from game import element_ids as ids
from game.runtime import actions as a
from game.runtime.files import FileState, FileSystem
from game.ui.app_view import AppView
from game.ui.dialog import Dialog, DialogButton, DialogField
from game.ui.elements import Element
from game.ui.layout import flow
from game.ui.mail_view import folder_label
from game.ui.scroll import ScrollArea
from game.ui.rows import TextCache, draw_list_bar, draw_rows
from game.ui.theme import scroll_bar_colours

WHEEL_ROWS = 3


class FilesView(AppView):
    name = "files"

    def __init__(self, app):
        super().__init__(app)
        self.folder = "documents"
        self.selected: str | None = None
        self.scroll = 0
        self.list_rect = pygame.Rect(0, 0, 0, 0)
        self.rows: list[tuple[Element, list[tuple[str, bool]], bool]] = []
        self.list_area = ScrollArea()  # at large text the whole view is one scrolling page
        self._text_cache = TextCache()

    @property
    def fs(self) -> FileSystem:
        return self.app.session.engine.current.desktop.files

    def initial_focus(self) -> str | None:
        if self.selected and self.selected in self.fs.files:
            return ids.file_row(self.selected)
        return ids.file_folder(self.folder)

    def on_taskbar(self) -> None:
        self.choose_folder("documents")

    def folder_name(self, folder_id: str) -> str:
        return folder_label(self.fs, folder_id, self.t)

    def _folders_in_order(self) -> list[tuple[str, int]]:
        """Folders as a tree: built-in ones with their subfolders under them, the trash last."""
        order: list[tuple[str, int]] = []

        def walk(parent: str, depth: int) -> None:
            for sub in self.fs.subfolders(parent):
                order.append((sub.id, depth))
                walk(sub.id, depth + 1)

        for top in ("documents", "downloads", "desktop"):
            order.append((top, 0))
            walk(top, 1)
        order.append(("trash", 0))
        return order

    # --- building -------------------------------------------------------------------
    def build(self, w, area: pygame.Rect) -> None:
        m = w.m
        self.rows = []
        if self.selected is not None and (self.selected not in self.fs.files
                                          or self.fs.files[self.selected].folder != self.folder):
            self.selected = None
        folders = self._folders_in_order()
        labels = {fid: self.folder_name(fid) for fid, _ in folders}
        indent = m.px(16)
        widths = [m.button_w(labels[fid]) + depth * indent for fid, depth in folders]
        narrow = m.narrow or max(widths) > area.w * 0.3
        x, y = area.x + m.pad, area.y + m.pad
        if narrow:
            self.list_area.begin(pygame.Rect(area.x, y, area.w, area.bottom - y))
            w.area = self.list_area
            try:
                width = area.w - 2 * m.pad - m.px(12)
                rects = flow([m.button_w(labels[fid]) for fid, _ in folders], x, y, width, m.button_h, m.gap)
                for (fid, _), rect in zip(folders, rects):
                    self._folder_button(w, fid, labels[fid], rect)
                y = rects[-1].bottom + m.gap
                y = self._toolbar(w, x, y, width) + m.gap
                self._list(w, pygame.Rect(x, y, width, area.bottom - y), paged=True)
            finally:
                w.area = None
                self.list_area.end()
            return
        fw = max(widths)
        fy = y
        for (fid, depth), width in zip(folders, widths):
            self._folder_button(w, fid, labels[fid], pygame.Rect(x + depth * indent, fy, width - depth * indent,
                                                                  m.button_h))
            fy += m.button_h + m.pad
        list_x = x + fw + m.gap
        list_w = area.right - m.pad - list_x - m.pad  # room at the right for the list's position bar
        y = self._toolbar(w, list_x, y, list_w) + m.gap
        y = w.label("files.heading", self.t("files.heading", folder=self.folder_name(self.folder)), list_x, y,
                    list_w, bold=True).rect.bottom + m.pad
        self._list(w, pygame.Rect(list_x, y, list_w, area.bottom - m.pad - y))

    def _folder_button(self, w, folder_id: str, text: str, rect: pygame.Rect) -> None:
        chosen = folder_id == self.folder
        w.button(ids.file_folder(folder_id), text, rect, lambda f=folder_id: self.choose_folder(f),
                 style="#primary" if chosen else "#secondary",
                 speakable=text + (f" ({self.t('selected')})" if chosen else ""))

    def _toolbar(self, w, x: int, y: int, width: int) -> int:
        m = w.m
        selected = self.fs.files.get(self.selected) if self.selected else None
        if self.folder == "trash":
            buttons = [("files.restore", self.t("files.restore"), self.restore)]
        else:
            buttons = [("files.open", self.t("files.open"), self.open_file),
                       ("files.rename", self.t("files.rename"), self.ask_rename),
                       ("files.move", self.t("files.move"), lambda: self.ask_place("move")),
                       ("files.copy", self.t("files.copy"), lambda: self.ask_place("copy")),
                       ("files.delete", self.t("files.delete"), self.delete)]
        buttons.append(("files.new_folder", self.t("files.new_folder"), self.ask_new_folder))
        rects = flow([m.button_w(text) for _, text, _ in buttons], x, y, width, m.button_h, m.gap)
        for (element_id, text, callback), rect in zip(buttons, rects):
            needs_file = element_id != "files.new_folder"
            speak = text if not needs_file or selected else f"{text} ({self.t('files.choose_first')})"
            w.button(element_id, text, rect, callback, style="#secondary", speakable=speak)
        return rects[-1].bottom

    def _row_lines(self, state: FileState, width: int, m) -> list[tuple[str, bool]]:
        lines = [(line, True) for line in m.wrap(state.name, width, bold=True)]
        details = self.t("files.details", kind=self.t(f"files.kind.{state.kind}"), size=state.size_kb,
                         date=self._date(state.modified))
        return lines + [(line, False) for line in m.wrap(details, width)]

    def _date(self, iso: str) -> str:
        if not iso:
            return ""
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return self.t("files.date", day=moment.day, month=self.t(f"month.{moment.month}"), year=moment.year)

    def _row_element(self, state: FileState, lines: list[tuple[str, bool]], rect: pygame.Rect) -> Element:
        texts = [text for text, _ in lines]
        selected = state.id == self.selected
        return Element(id=ids.file_row(state.id), kind="row", text=" ".join(texts), rect=rect,
                       speakable=", ".join(texts) + (f" ({self.t('selected')})" if selected else ""),
                       on_activate=lambda f=state.id: self.select(f), focusable=True, lines=texts, bold=True,
                       group="files.list")

    def _list(self, w, rect: pygame.Rect, paged: bool = False) -> None:
        m = w.m
        self.list_rect = rect
        files = self.fs.in_folder(self.folder)
        subfolders = self.fs.subfolders(self.folder)
        if not files:
            empty = "files.empty_with_folders" if subfolders else "files.empty"
            w.label("files.list.empty", self.t(empty), rect.x, rect.y, rect.w, style="#muted")
            return
        if paged:
            y = rect.y
            for state in files:
                lines = self._row_lines(state, rect.w - 2 * m.hpad, m)
                h = sum(m.line(bold=bold) for _, bold in lines) + m.pad
                element = w.add(self._row_element(state, lines, pygame.Rect(rect.x, y, rect.w, h)))
                self.rows.append((element, lines, state.id == self.selected))
                y += h
            return
        for element in self._row_elements(m):
            w.tree.add(element)

    def _row_elements(self, m) -> list[Element]:
        """Rows in view, drawn by us, so that a folder of 500 files scrolls fast."""
        rect = self.list_rect
        files = self.fs.in_folder(self.folder)
        self.scroll = max(0, min(self.scroll, len(files) - 1))
        self.rows = []
        elements = []
        y = rect.y
        for state in files[self.scroll:]:
            lines = self._row_lines(state, rect.w - 2 * m.hpad, m)
            h = sum(m.line(bold=bold) for _, bold in lines) + m.pad
            if y + h > rect.bottom and self.rows:
                break
            element = self._row_element(state, lines, pygame.Rect(rect.x, y, rect.w, h))
            elements.append(element)
            self.rows.append((element, lines, state.id == self.selected))
            y += h
        return elements

    def relayout_list(self, focus_id: str | None = None) -> None:
        focused = focus_id or self.app.focus.focused_id
        self.app.tree.replace_group("files.list", self._row_elements(self.app.metrics))
        if focused and focused.startswith("files.file."):
            self.app.focus.restore(kept=focused)

    # --- drawing ----------------------------------------------------------------------
    def draw_background(self, surface: pygame.Surface) -> None:
        draw_rows(surface, self.app, self.rows, self._text_cache)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        m = self.app.metrics
        if m.narrow:
            self.list_area.draw_bar(surface, scroll_bar_colours(self.app.theme), max(8, m.px(8)))
        elif self.rows:
            draw_list_bar(surface, self.list_rect, self.scroll, len(self.rows), len(self.fs.in_folder(self.folder)),
                          max(4, m.pad - 2), self.app.theme)

    # --- input ------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEWHEEL:
            if self.app.metrics.narrow and self.list_area.clip.collidepoint(self.app.pointer):
                return self.list_area.scroll(-event.y * WHEEL_ROWS * self.app.metrics.line())
            if self.list_rect.collidepoint(self.app.pointer):
                self.scroll_by(-event.y * WHEEL_ROWS)
                return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_UP, pygame.K_DOWN):
            focused = self.app.focus.focused_id or ""
            if focused.startswith("files.file."):
                self.step_row(focused.removeprefix("files.file."), -1 if event.key == pygame.K_UP else 1)
                return True
        return False

    def scroll_by(self, rows: int) -> None:
        total = len(self.fs.in_folder(self.folder))
        target = max(0, min(total - 1, self.scroll + rows))
        if target != self.scroll:
            self.scroll = target
            self.relayout_list()

    @property
    def visible_rows(self) -> list[str]:
        return [e.id.removeprefix("files.file.") for e, _, _ in self.rows if e.visible]

    def step_row(self, current: str, step: int) -> None:
        order = [f.id for f in self.fs.in_folder(self.folder)]
        if current not in order:
            return
        target = order[max(0, min(len(order) - 1, order.index(current) + step))]
        if self.app.metrics.narrow:
            self.app.focus.focus(self.app.tree.get(ids.file_row(target)))
            return
        if target not in self.visible_rows:
            self.scroll = max(0, self.scroll + step)
        self.relayout_list(ids.file_row(target))
        if self.app.focus.focused_id != ids.file_row(target):
            self.app.focus.restore(ids.file_row(target))

    # --- what the participant does ----------------------------------------------------
    def choose_folder(self, folder_id: str) -> None:
        self.folder, self.selected, self.scroll = folder_id, None, 0
        self.list_area.offset = 0
        self.app.rebuild(preferred=ids.file_folder(folder_id), keep_focus=False)

    def select(self, file_id: str) -> None:
        self.selected = file_id
        for i, (element, lines, _) in enumerate(self.rows):  # no rebuild: only the highlight changes
            self.rows[i] = (element, lines, element.id == ids.file_row(file_id))

    def _chosen(self) -> FileState | None:
        """The selected file, or a message that one must be chosen first."""
        state = self.fs.files.get(self.selected) if self.selected else None
        if state is None or state.folder != self.folder:
            self.app.show_notice(self.t("files.choose_first.title"), self.t("files.choose_first.text"))
            return None
        return state

    def open_file(self) -> None:
        state = self._chosen()
        if state is None:
            return
        outcome = self.act(a.OpenFile(state.id), refresh=False)
        if not outcome.accepted or outcome.scenario_completed:
            return
        if state.content:
            text = state.content[self.app.locale]
            if state.kind == "image":
                text = self.t("files.image", alt=text)
        else:
            text = self.t("viewer.no_preview", kind=self.t(f"files.kind.{state.kind}"))
        self.app.show_dialog(Dialog("dialog.viewer", state.name, text, [
            DialogButton("dialog.viewer.close", self.t("close"), lambda: self.app.close_dialog(ids.file_row(state.id)))],
            long_text=True, escape="dialog.viewer.close"))

    def _ask_name(self, title: str, text: str, value: str, on_ok) -> None:
        def ok() -> None:
            name = self.app.dialog_value("files.name")
            self.app.dialog = None
            on_ok(name)

        self.app.show_dialog(Dialog("dialog.name", title, text, [
            DialogButton("files.name.ok", self.t("ok"), ok),
            DialogButton("files.name.cancel", self.t("cancel"), self.app.close_dialog, "#secondary")],
            fields=[DialogField("files.name", self.t("files.name"), value)], focus="files.name",
            escape="files.name.cancel"))

    def ask_rename(self) -> None:
        state = self._chosen()
        if state is None:
            return

        def rename(name: str) -> None:
            outcome = self.act(a.RenameFile(state.id, name), refresh=False)
            if outcome.accepted and not outcome.scenario_completed:
                self.app.rebuild(preferred=ids.file_row(state.id), keep_focus=False)

        self._ask_name(self.t("files.rename.title"), self.t("files.rename.text", name=state.name), state.name, rename)

    def ask_new_folder(self) -> None:
        parent = self.folder if self.folder != "trash" else "documents"

        def create(name: str) -> None:
            outcome = self.act(a.CreateFolder(parent, name), refresh=False)
            if outcome.accepted and not outcome.scenario_completed:
                self.app.rebuild(preferred=ids.file_folder(outcome.events[0].payload["folder"]), keep_focus=False)

        self._ask_name(self.t("files.new_folder.title"),
                       self.t("files.new_folder.text", folder=self.folder_name(parent)), "", create)

    def ask_place(self, kind: str) -> None:
        """Move or copy the selected file: choose where."""
        state = self._chosen()
        if state is None:
            return
        make_id = ids.file_move_to if kind == "move" else ids.file_copy_to
        action = a.MoveFile if kind == "move" else a.CopyFile

        def place(folder_id: str) -> None:
            self.app.dialog = None
            outcome = self.act(action(state.id, folder_id), refresh=False)
            if outcome.accepted and not outcome.scenario_completed:
                self.app.rebuild(preferred=f"files.{kind}", keep_focus=False)

        targets = [fid for fid, _ in self._folders_in_order() if fid != "trash" and (kind == "copy" or fid != self.folder)]
        buttons = [DialogButton(make_id(fid), self.folder_name(fid), lambda f=fid: place(f), "#secondary")
                   for fid in targets]
        buttons.append(DialogButton(f"files.{kind}.cancel", self.t("cancel"),
                                    lambda: self.app.close_dialog(f"files.{kind}"), "#secondary"))
        self.app.show_dialog(Dialog(f"dialog.{kind}", self.t(f"files.{kind}.title", name=state.name),
                                    self.t(f"files.{kind}.text"), buttons, escape=f"files.{kind}.cancel"))

    def delete(self) -> None:
        state = self._chosen()
        if state is not None:
            self.selected = None
            self.act(a.DeleteFile(state.id))

    def restore(self) -> None:
        state = self._chosen()
        if state is not None:
            self.selected = None
            self.act(a.RestoreFile(state.id))
