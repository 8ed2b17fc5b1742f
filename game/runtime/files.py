"""The file manager's state: folders and files, trash and restore. Pure: no I/O, no clock, no pygame."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from game.runtime import actions as a
from game.runtime.mailbox import Rejected
from game.scenario.files import SYSTEM_FILE_FOLDERS, FilesApp

BAD_NAME = re.compile(r'[/\\\\:*?"<>|]')


@dataclass
class FolderState:
    id: str
    name: dict[str, str] | str  # a locale map for the scenario's folders, text for those participants make
    parent: str | None


@dataclass
class FileState:
    id: str
    name: str
    kind: str
    size_kb: int
    folder: str
    modified: str
    content: dict[str, str] | None
    restore_to: str | None = None  # where a file in the trash came from


class FileSystem:
    def __init__(self, app: FilesApp | None, locale: str):
        self.locale = locale
        self.now = ""  # set by the engine from its clock before each action (ISO 8601)
        self.folders: dict[str, FolderState] = {
            fid: FolderState(fid, fid, None) for fid in SYSTEM_FILE_FOLDERS}
        self.files: dict[str, FileState] = {}
        self._made_files = 0
        self._made_folders = 0
        for folder in (app.folders if app else []):
            self.folders[folder.id] = FolderState(folder.id, dict(folder.name), folder.parent)
        for spec in (app.files if app else []):
            self.files[spec.id] = FileState(spec.id, spec.name, spec.kind, spec.size_kb, spec.folder,
                                            spec.modified.isoformat(), dict(spec.content) if spec.content else None)

    # --- queries ----------------------------------------------------------------------
    def in_folder(self, folder: str) -> list[FileState]:
        return sorted((f for f in self.files.values() if f.folder == folder), key=lambda f: f.name.casefold())

    def subfolders(self, parent: str) -> list[FolderState]:
        return [f for f in self.folders.values() if f.parent == parent]

    def summary(self) -> dict[str, Any]:
        return {"files": {f.id: {"name": f.name, "folder": f.folder} for f in self.files.values()},
                "folders": {f.id: {"parent": f.parent} for f in self.folders.values()}}

    # --- changes -------------------------------------------------------------------------
    def _file(self, file_id: str) -> FileState:
        if file_id not in self.files:
            raise Rejected("unknown_file")
        return self.files[file_id]

    def _folder(self, folder_id: str) -> FolderState:
        if folder_id not in self.folders:
            raise Rejected("unknown_folder")
        return self.folders[folder_id]

    def _check_name(self, name: str, folder: str, except_file: str | None = None) -> str:
        name = name.strip()
        if not name:
            raise Rejected("empty_name")
        if BAD_NAME.search(name) or name in (".", ".."):
            raise Rejected("invalid_name")
        if any(f.name.casefold() == name.casefold() and f.folder == folder and f.id != except_file
               for f in self.files.values()):
            raise Rejected("name_taken")
        return name

    def add_file(self, name: str, kind: str, size_kb: int, folder: str, content: dict[str, str] | None) -> FileState:
        """A new file (a saved attachment, a copy), with the next free id f1, f2, ..."""
        self._folder(folder)
        name = self._check_name(name, folder)
        self._made_files += 1
        state = FileState(f"f{self._made_files}", name, kind, size_kb, folder, self.now, content)
        self.files[state.id] = state
        return state

    def apply(self, action: a.Action) -> list[tuple[str, dict[str, Any]]]:
        handler = getattr(self, f"_do_{action.name}", None)
        if handler is None:
            raise Rejected("not_a_files_action")
        return handler(action)

    def _do_open_file(self, act: a.OpenFile):
        state = self._file(act.file)
        if state.folder == "trash":
            raise Rejected("in_trash")
        return [("file_opened", {"file": state.id, "name": state.name, "folder": state.folder})]

    def _do_rename_file(self, act: a.RenameFile):
        state = self._file(act.file)
        if state.folder == "trash":
            raise Rejected("in_trash")
        new = self._check_name(act.new_name, state.folder, except_file=state.id)
        old, state.name = state.name, new
        return [("file_renamed", {"file": state.id, "from_name": old, "to_name": new, "folder": state.folder})]

    def _do_move_file(self, act: a.MoveFile):
        state = self._file(act.file)
        self._folder(act.folder)
        if act.folder == "trash":
            raise Rejected("use_delete")
        if state.folder == act.folder:
            raise Rejected("already_in_folder")
        self._check_name(state.name, act.folder, except_file=state.id)
        source, state.folder = state.folder, act.folder
        state.restore_to = None
        return [("file_moved", {"file": state.id, "name": state.name, "from_folder": source, "to_folder": act.folder})]

    def _do_copy_file(self, act: a.CopyFile):
        state = self._file(act.file)
        self._folder(act.folder)
        if act.folder == "trash" or state.folder == "trash":
            raise Rejected("in_trash")
        def taken(name: str) -> bool:
            return any(f.name.casefold() == name.casefold() and f.folder == act.folder for f in self.files.values())

        name = state.name
        if taken(name):
            stem, dot, ext = name.rpartition(".")
            if not dot:
                stem, ext = name, ""
            suffix = " - copie" if self.locale.startswith("fr") else " - copy"
            number = 1
            while taken(name := f"{stem}{suffix}{f' ({number})' if number > 1 else ''}{dot}{ext}"):
                number += 1
        copy = self.add_file(name, state.kind, state.size_kb, act.folder, state.content)
        return [("file_copied", {"file": state.id, "copy": copy.id, "name": copy.name, "to_folder": act.folder})]

    def _do_delete_file(self, act: a.DeleteFile):
        state = self._file(act.file)
        if state.folder == "trash":
            raise Rejected("already_in_trash")
        source, state.folder, state.restore_to = state.folder, "trash", state.folder
        return [("file_deleted", {"file": state.id, "name": state.name, "from_folder": source})]

    def _do_restore_file(self, act: a.RestoreFile):
        state = self._file(act.file)
        if state.folder != "trash":
            raise Rejected("not_in_trash")
        target = state.restore_to if state.restore_to in self.folders else "documents"
        self._check_name(state.name, target, except_file=state.id)
        state.folder, state.restore_to = target, None
        return [("file_restored", {"file": state.id, "name": state.name, "to_folder": target})]

    def _do_create_folder(self, act: a.CreateFolder):
        parent = self._folder(act.parent)
        if parent.id == "trash":
            raise Rejected("in_trash")
        name = act.folder_name.strip()
        if not name:
            raise Rejected("empty_name")
        if BAD_NAME.search(name) or name in (".", ".."):
            raise Rejected("invalid_name")
        if any(self.folder_name(f.id).casefold() == name.casefold() for f in self.subfolders(parent.id)):
            raise Rejected("name_taken")
        self._made_folders += 1
        folder = FolderState(f"fd{self._made_folders}", name, parent.id)
        self.folders[folder.id] = folder
        return [("folder_created", {"folder": folder.id, "name": name, "parent": parent.id})]

    def folder_name(self, folder_id: str) -> str:
        """A made folder's name; a scenario folder's in the locale (built-in ones are named by the UI)."""
        name = self.folders[folder_id].name
        return name[self.locale] if isinstance(name, dict) else name
