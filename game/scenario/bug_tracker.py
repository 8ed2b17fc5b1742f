"""The bug tracker's initial state, as scenario authors write it under `apps.bug_tracker`."""

from __future__ import annotations

from pydantic import Field

from game.scenario.mail import Id, Strict
from game.scenario.texts import LocaleText

CATEGORIES = ("visual", "audio", "gameplay", "text", "crash", "performance")
SEVERITIES = ("blocker", "major", "minor", "cosmetic")
REPRODUCIBILITY = ("always", "sometimes", "once")
CHECK_STATUSES = ("fixed", "still_present")


class ChecklistItem(Strict):
    """A bug said to be fixed in the new build, to check again (regression pass)."""

    id: str = Id
    title: LocaleText
    bug: str | None = Field(default=None, description="Seeded bug still in the build (none: really fixed)")


class BugTrackerApp(Strict):
    project: LocaleText = Field(description="Name of the game the team is testing")
    build: str = Field(pattern=r"^[0-9A-Za-z.+-]{1,20}$", description="Build version under test, e.g. 0.9.3")
    checklist: list[ChecklistItem] = Field(default=[], description="Regression pass: bugs said to be fixed")
