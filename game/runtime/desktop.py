"""One scenario's desktop: its apps' states side by side, and what crosses from one app to another."""

from __future__ import annotations

from typing import Any

from game.runtime import actions as a
from game.runtime.browser import Browser
from game.runtime.bug_tracker import BugTracker
from game.runtime.files import FileSystem
from game.runtime.mailbox import Mailbox, Rejected
from game.runtime.qa_game import QaGame
from game.scenario.models import Apps

Events = list[tuple[str, dict[str, Any]]]


class Desktop:
    def __init__(self, apps: Apps, locale: str):
        self.mail = Mailbox(apps.mail, locale) if apps.mail else None
        self.files = FileSystem(apps.files, locale) if apps.files else None
        self.browser = Browser(apps.browser, locale, self) if apps.browser else None
        self.qa_game = QaGame(apps.qa_game, locale) if apps.qa_game else None
        self.tracker = BugTracker(apps.bug_tracker, locale) if apps.bug_tracker else None

    def set_time(self, iso: str) -> None:
        """The runtime clock's time, for what an action dates (a sent message, a saved file)."""
        for app in (self.mail, self.files):
            if app is not None:
                app.now = iso

    def summary(self) -> dict[str, Any]:
        """The facts evidence may check when the scenario ends."""
        found: dict[str, Any] = {}
        if self.mail is not None:
            found["mail"] = self.mail.summary()
        if self.files is not None:
            found["files"] = self.files.summary()
        if self.browser is not None:
            found["browser"] = self.browser.summary()
        if self.qa_game is not None:
            found["qa_game"] = self.qa_game.summary()
        if self.tracker is not None:
            found["bug_tracker"] = self.tracker.summary()
        return found

    def apply(self, action: a.Action) -> Events:
        """The events one action makes: the action's own first, then what it caused in other apps."""
        if isinstance(action, a.SaveAttachment):
            return self._save_attachment(action)
        if isinstance(action, a.MAIL_ACTIONS):
            if self.mail is None:
                raise Rejected("app_not_in_scenario")
            events = [self.mail.apply(action)]
            if isinstance(action, a.ClickLink) and self.browser is not None:
                url = events[0][1]["url"]
                if self.browser.find_page(url) is not None:  # a link to a site of the scenario opens the browser
                    events.extend(self.browser.visit_url(url, "mail"))
            return events
        if isinstance(action, a.BROWSER_ACTIONS):
            if self.browser is None:
                raise Rejected("app_not_in_scenario")
            return self.browser.apply(action)
        if isinstance(action, a.GameKey):
            if self.qa_game is None:
                raise Rejected("app_not_in_scenario")
            return self.qa_game.key(action.key, action.down)
        if isinstance(action, a.TakeCapture):
            if self.qa_game is None or self.tracker is None:
                raise Rejected("app_not_in_scenario")
            where = self.qa_game.where()
            capture = self.tracker.add_capture(where["level"], where["x"], where["y"], where["tick"])
            return [("capture_taken", {"capture": capture.id, **where})]
        if isinstance(action, a.TRACKER_ACTIONS):
            if self.tracker is None:
                raise Rejected("app_not_in_scenario")
            return self.tracker.apply(action)
        if isinstance(action, a.FILES_ACTIONS):
            if self.files is None:
                raise Rejected("app_not_in_scenario")
            return self.files.apply(action)
        raise Rejected("not_an_app_action")

    def _save_attachment(self, act: a.SaveAttachment) -> Events:
        if self.mail is None or self.files is None:
            raise Rejected("app_not_in_scenario")
        message = self.mail.messages.get(act.message)
        if message is None:
            raise Rejected("unknown_message")
        if act.attachment not in message.attachments:
            raise Rejected("unknown_attachment")
        if act.folder == "trash":
            raise Rejected("in_trash")
        spec = self.mail.attachments[act.attachment]
        saved = self.files.add_file(act.file_name, spec.kind, spec.size_kb, act.folder,
                                    dict(spec.content) if spec.content else None)
        return [("attachment_saved", {"message": message.id, "attachment": spec.id, "file": saved.id,
                                      "name": saved.name, "folder": saved.folder})]
