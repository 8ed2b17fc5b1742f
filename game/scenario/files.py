"""The file manager's initial state, as scenario authors write it under `apps.files`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from game.scenario.mail import Id, Strict
from game.scenario.texts import LocaleText

FILE_KINDS = ("pdf", "docx", "xlsx", "image", "text", "zip", "exe")
FileKind = Literal["pdf", "docx", "xlsx", "image", "text", "zip", "exe"]
SYSTEM_FILE_FOLDERS = ("documents", "downloads", "desktop", "trash")


class FileFolder(Strict):
    """A folder the author adds; documents, downloads, desktop and trash always exist."""

    id: str = Id
    name: LocaleText
    parent: str = Field(default="documents", description="Folder it sits in (documents, downloads, desktop)")


class FileSpec(Strict):
    id: str = Id
    name: str = Field(min_length=1, pattern=r"^[^/\\\\]+$", description="File name with its extension")
    kind: FileKind
    folder: str = "documents"
    size_kb: int = Field(default=120, ge=0)
    modified: datetime
    content: LocaleText | None = Field(default=None, description="What the viewer shows when the file is opened")

    @field_validator("modified")
    @classmethod
    def _has_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("modified needs a UTC offset, e.g. 2026-11-20T09:15:00-05:00")
        return value


class FilesApp(Strict):
    folders: list[FileFolder] = []
    files: list[FileSpec] = []

    def folder_ids(self) -> list[str]:
        return [*SYSTEM_FILE_FOLDERS, *(f.id for f in self.folders)]

    def file_ids(self) -> list[str]:
        return [f.id for f in self.files]
