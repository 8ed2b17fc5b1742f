"""Read-aloud in the game window: the "Read aloud" button, F9 and Shift+F9, and the auto-read setting.

Everything said comes from the element tree: a focused element's `speakable` text, or a screen's
`read_aloud_text()` (its texts in reading order). The speaker (game/speech.py) plays in a process of its
own, so nothing here waits for speech: the frame loop keeps running while it plays.

    F9          read the focused element (again)
    Shift+F9    read the whole screen (the open dialog when there is one); again to stop
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pygame

from game.ui.elements import Element

if TYPE_CHECKING:
    from game.ui.app import GameApp

READ_KEY = pygame.K_F9  # F2 is the QA game's screenshot key; F9 is free everywhere
# What a screen's reading says: its texts, not its buttons and entries (they are read when focused).
READ_KINDS = ("label", "text_view", "link", "row", "chart_bar", "meter")
SENTENCE_ENDS = tuple(".!?:;…»)\"'")


class SilentSpeaker:
    """Headless play and tests that do not listen: nothing is said, nothing is started."""

    speaking = False
    available = True

    def say(self, text: str, locale: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def take_notice(self) -> str | None:
        return None

    def close(self) -> None:
        pass


def sentence(text: str) -> str:
    """A text as one spoken sentence: a pause after it, even without a full stop (titles, labels)."""
    text = " ".join(text.split())
    return text if not text or text.endswith(SENTENCE_ENDS) else text + "."


def page_text(elements: Iterable[Element]) -> str:
    """The texts among `elements`, in reading order, one sentence each."""
    parts = [sentence(e.speakable or e.text) for e in elements if e.kind in READ_KINDS]
    return "\n".join(p for p in parts if p)


class ReadAloud:
    """The app's read-aloud: what to say, and the buttons that show "Read aloud" or "Stop"."""

    def __init__(self, app: "GameApp", speaker) -> None:
        self.app = app
        self.speaker = speaker
        self.reading_page = False  # what plays is a whole screen: its buttons show "Stop"
        self.buttons: set[str] = set()  # ids of read-aloud buttons (relabelled when speech starts or ends)
        self._seen: tuple | None = None  # (focused id, dialog id) after the last frame
        self._asked = False  # a reading was asked for during this frame: auto-read keeps quiet
        self._scene = None  # the screen of the last frame: another screen ends the reading of the old one

    # --- labels ---------------------------------------------------------------------------------
    @property
    def page_playing(self) -> bool:
        return self.reading_page and self.speaker.speaking

    def label(self) -> str:
        return self.app.t("read_aloud.stop" if self.page_playing else "read_aloud.button")

    def longest_label(self) -> str:
        return max((self.app.t("read_aloud.button"), self.app.t("read_aloud.stop")), key=self.app.metrics.text_w)

    def width(self, m) -> int:
        """One width for both labels: the button never moves when it turns into "Stop"."""
        return max(m.button_w(self.app.t("read_aloud.button")), m.button_w(self.app.t("read_aloud.stop")))

    def speakable(self) -> str:
        return self.app.t("read_aloud.stop.speakable" if self.page_playing else "read_aloud.button.speakable")

    def auto_label(self) -> str:
        return self.app.t("read_aloud.auto.on" if self.app.settings.read_focused else "read_aloud.auto.off")

    # --- widgets ----------------------------------------------------------------------------------
    def button(self, w, element_id: str, rect: pygame.Rect, style: str = "#secondary") -> Element:
        """The "Read aloud" button (it reads the screen; while that plays, "Stop" stops it)."""
        self.buttons.add(element_id)
        return w.button(element_id, self.label(), rect, self.toggle_page, style=style, speakable=self.speakable())

    def register(self, element_id: str) -> None:
        """A read-aloud button made elsewhere (a dialog's), to relabel with the others."""
        self.buttons.add(element_id)

    def place(self, m, x: int, y: int, width: int) -> pygame.Rect:
        """Where a page's button goes: top right of the page's column."""
        bw = self.width(m)
        return pygame.Rect(x + width - bw, y, bw, m.button_h)

    def heading(self, w, button_id: str, label_id: str, text: str, x: int, y: int, width: int,
                **label_options) -> int:
        """A page's first text with the read-aloud button at its right; the y below both."""
        rect = self.place(w.m, x, y, width)
        bottom = w.label(label_id, text, x, y, width - rect.w - w.m.gap, **label_options).rect.bottom
        self.button(w, button_id, rect)
        return max(bottom, rect.bottom)

    # --- what is said -----------------------------------------------------------------------------
    def element_speech(self, element: Element | None) -> str:
        if element is None:
            return ""
        text = element.speakable or element.text
        if element.is_text_input:
            field = self.app.widgets.fields.get(element.id)
            value = field.get() if field is not None else element.text
            if getattr(getattr(field, "widget", None), "is_text_hidden", False):
                value = ""  # a password is never read out
            text = f"{sentence(text)} {value}" if value.strip() else f"{sentence(text)} {self.app.t('read_aloud.empty')}"
        return text

    def screen_text(self) -> str:
        scene = self.app.scene
        text = scene.read_aloud_text() if scene is not None else ""
        return text or self.element_speech(self.app.focus.focused)

    def say(self, text: str, *, page: bool = False) -> None:
        self._asked = True
        if not text.strip():
            return
        self.reading_page = page
        self.speaker.say(text, self.app.locale)
        self._relabel()

    def read_page(self) -> None:
        self.say(self.screen_text(), page=True)

    def read_focused(self) -> None:
        element = self.app.focus.focused
        if element is None:
            self.read_page()
        else:
            self.say(self.element_speech(element))

    def toggle_page(self) -> None:
        """The button: read the screen, or stop while it plays."""
        if self.page_playing:
            self.stop()
        else:
            self.read_page()

    def stop(self) -> None:
        self._asked = True
        self.speaker.stop()
        self.reading_page = False
        self._relabel()

    def set_auto(self, on: bool) -> None:
        """Auto-read on or off (logged as an accommodation); turning it on says so, off goes quiet."""
        self.app.set_read_focused(on)
        if on:
            self.say(self.auto_label())
        else:
            self.stop()

    # --- the loop -----------------------------------------------------------------------------------
    def handle_key(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN or event.key != READ_KEY:
            return False
        if event.mod & pygame.KMOD_SHIFT:
            self.toggle_page()
        else:
            self.read_focused()
        return True

    def after_frame(self) -> None:
        """Each frame: a notice if speech cannot work, labels that follow the speech, auto-read on focus moves."""
        notice = self.speaker.take_notice() if self.app.dialog is None else None
        if notice is not None:
            self.app.show_notice(self.app.t("read_aloud.unavailable.title"), self.app.t("read_aloud.unavailable"))
        if self.app.scene is not self._scene:
            self._scene = self.app.scene
            if self.reading_page and not self._asked:
                self.speaker.stop()  # what the old screen said is gone from view
        if self.reading_page and not self.speaker.speaking:
            self.reading_page = False
        self._relabel()
        seen = (self.app.focus.focused_id, self.app.dialog.id if self.app.dialog else None)
        previous, self._seen = self._seen, seen
        asked, self._asked = self._asked, False
        if seen != previous and not asked and self.app.settings.read_focused and self.app.running:
            opened = seen[1] is not None and (previous is None or previous[1] != seen[1])
            self._auto_read(self.app.focus.focused, dialog_opened=opened)

    def _auto_read(self, focused: Element | None, *, dialog_opened: bool) -> None:
        if focused is not None and focused.id in self.buttons and self.page_playing:
            return  # reaching "Stop" (a mouse press on it) must not cut the reading it is about to stop
        if dialog_opened:  # a dialog: its title and text first, then where the focus is
            dialog = self.app.dialog
            parts = [sentence(dialog.title), sentence(dialog.text), self.element_speech(focused)]
            text = "\n".join(p for p in parts if p)
        else:
            text = self.element_speech(focused)
        if text.strip():
            self.reading_page = False
            self.speaker.say(text, self.app.locale)
            self._relabel()

    def _relabel(self) -> None:
        """Read-aloud buttons on screen say "Stop" while a screen is read, "Read aloud" otherwise."""
        label, speakable = self.label(), self.speakable()
        for element_id in self.buttons:
            element = self.app.tree.get(element_id)
            if element is None or element.text == label or element.widget is None:
                continue
            element.widget.set_text(label)
            element.text, element.lines, element.speakable = label, [label], speakable
