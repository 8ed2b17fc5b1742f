"""The speech worker: a process of its own that owns the speech engine. No pygame here.

pyttsx3 must stay on one thread and can hang on a second `runAndWait()` on some platforms
(REFERENCES.md), so the game never runs it: `game.speech.Speaker` starts this worker
(`python -m game.speech_worker`, or `numplus --speech-worker` in the bundle) and kills it to stop
speech at once. Engines, in order: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeechSynthesizer on
macOS), then the `espeak-ng` program (or `espeak`) run directly.

Protocol, one JSON object a line. The worker says first
    {"ready": true, "engine": "pyttsx3" | "espeak-ng" | null, "voices": {"fr": ..., "en": ...}, "reason": ...}
then reads commands on stdin and answers on stdout:
    {"say": "text", "locale": "fr-CA", "id": 3}  ->  {"done": 3, "engine": "..."}  or  {"failed": 3, "reason": "..."}
    {"quit": true}                               ->  exits (so does the end of stdin: the game is gone)
One utterance at a time: while one plays the worker reads nothing; the game kills it to interrupt.

One-shot, for tests and checks: `--wav PATH --locale fr-CA` reads the text on stdin, writes a WAV file
and prints {"engine": ..., "voice": ...} (exit 0) or {"error": ...} (exit 3).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
from typing import Any, TextIO

ENGINES = ("pyttsx3", "espeak-ng")
RATE_WPM = 150  # a little slower than the engines' default (175-200): easier to follow
# pyttsx3's runAndWait can return before the sound ends (Linux: espeak-ng's thread plays it through aplay):
# the worker waits for the "finished-utterance" event, at most this long.
FINISH_BASE_S = 20.0
FINISH_PER_WORD_S = 1.5
# Voices by preference for each language: Quebec first when a voice exists, then France / the US.
PREFERRED = {
    "fr": ("fr-ca", "fr-fr", "fr"),
    "en": ("en-ca", "en-us", "en", "en-gb"),
}
NAMES = {"fr": ("french", "français", "francais"), "en": ("english",)}


class EngineError(Exception):
    """An engine cannot speak (missing, broken, no voice for the language)."""


def language(locale: str) -> str:
    return locale.lower().replace("_", "-").split("-")[0]


def _tags(languages: Any) -> list[str]:
    """A voice's languages as lower-case tags ('fr-fr'); older pyttsx3 gave bytes such as b'\\x05fr'."""
    tags = []
    for lang in languages or []:
        if isinstance(lang, bytes):
            lang = lang.decode("utf-8", errors="ignore")
        tags.append("".join(c for c in str(lang) if c.isprintable()).strip().lower().replace("_", "-"))
    return [t for t in tags if t]


def pick_voice(voices: list[Any], locale: str) -> Any | None:
    """The best voice for the locale among pyttsx3 voices (id, name, languages), or None."""
    lang = language(locale)
    wanted = PREFERRED.get(lang, (lang,))
    best, best_score = None, None
    for voice in voices:
        tags = _tags(getattr(voice, "languages", None))
        ident = str(getattr(voice, "id", "") or "").lower()
        name = str(getattr(voice, "name", "") or "").lower()
        score = None
        for i, tag in enumerate(wanted):
            if tag in tags:
                score = i
                break
        if score is None and any(t == lang or t.startswith(lang + "-") for t in tags):
            score = len(wanted)
        if score is None and (any(n in name for n in NAMES.get(lang, ())) or f"{lang}-" in ident
                              or ident.endswith("/" + lang)):
            score = len(wanted) + 1  # SAPI5 voices without a readable language: by name
        if score is None:
            continue
        if ident.startswith(("mb/", "mb-")) or "mbrola" in name:
            score += 10  # MBROLA voices need extra files that are seldom installed
        if best_score is None or score < best_score:
            best, best_score = voice, score
    return best


# --- pyttsx3 ---------------------------------------------------------------------------------------
class Pyttsx3Engine:
    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3
        except Exception as exc:  # noqa: BLE001  (ImportError, or a driver's own failure at import)
            raise EngineError(f"pyttsx3 is not installed ({exc})") from None
        try:
            self.engine = pyttsx3.init()
            self.voices = list(self.engine.getProperty("voices") or [])
        except Exception as exc:  # noqa: BLE001  (no libespeak-ng, no SAPI5...)
            raise EngineError(f"pyttsx3 cannot start ({exc})") from None
        self.chosen: dict[str, str] = {}
        self.finished = threading.Event()  # set from the engine's own thread when an utterance is over
        self.engine.connect("finished-utterance", lambda **_: self.finished.set())

    def voice(self, locale: str) -> str:
        lang = language(locale)
        if lang not in self.chosen:
            voice = pick_voice(self.voices, locale)
            if voice is None:
                raise EngineError(f"pyttsx3 has no voice for {locale}")
            self.chosen[lang] = voice.id
        return self.chosen[lang]

    def _prepare(self, locale: str) -> None:
        self.engine.setProperty("voice", self.voice(locale))
        self.engine.setProperty("rate", RATE_WPM)

    @property
    def can_play(self) -> bool:
        # On Linux pyttsx3 (2.91 and later) plays what espeak-ng made through the `aplay` program.
        return not sys.platform.startswith("linux") or shutil.which("aplay") is not None

    def _run(self, text: str, locale: str, path: str | None) -> None:
        """Say (or save) and return when it is over: the sound played, or the file written."""
        self._prepare(locale)
        self.finished.clear()
        if path is None:
            self.engine.say(text)
        else:
            self.engine.save_to_file(text, path)
        self.engine.runAndWait()
        if not self.finished.wait(FINISH_BASE_S + FINISH_PER_WORD_S * len(text.split())):
            raise EngineError("pyttsx3 did not finish")

    def say(self, text: str, locale: str) -> None:
        if not self.can_play:
            raise EngineError("pyttsx3 needs the aplay program (alsa-utils) to play sound on Linux")
        self._run(text, locale, None)

    def save(self, text: str, locale: str, path: str) -> None:
        self._run(text, locale, path)


# --- the espeak-ng program ----------------------------------------------------------------------------
class EspeakEngine:
    name = "espeak-ng"

    def __init__(self) -> None:
        program = shutil.which("espeak-ng") or shutil.which("espeak")
        if program is None:
            raise EngineError("the espeak-ng program is not installed")
        self.program = program
        try:
            listing = subprocess.run([program, "--voices"], capture_output=True, text=True, timeout=10,
                                     encoding="utf-8", errors="replace").stdout
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineError(f"espeak-ng does not run ({exc})") from None
        # Columns: Pty Language Age/Gender VoiceName File Other-languages
        self.languages = {parts[1].lower() for line in listing.splitlines()[1:] if len(parts := line.split()) > 1}
        self.chosen: dict[str, str] = {}

    def voice(self, locale: str) -> str:
        lang = language(locale)
        if lang not in self.chosen:
            found = next((tag for tag in PREFERRED.get(lang, (lang,)) if tag in self.languages), None)
            if found is None:
                found = next((tag for tag in sorted(self.languages) if tag.startswith(lang + "-")), None)
            if found is None:
                raise EngineError(f"espeak-ng has no voice for {locale}")
            self.chosen[lang] = found
        return self.chosen[lang]

    def _run(self, text: str, locale: str, extra: list[str]) -> None:
        command = [self.program, "-v", self.voice(locale), "-s", str(RATE_WPM), *extra, "--stdin"]
        try:
            done = subprocess.run(command, input=text.encode("utf-8"), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, **_no_window())
        except OSError as exc:
            raise EngineError(f"espeak-ng does not run ({exc})") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
            raise EngineError(f"espeak-ng failed ({detail[-1] if detail else done.returncode})")

    def say(self, text: str, locale: str) -> None:
        self._run(text, locale, [])

    def save(self, text: str, locale: str, path: str) -> None:
        self._run(text, locale, ["-w", path])


MAKERS = {"pyttsx3": Pyttsx3Engine, "espeak-ng": EspeakEngine}


def _no_window() -> dict:
    """On Windows, no console window flashes up for a program run in the background."""
    return {"creationflags": subprocess.CREATE_NO_WINDOW} if sys.platform == "win32" else {}


class Engines:
    """The engines allowed, made when first needed; one that fails is left for the next."""

    def __init__(self, names: tuple[str, ...] = ENGINES):
        self.names = [n for n in names if n in MAKERS]
        self.made: dict[str, Any] = {}
        self.problems: dict[str, str] = {}

    def get(self, name: str):
        if name not in self.made and name not in self.problems:
            try:
                self.made[name] = MAKERS[name]()
            except EngineError as exc:
                self.problems[name] = str(exc)
        return self.made.get(name)

    def first(self) -> str | None:
        """The engine that will speak: pyttsx3 only where it can play sound."""
        return next((name for name in self.names
                     if self.get(name) is not None and getattr(self.made[name], "can_play", True)), None)

    def voices(self, name: str) -> dict[str, str]:
        """The voice the engine uses for each language it can speak."""
        found = {}
        for lang in PREFERRED:
            try:
                found[lang] = self.made[name].voice(lang)
            except EngineError:
                pass
        return found

    def run(self, method: str, text: str, locale: str, *args: str) -> str:
        """Speak (or save) with the first engine that manages it; the engine's name."""
        reasons = []
        for name in self.names:
            engine = self.get(name)
            if engine is None:
                reasons.append(self.problems[name])
                continue
            try:
                getattr(engine, method)(text, locale, *args)
                return name
            except EngineError as exc:
                reasons.append(str(exc))
            except Exception as exc:  # noqa: BLE001  (a driver's own failure: try the next engine)
                reasons.append(f"{name} failed ({exc})")
                if name == "pyttsx3":
                    self.problems[name] = reasons[-1]  # a broken pyttsx3 is not tried again
                    self.made.pop(name, None)
        raise EngineError("; ".join(reasons) or "no speech engine")

    def reason(self) -> str:
        return "; ".join(self.problems.values()) or "no speech engine"


# --- the process ---------------------------------------------------------------------------------------
def _protocol_stream() -> TextIO:
    """The protocol keeps the real stdout to itself: what engines print (pyttsx3 prints "Audio saved to ...",
    aplay its messages) goes to stderr, where it cannot break a line of JSON."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1)


def _send(out: TextIO, message: dict) -> None:
    out.write(json.dumps(message, ensure_ascii=False) + "\n")
    out.flush()


def serve(engines: Engines, commands: TextIO, out: TextIO) -> int:
    engine = engines.first()
    _send(out, {"ready": True, "engine": engine, "voices": engines.voices(engine) if engine else {},
                "reason": None if engine else engines.reason()})
    for line in commands:
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
        except json.JSONDecodeError:
            continue
        if command.get("quit"):
            break
        if "say" in command:
            ident = command.get("id")
            try:
                used = engines.run("say", str(command["say"]), str(command.get("locale", "fr-CA")))
            except EngineError as exc:
                _send(out, {"failed": ident, "reason": str(exc)})
            else:
                _send(out, {"done": ident, "engine": used})
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="speech_worker")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to try, in order")
    parser.add_argument("--wav", help="write the text read on stdin to this WAV file, then exit")
    parser.add_argument("--locale", default="fr-CA")
    args = parser.parse_args(argv)
    out = _protocol_stream()
    commands = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    engines = Engines(tuple(n.strip() for n in args.engines.split(",") if n.strip()))
    if args.wav:
        text = commands.read()
        try:
            used = engines.run("save", text, args.locale, args.wav)
        except EngineError as exc:
            _send(out, {"error": str(exc)})
            return 3
        _send(out, {"engine": used, "voice": engines.made[used].voice(args.locale)})
        return 0
    return serve(engines, commands, out)


if __name__ == "__main__":
    raise SystemExit(main())
