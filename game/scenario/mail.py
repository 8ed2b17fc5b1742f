"""The mail app's initial state, as scenario authors write it under `apps.mail`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game.scenario.texts import LocaleText

Id = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)
SYSTEM_FOLDERS = ("inbox", "sent", "junk", "trash")
EMAIL_PATTERN = r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(Strict):
    name: str = Field(min_length=1)
    address: str = Field(pattern=EMAIL_PATTERN)


class Folder(Strict):
    """A folder the author adds; inbox, sent, junk and trash always exist."""

    id: str = Id
    name: LocaleText


class Attachment(Strict):
    id: str = Id
    name: str = Field(min_length=1, description="File name as shown, e.g. horaire.pdf")
    kind: Literal["pdf", "docx", "xlsx", "image", "text", "zip", "exe"]
    size_kb: int = Field(ge=0, default=100)
    content: LocaleText | None = Field(default=None, description="What the viewer shows when opened")


class Link(Strict):
    id: str = Id
    text: LocaleText
    url: str = Field(min_length=1, description="The address the link really goes to")


class Message(Strict):
    id: str = Id
    folder: str = Field(default="inbox", description="Folder id where the message starts")
    sender: Person = Field(alias="from")
    to: list[Person] = Field(min_length=1)
    cc: list[Person] = []
    subject: LocaleText
    body: LocaleText
    time: datetime
    read: bool = False
    attachments: list[Attachment] = []
    links: list[Link] = []
    flags: list[Literal["phishing", "junk", "important"]] = []
    delivered: bool = Field(default=True, description="False: arrives later, when a form delivers it")

    @field_validator("time")
    @classmethod
    def _has_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("time needs a UTC offset, e.g. 2026-11-20T09:15:00-05:00")
        return value


class MailApp(Strict):
    me: Person
    contacts: list[Person] = Field(default=[], description="Address book shown when composing")
    folders: list[Folder] = []
    messages: list[Message] = Field(min_length=1)

    def folder_ids(self) -> list[str]:
        return [*SYSTEM_FOLDERS, *(f.id for f in self.folders)]

    def attachment_ids(self) -> list[str]:
        return [a.id for m in self.messages for a in m.attachments]

    def link_ids(self) -> list[str]:
        return [link.id for m in self.messages for link in m.links]
