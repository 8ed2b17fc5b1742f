"""More time, on request: when a scenario with a time budget nears its end, a calm question, never a countdown.

Once MORE_TIME_OFFER_AT (80 %) of the time budget has passed, the player asks "Do you need more time?".
"Yes, give me 5 more minutes" adds EXTRA_TIME_MINUTES to the budget through the accommodation
`extra_time_minutes` (logged as accommodation_changed with the session's total extra minutes, and
restored by a resume). "No, thanks" (or Escape) closes the question; it comes back only when the budget
grows, so a participant who said yes is asked again near the end of the longer budget. The time left is
never shown, and the scenario does not time out while the question is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.runtime import actions as a
from game.runtime.session import EXTRA_TIME_MINUTES
from game.ui.dialog import Dialog, DialogButton

if TYPE_CHECKING:
    from game.ui.app import GameApp

DIALOG_ID = "dialog.more_time"


class MoreTimeOffer:
    """The question's state for one scenario being played (a PlayerScene has one)."""

    def __init__(self, app: "GameApp"):
        self.app = app
        self.asked_for: int | None = None  # the budget (ms) the question was last asked for

    @property
    def showing(self) -> bool:
        return self.app.dialog is not None and self.app.dialog.id == DIALOG_ID

    def ask_when_due(self, view) -> None:
        """Each frame: ask once per budget, when no other dialog is open, after handing over what was typed."""
        engine = self.app.session.engine
        budget = engine.time_budget_ms()
        if budget is None or budget == self.asked_for or self.app.dialog is not None or not engine.more_time_due():
            return
        if view.commit_fields():
            return  # what was typed met the end conditions: the scenario is already over
        self.asked_for = budget
        t = self.app.t
        self.app.show_dialog(Dialog(
            DIALOG_ID, t("more_time.title"), t("more_time.text", minutes=EXTRA_TIME_MINUTES),
            [DialogButton("dialog.more_time.yes", t("more_time.yes", minutes=EXTRA_TIME_MINUTES), self.more),
             DialogButton("dialog.more_time.no", t("more_time.no"), self.no_more, "#secondary")],
            escape="dialog.more_time.no"))

    def more(self) -> None:
        engine = self.app.session.engine
        extra = engine.accommodations.extra_time_minutes + EXTRA_TIME_MINUTES
        self.app.close_dialog()
        self.app.act(a.ChangeAccommodation("extra_time_minutes", extra))

    def no_more(self) -> None:
        self.app.close_dialog()
