"""The QA lab's game build, as scenario authors write it under `apps.qa_game`: its levels and seeded bugs."""

from __future__ import annotations

from pydantic import Field

from game.qa.bugs import SeededBug
from game.scenario.mail import Strict

AUDIO_KINDS = ("missing_sound",)


class QaGameApp(Strict):
    build: str = Field(pattern=r"^[0-9A-Za-z.+-]{1,20}$", description="Build version shown in the game and tracker")
    levels: list[str] = Field(default=[], description="Bundled level ids, in play order (default: all of them)")
    bugs: list[SeededBug] = Field(default=[], description="Seeded bugs; none: a clean build")
    captions: bool = Field(default=False, description="Show captions for sounds (a visual cue for audio bugs)")
    time_budget_minutes: int | None = Field(default=None, ge=1, le=60,
                                            description="Time planned for the test session (never shown as pressure)")

    @property
    def has_audio_bugs(self) -> bool:
        """Flagged so a facilitator can leave the scenario out on muted kiosks or for people hard of hearing."""
        return any(bug.kind in AUDIO_KINDS for bug in self.bugs)
