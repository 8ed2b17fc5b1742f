"""Read-aloud: real speech rendered to WAV in both languages, the worker process stopped and interrupted at
once, a clear notice when no engine exists, and the UI through real input events (fake speaker)."""

from __future__ import annotations

import os
import sys
import time
import wave
from array import array
from math import sqrt
from pathlib import Path

import psutil
import pytest

import game.speech as speech
from game.i18n import tr
from game.settings import Settings, load_settings
from game.speech import NO_ENGINE, Speaker, SpeechUnavailable, render_wav
from game.speech_worker import pick_voice
from game.ui.scenes.consent import ConsentScene
from game.ui.scenes.flow import start_single_scenario
from game.ui.scenes.settings import SettingsScene
from tests.ui_support import Ui, layout_problems

LINUX = sys.platform.startswith("linux")
SENTENCES = {  # about eight words each
    "fr-CA": "Je confirme ma présence à la rencontre de mardi.",
    "en-CA": "I confirm that I will attend Tuesday's team meeting.",
}


# --- helpers ---------------------------------------------------------------------------------------------
def wav_stats(path: Path) -> tuple[float, float]:
    """(duration in seconds, RMS of the samples) of a 16-bit WAV file."""
    with wave.open(str(path), "rb") as f:
        assert f.getsampwidth() == 2, "16-bit samples"
        frames = f.readframes(f.getnframes())
        duration = f.getnframes() / f.getframerate()
        channels = f.getnchannels()
    samples = array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    samples = samples[::channels]
    rms = sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return duration, rms


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)
    except psutil.NoSuchProcess:
        return True


def wait_for(condition, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


FAKE_ESPEAK = """#!/bin/sh
# A slow espeak-ng: lists two voices, then "speaks" for 30 s (what it was asked to say is kept).
if [ "$1" = "--voices" ]; then
  echo "Pty Language       Age/Gender VoiceName          File                 Other Languages"
  echo " 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)"
  echo " 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)"
  exit 0
fi
cat > "$SPEECH_MARKS/said.$$"
echo "$$" >> "$SPEECH_MARKS/started"
exec sleep 30
"""
FAKE_APLAY = """#!/bin/sh
# A slow aplay: what pyttsx3 made plays for 30 s.
echo "$$" >> "$SPEECH_MARKS/started"
exec sleep 30
"""


@pytest.fixture
def slow_engines(tmp_path, monkeypatch):
    """espeak-ng and aplay that take 30 s to "speak", first on the PATH; the folder where they leave marks."""
    bin_dir, marks = tmp_path / "slow-bin", tmp_path / "marks"
    bin_dir.mkdir()
    marks.mkdir()
    for name, text in (("espeak-ng", FAKE_ESPEAK), ("aplay", FAKE_APLAY)):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("SPEECH_MARKS", str(marks))
    return marks


def started(marks: Path) -> list[int]:
    path = marks / "started"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


# --- real speech, to WAV -----------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["pyttsx3", "espeak-ng"])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_a_sentence_is_rendered_to_a_wav_with_sound_of_plausible_length(tmp_path, locale, engine):
    path = tmp_path / f"{locale}.wav"
    try:
        used = render_wav(SENTENCES[locale], locale, path, engines=(engine,))
    except SpeechUnavailable as exc:
        pytest.fail(f"{engine} cannot speak here ({exc}); `make system-packages` installs espeak-ng")
    assert used == engine
    duration, rms = wav_stats(path)
    assert 0.5 <= duration <= 10, f"{duration:.2f} s for eight words"
    assert rms > 300, f"RMS {rms:.0f}: silence"


def test_each_language_gets_its_own_voice(tmp_path):
    french = render_wav(SENTENCES["fr-CA"], "fr-CA", tmp_path / "fr.wav", engines=("espeak-ng",))
    assert french == "espeak-ng"
    render_wav(SENTENCES["fr-CA"], "en-CA", tmp_path / "fr-in-english.wav", engines=("espeak-ng",))
    # The same words in another voice: other sounds.
    assert (tmp_path / "fr.wav").read_bytes() != (tmp_path / "fr-in-english.wav").read_bytes()


def test_voices_are_chosen_by_language():
    class V:
        def __init__(self, id, name, languages):
            self.id, self.name, self.languages = id, name, languages

    espeak = [V("gmw/en", "English (Great Britain)", ["en-gb"]), V("gmw/en-us", "English (America)", ["en-us"]),
              V("roa/fr-be", "French (Belgium)", ["fr-be"]), V("roa/fr", "French (France)", ["fr-fr"]),
              V("mb/mb-fr1", "french-mbrola-1", ["fr-fr"])]
    assert pick_voice(espeak, "fr-CA").id == "roa/fr"
    assert pick_voice(espeak, "en-CA").id == "gmw/en-us"
    sapi5 = [V("HKEY...\\TTS_MS_EN-US_ZIRA_11.0", "Microsoft Zira Desktop - English (United States)", ["en-US"]),
             V("HKEY...\\TTS_MS_FR-CA_CAROLINE_11.0", "Microsoft Caroline - French (Canada)", ["fr-CA"]),
             V("HKEY...\\TTS_MS_FR-FR_HORTENSE_11.0", "Microsoft Hortense Desktop - French", ["fr-FR"])]
    assert "CAROLINE" in pick_voice(sapi5, "fr-CA").id  # Quebec French first when installed
    assert "ZIRA" in pick_voice(sapi5, "en-CA").id
    unnamed = [V("HKEY...\\TTS_MS_FR-FR_HORTENSE_11.0", "Microsoft Hortense Desktop - French", [])]
    assert pick_voice(unnamed, "fr-CA") is unnamed[0]  # by name when the language cannot be read
    assert pick_voice(unnamed, "en-CA") is None


# --- the speaker's worker ------------------------------------------------------------------------------------
@pytest.mark.skipif(not LINUX, reason="the slow stand-in engines are shell scripts")
@pytest.mark.parametrize("engine", ["espeak-ng", "pyttsx3"])
def test_stop_kills_the_worker_and_what_it_started_at_once(slow_engines, engine):
    speaker = Speaker(engines=(engine,))
    try:
        began = time.monotonic()
        speaker.say("Bonjour, voici un long texte.", "fr-CA")
        assert time.monotonic() - began < 0.5, "say returns at once"
        assert wait_for(lambda: started(slow_engines)), "the engine started"
        assert speaker.speaking
        worker, player = speaker.pid, started(slow_engines)[0]
        began = time.monotonic()
        speaker.stop()
        took = time.monotonic() - began
        assert took < 1.0, f"stop took {took:.2f} s"
        assert not speaker.speaking
        assert wait_for(lambda: gone(worker) and gone(player), 1.0), "worker and player are gone"
    finally:
        speaker.close()


@pytest.mark.skipif(not LINUX, reason="the slow stand-in engines are shell scripts")
def test_a_new_say_interrupts_the_one_playing(slow_engines):
    speaker = Speaker(engines=("espeak-ng",))
    try:
        speaker.say("Premier texte.", "fr-CA")
        assert wait_for(lambda: len(started(slow_engines)) == 1)
        first = started(slow_engines)[0]
        speaker.say("Second text.", "en-CA")
        assert wait_for(lambda: len(started(slow_engines)) == 2)
        assert gone(first)
        second = started(slow_engines)[1]
        assert (slow_engines / f"said.{second}").read_text() == "Second text."
        assert speaker.speaking
    finally:
        speaker.close()
    assert wait_for(lambda: gone(second), 1.0)


@pytest.mark.skipif(not LINUX, reason="the slow stand-in engines are shell scripts")
def test_a_hanging_engine_is_stopped_and_pyttsx3_left_aside(slow_engines, monkeypatch):
    monkeypatch.setattr(speech, "HANG_BASE_S", 0.3)
    monkeypatch.setattr(speech, "HANG_PER_WORD_S", 0.0)
    speaker = Speaker(engines=("pyttsx3", "espeak-ng"))
    try:
        speaker.say("Bonjour.", "fr-CA")
        assert wait_for(lambda: started(slow_engines))
        assert speaker.engine == "pyttsx3"
        time.sleep(0.4)
        assert not speaker.speaking  # the watchdog killed it
        assert speaker.engines == ("espeak-ng",)
        assert gone(started(slow_engines)[0])
    finally:
        speaker.close()


def test_no_engine_gives_one_notice_and_never_crashes(tmp_path, monkeypatch):
    # No espeak-ng on the PATH, and a pyttsx3 that cannot be imported, in the worker.
    empty, shadow = tmp_path / "empty-bin", tmp_path / "shadow" / "pyttsx3"
    empty.mkdir()
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no pyttsx3 here')\n")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    speaker = Speaker()
    try:
        speaker.say("Bonjour.", "fr-CA")
        assert wait_for(lambda: not speaker.available)
        assert speaker.take_notice() == NO_ENGINE
        assert speaker.take_notice() is None  # once
        assert not speaker.speaking
        assert "espeak-ng" in speaker.last_error and "pyttsx3" in speaker.last_error
        speaker.say("Encore.", "fr-CA")  # nothing happens, nothing breaks
        speaker.stop()
        assert speaker.take_notice() is None
    finally:
        speaker.close()


def test_nothing_installed_is_known_without_starting_a_worker(monkeypatch):
    monkeypatch.setattr(speech, "engine_may_exist", lambda: False)
    speaker = Speaker()
    speaker.say("Bonjour.", "fr-CA")
    assert speaker.pid is None
    assert speaker.take_notice() == NO_ENGINE
    speaker.close()


def test_render_wav_without_engine_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpeechUnavailable, match="espeak-ng"):
        render_wav("Bonjour.", "fr-CA", tmp_path / "x.wav", engines=("espeak-ng",))


def test_old_settings_read_aloud_turns_on_the_automatic_reading():
    assert Settings.model_validate({"read_aloud": True}).read_focused is True
    assert Settings.model_validate({"read_aloud": True, "read_focused": False}).read_focused is False
    assert Settings().read_focused is False


# --- the UI, with a fake speaker ----------------------------------------------------------------------------
class FakeSpeaker:
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.stops = 0
        self.speaking = False
        self.available = True
        self.notice: str | None = None
        self.closed = False

    def say(self, text: str, locale: str) -> None:
        self.said.append((text, locale))
        self.speaking = True

    def stop(self) -> None:
        self.stops += 1
        self.speaking = False

    def take_notice(self) -> str | None:
        notice, self.notice = self.notice, None
        return notice

    def close(self) -> None:
        self.closed = True


def flat(text: str) -> str:
    return " ".join(text.split())


def start(tmp_path, locale="fr-CA", scale=100, **options) -> tuple[Ui, FakeSpeaker]:
    fake = FakeSpeaker()
    ui = Ui(tmp_path, locale=locale, scale=scale, speaker=fake, **options)
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-SPEECH")
    ui.driver.settle()
    return ui, fake


@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_the_brief_button_reads_the_brief_in_the_session_language_and_stops(tmp_path, locale):
    ui, fake = start(tmp_path, locale)
    brief = ui.app.library["mail.confirm-meeting"].scenario.brief[locale]
    button = ui.tree.get("brief.read_aloud")
    assert button.text == tr(locale, "read_aloud.button")
    ui.click("brief.read_aloud")
    text, said_in = fake.said[-1]
    assert said_in == locale
    assert flat(brief) in flat(text)
    assert ui.text("brief.read_aloud") == tr(locale, "read_aloud.stop")  # the same button stops
    assert ui.tree.get("brief.read_aloud").rect == button.rect
    ui.click("brief.read_aloud")
    assert fake.stops == 1 and not fake.speaking
    assert ui.text("brief.read_aloud") == tr(locale, "read_aloud.button")
    fake.say("x", locale)
    fake.speaking = False  # speech ends by itself: the label follows
    ui.driver.frame()
    assert ui.text("brief.read_aloud") == tr(locale, "read_aloud.button")
    ui.close()


def test_f9_reads_the_focused_element_and_shift_f9_the_screen(tmp_path):
    ui, fake = start(tmp_path)
    assert ui.app.focus.focused_id == "brief.start"
    ui.key("f9")
    assert fake.said[-1] == ("C'est parti", "fr-CA")
    ui.key("tab")
    ui.key("f9")
    assert fake.said[-1][0] == ui.app.focus.focused.speakable
    ui.key("shift+f9")
    assert "Sophie Gagnon" in fake.said[-1][0]
    ui.key("shift+f9")  # again: stop
    assert fake.stops == 1
    # In the desktop: a text field is read with what is typed in it.
    ui.click("brief.start")
    ui.click("mail.compose")
    ui.click("compose.subject")
    ui.type("Présence mardi")
    ui.key("f9")
    assert fake.said[-1][0] == f"{tr('fr-CA', 'compose.subject')} Présence mardi"
    ui.close()


def test_the_desktop_button_reads_the_open_message_not_the_chrome(tmp_path):
    ui, fake = start(tmp_path)
    ui.click("brief.start")
    ui.click("mail.message.meeting")
    ui.click("scenario.read_aloud")
    text = fake.said[-1][0]
    assert "Peux-tu me confirmer" in text and "Rencontre d'équipe mardi à 14 h" in text
    assert tr("fr-CA", "scenario.text_size") not in text and tr("fr-CA", "mail.compose") not in text
    assert ui.text("scenario.read_aloud") == "Arrêter"
    ui.click("scenario.read_aloud")
    assert fake.stops == 1
    ui.close()


def test_auto_read_follows_the_focus_and_reads_dialogs(tmp_path):
    ui, fake = start(tmp_path)
    ui.app.settings.read_focused = True
    ui.key("tab")
    assert fake.said[-1][0] == ui.app.focus.focused.speakable
    count = len(fake.said)
    ui.driver.settle()
    assert len(fake.said) == count  # focus did not move: nothing more is said
    ui.click("brief.start")
    ui.click("scenario.help")  # a dialog: its text is read, then where the focus is
    text = fake.said[-1][0]
    assert "Sophie Gagnon" in text and text.endswith(tr("fr-CA", "close"))
    ui.close()


def test_with_auto_read_a_click_on_stop_stops(tmp_path):
    ui, fake = start(tmp_path)
    ui.app.settings.read_focused = True
    ui.key("shift+f9")  # the focus stays on "C'est parti"
    assert "Sophie Gagnon" in fake.said[-1][0]
    count = len(fake.said)
    ui.click("brief.read_aloud")  # the press focuses the button: not read, it would cut what it stops
    assert len(fake.said) == count and fake.stops == 1 and not fake.speaking
    assert ui.text("brief.read_aloud") == "Lire à voix haute"
    ui.close()


def test_auto_read_is_toggled_in_help_and_logged_as_an_accommodation(tmp_path):
    ui, fake = start(tmp_path, "en-CA")
    ui.click("brief.start")
    ui.click("scenario.help")
    assert ui.text("dialog.help.read_focused") == "Auto-read: off"
    ui.click("dialog.help.read_focused")
    assert ui.app.settings.read_focused is True
    assert ui.events()[-1]["type"] == "accommodation_changed"
    assert ui.events()[-1]["payload"] == {"name": "read_aloud", "value": True}
    assert ui.text("dialog.help.read_focused") == "Auto-read: on"
    assert fake.said[-1] == ("Auto-read: on", "en-CA")
    assert ui.app.focus.focused_id == "dialog.help.read_focused"
    ui.click("dialog.help.read_aloud")
    assert "Sophie Gagnon" in fake.said[-1][0]  # the dialog's read-aloud reads the brief
    assert ui.text("dialog.help.read_aloud") == "Stop"
    ui.click("dialog.help.read_focused")
    assert ui.app.settings.read_focused is False
    assert ui.events()[-1]["payload"] == {"name": "read_aloud", "value": False}
    ui.key("escape")
    assert ui.app.dialog is None
    ui.close()


def test_the_missing_engine_notice_shows_once_in_plain_words(tmp_path):
    ui, fake = start(tmp_path)
    fake.notice = NO_ENGINE
    ui.driver.settle()
    assert ui.app.dialog is not None
    assert ui.text("dialog.notice.text") == tr("fr-CA", "read_aloud.unavailable")
    ui.click("dialog.notice.ok")
    ui.driver.settle()
    assert ui.app.dialog is None
    ui.close()


def test_the_facilitator_settings_turn_auto_read_on(tmp_path):
    ui = Ui(tmp_path, speaker=FakeSpeaker())
    ui.app.show(SettingsScene(ui.app))
    ui.driver.settle()
    ui.click("settings.read_focused.on")
    ui.click("settings.save")
    assert ui.app.settings.read_focused is True
    assert load_settings().read_focused is True
    ui.close()


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("locale", ["fr-CA", "en-CA"])
def test_read_aloud_buttons_fit_on_every_participant_screen(tmp_path, locale, scale):
    ui, fake = start(tmp_path, locale, scale)
    checked = []

    def fits(button: str) -> None:
        ui.driver.settle()
        assert ui.tree.get(button) is not None, button
        assert layout_problems(ui.app) == [], button
        ui.click(button)  # reads, and shows "Stop" in the same place
        assert layout_problems(ui.app) == [], f"{button} (stop)"
        ui.click(button)
        checked.append(button)

    fits("brief.read_aloud")
    ui.click("brief.start")
    fits("scenario.read_aloud")
    ui.click("scenario.help")
    fits("dialog.help.read_aloud")
    ui.click("dialog.help.read_focused")
    assert layout_problems(ui.app) == []
    ui.click("dialog.help.close")
    ui.click("scenario.done")
    ui.click("dialog.done.confirm")
    fits("end.read_aloud")
    ui.click("end.next")
    fits("summary.read_aloud")
    ui.app.show(ConsentScene(ui.app, "ABC-123"))
    fits("consent.read_aloud")
    assert len(checked) == 6
    ui.close()


@pytest.mark.skipif(not LINUX, reason="the slow stand-in engines are shell scripts")
def test_the_game_keeps_running_while_speech_plays(tmp_path, slow_engines):
    speaker = Speaker(engines=("espeak-ng",))
    ui = Ui(tmp_path, speaker=speaker)
    start_single_scenario(ui.app, ui.app.library["mail.confirm-meeting"], "TEST-SPEECH")
    ui.driver.settle()
    try:
        ui.click("brief.read_aloud")
        assert wait_for(lambda: started(slow_engines))
        assert "Sophie Gagnon" in (slow_engines / f"said.{started(slow_engines)[0]}").read_text()
        began = time.monotonic()
        for _ in range(30):
            ui.driver.frame()
        assert time.monotonic() - began < 3.0  # frames go on while it speaks
        assert ui.text("brief.read_aloud") == "Arrêter"
        began = time.monotonic()
        ui.click("brief.read_aloud")
        assert time.monotonic() - began < 1.5
        assert not speaker.speaking and gone(started(slow_engines)[0])
        assert ui.text("brief.read_aloud") == "Lire à voix haute"
    finally:
        ui.close()  # closes the speaker
    assert speaker.pid is None
