"""A scenario file: the task model of one workplace scenario."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from game.scenario.browser import BrowserApp
from game.scenario.bug_tracker import BugTrackerApp
from game.scenario.files import FilesApp
from game.scenario.mail import MailApp, Strict
from game.scenario.measurement import Measurement
from game.scenario.qa_game import QaGameApp
from game.scenario.rules import CompetenceId, EndConditions, EvidenceRule
from game.scenario.texts import LocaleText

SCHEMA_VERSION = 1


class Apps(BaseModel):
    """The apps on the participant's desktop, each with its initial state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mail: MailApp | None = None
    browser: BrowserApp | None = None
    files: FilesApp | None = None
    qa_game: QaGameApp | None = None
    bug_tracker: BugTrackerApp | None = None

    def names(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


class Persona(Strict):
    """A fictional identity the participant uses: the game never asks for real personal data."""

    name: str
    email: str
    phone: str
    address: str
    birth_date: str


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, title="NUM+ scenario")

    id: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", description="Unique dotted id, e.g. mail.confirm-meeting")
    version: int = Field(ge=1, description="Raise it whenever the scenario changes")
    title: LocaleText
    brief: LocaleText = Field(description="What the participant is asked to do, in plain words")
    competences: list[CompetenceId] = Field(min_length=1, description="DigComp 2.2 competences targeted")
    estimated_minutes: int = Field(ge=1, le=60)
    difficulty: Literal["foundation", "intermediate", "advanced"] | None = Field(
        default=None, description="DigComp 2.2 level group the task is written for (foundation 1-2, intermediate 3-4, advanced 5-6)")
    apps: Apps
    persona: Persona | None = Field(default=None, description="Fictional identity shown on the desktop")
    start_app: Literal["mail", "browser", "files", "qa_game", "bug_tracker"] | None = Field(
        default=None, description="App in front when the scenario starts (default: the first of mail, browser, files)")
    end: EndConditions
    evidence: list[EvidenceRule] = Field(min_length=1)
    measurement: Measurement | None = Field(
        default=None, description="How the observables make one item score, and its IRT parameters (none: not scored)")
