"""Read-aloud for the game: offline speech in a worker process of its own. No pygame here.

    speaker = Speaker()
    speaker.say("Bonjour", "fr-CA")   # returns at once; a new say interrupts the one playing
    speaker.speaking                  # True while it plays
    speaker.stop()                    # kills the worker: silence at once, even if the engine hung
    speaker.close()

The engine (pyttsx3, else the espeak-ng program) runs in `game.speech_worker`, never in the game's
process: pyttsx3 must stay on one thread and can hang on a second `runAndWait()` (REFERENCES.md). A
worker that hangs is killed by a watchdog, and the next one skips pyttsx3. When no engine exists at all,
`say` does nothing and `take_notice()` gives, once, the reason ("no_engine"), for the game to tell the
person in plain words.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib.util import find_spec
from pathlib import Path

from game.speech_worker import ENGINES

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
NO_ENGINE = "no_engine"
STOP_WAIT_S = 1.0
# The longest an utterance may play before the worker is thought to hang: generous (a slow voice reads
# about 2.5 words a second), so that only a real hang is cut.
HANG_BASE_S = 15.0
HANG_PER_WORD_S = 1.0


class SpeechUnavailable(Exception):
    """No speech engine on this computer (or it failed); the message says why."""


def worker_command(engines: tuple[str, ...] = ENGINES) -> list[str]:
    """How to start the worker: `numplus --speech-worker` in the bundle, `python -m game.speech_worker` else."""
    extra = ["--engines", ",".join(engines)]
    if getattr(sys, "frozen", False):
        program = Path(sys.executable)
        console = program.with_name("numplus-cli.exe")  # Windows: the windowed numplus.exe has no stdin/stdout
        if sys.platform == "win32" and console.is_file():
            program = console
        return [str(program), "--speech-worker", *extra]
    return [sys.executable, "-m", "game.speech_worker", *extra]


def engine_may_exist() -> bool:
    """A quick look without starting anything: pyttsx3 importable or an espeak program on the PATH."""
    if getattr(sys, "frozen", False):
        return True  # pyttsx3 is in the bundle; the worker finds out whether it works
    try:
        has_pyttsx3 = find_spec("pyttsx3") is not None
    except (ImportError, ValueError):
        has_pyttsx3 = False
    return has_pyttsx3 or shutil.which("espeak-ng") is not None or shutil.which("espeak") is not None


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):  # the worker imports `game` from this tree, installed or not
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(ROOT)) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _spawn(command: list[str], *, stdin=subprocess.PIPE, stdout=subprocess.PIPE) -> subprocess.Popen:
    """A worker in a process group of its own, so that stopping it also stops what it started (aplay)."""
    debug = bool(os.environ.get("NUMPLUS_SPEECH_DEBUG"))
    options: dict = {"stdin": stdin, "stdout": stdout, "stderr": None if debug else subprocess.DEVNULL,
                     "env": _worker_env(), "cwd": str(ROOT) if ROOT.is_dir() else None}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
    else:
        options["start_new_session"] = True
    return subprocess.Popen(command, **options)


def _kill(process: subprocess.Popen) -> None:
    """Kill the worker and everything it started; never waits more than STOP_WAIT_S."""
    if process.poll() is None:
        try:
            if sys.platform == "win32":
                subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True,
                               timeout=STOP_WAIT_S, creationflags=subprocess.CREATE_NO_WINDOW)
            else:
                os.killpg(process.pid, signal.SIGKILL)
        except (OSError, subprocess.SubprocessError):
            pass
        try:
            process.kill()
        except OSError:
            pass
    else:  # the worker is gone; what it started may not be (POSIX: same group id as its pid)
        if sys.platform != "win32":
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        process.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        log.warning("speech worker %s did not end within %.1f s", process.pid, STOP_WAIT_S)
    for stream in (process.stdin, process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass


class Speaker:
    """Says texts in a worker process; `say` and `stop` never block the game for more than a moment."""

    def __init__(self, engines: tuple[str, ...] = ENGINES, command: list[str] | None = None):
        self.engines = tuple(engines)
        self._command = command
        self._lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._current: int | None = None  # the utterance playing
        self._next_id = 0
        self._deadline = 0.0
        self.engine: str | None = None  # as the worker reported it
        self.voices: dict[str, str] = {}
        self.last_error: str | None = None
        self._notice: str | None = None
        self._notice_given = False
        self._unavailable = False
        self._closed = False

    # --- what the game uses -------------------------------------------------------------------------
    def say(self, text: str, locale: str) -> None:
        """Start saying `text` in the locale's language, interrupting whatever plays."""
        text = " ".join(text.split())
        with self._lock:
            if self._closed or not text:
                return
            if self._current is not None:
                self._stop_locked()
            if self._unavailable:
                return
            if self._process is None and self._command is None and not engine_may_exist():
                self._no_engine("neither pyttsx3 nor the espeak-ng program is installed")
                return
            self._next_id += 1
            ident = self._next_id
            line = json.dumps({"say": text, "locale": locale, "id": ident}, ensure_ascii=False) + "\n"
            for _attempt in range(2):  # a worker that died meanwhile is replaced once
                process = self._ensure_worker()
                try:
                    process.stdin.write(line.encode("utf-8"))
                    process.stdin.flush()
                except (OSError, ValueError):
                    self._drop_worker()
                    continue
                self._current = ident
                self._deadline = time.monotonic() + HANG_BASE_S + HANG_PER_WORD_S * len(text.split())
                return
            self.last_error = "the speech worker does not start"
            log.warning("read aloud: %s", self.last_error)

    def stop(self) -> None:
        """Silence at once: the worker playing is killed (a new one starts at the next `say`)."""
        with self._lock:
            if self._current is not None:
                self._stop_locked()

    @property
    def speaking(self) -> bool:
        with self._lock:
            if self._current is None:
                return False
            if self._process is None or self._process.poll() is not None:
                self._current = None
                return False
            if time.monotonic() > self._deadline:
                # The engine hangs (pyttsx3's second runAndWait on some systems): kill it, and let the
                # next worker speak with the espeak-ng program alone.
                log.warning("read aloud: the speech engine hangs; stopped, and pyttsx3 is left aside")
                self._stop_locked()
                if "pyttsx3" in self.engines and len(self.engines) > 1:
                    self.engines = tuple(e for e in self.engines if e != "pyttsx3")
                return False
            return True

    def take_notice(self) -> str | None:
        """Once: why nothing can be said ("no_engine"), for the game to tell in plain words."""
        with self._lock:
            if self._notice is None or self._notice_given:
                return None
            self._notice_given = True
            return self._notice

    @property
    def available(self) -> bool:
        return not self._unavailable

    def wait_ready(self, timeout: float = 10.0) -> str | None:
        """Start the worker if needed and wait for its first line; the engine it will use (tests, checks)."""
        with self._lock:
            if self._unavailable:
                return None
            process = self._ensure_worker()
        end = time.monotonic() + timeout
        while time.monotonic() < end and process.poll() is None and self.engine is None and not self._unavailable:
            time.sleep(0.01)
        return self.engine

    def close(self) -> None:
        with self._lock:
            self._closed = True
            process, self._process, self._current = self._process, None, None
        if process is None:
            return
        try:
            process.stdin.write(b'{"quit": true}\n')
            process.stdin.flush()
            process.wait(timeout=0.3)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        _kill(process)

    @property
    def pid(self) -> int | None:
        """The worker's process id (tests)."""
        return self._process.pid if self._process is not None else None

    # --- the worker ------------------------------------------------------------------------------------
    def _ensure_worker(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._drop_worker()
        self.engine = None
        process = _spawn(self._command or worker_command(self.engines))
        self._process = process
        threading.Thread(target=self._read, args=(process,), name="numplus-speech-reader", daemon=True).start()
        return process

    def _drop_worker(self) -> None:
        process, self._process = self._process, None
        self._current = None
        if process is not None:
            _kill(process)

    def _stop_locked(self) -> None:
        self._drop_worker()

    def _read(self, process: subprocess.Popen) -> None:
        """The worker's answers, in a thread of its own (the game never waits on them)."""
        try:
            for raw in process.stdout:
                try:
                    message = json.loads(raw.decode("utf-8", errors="replace"))
                except json.JSONDecodeError:
                    continue
                with self._lock:
                    if process is not self._process:
                        return  # a worker stopped meanwhile: its news is stale
                    self._receive(message)
        except (OSError, ValueError):
            pass

    def _receive(self, message: dict) -> None:
        if message.get("ready"):
            self.engine = message.get("engine")
            self.voices = message.get("voices") or {}
            if self.engine is None:
                self._no_engine(message.get("reason") or "no speech engine")
        elif "done" in message:
            if message["done"] == self._current:
                self._current = None
        elif "failed" in message:
            self.last_error = message.get("reason")
            log.warning("read aloud failed: %s", self.last_error)
            if message["failed"] == self._current:
                self._current = None

    def _no_engine(self, reason: str) -> None:
        self._unavailable = True
        self._current = None
        self.last_error = reason
        if self._notice is None:
            self._notice = NO_ENGINE
            log.warning("read aloud is unavailable: %s", reason)


def render_wav(text: str, locale: str, path: Path | str, *, engines: tuple[str, ...] = ENGINES,
               timeout: float = 60.0) -> str:
    """Write `text` spoken in the locale's language to a WAV file (in a worker, like speech); the engine
    used. Raises SpeechUnavailable when no engine can."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    command = worker_command(engines)
    process = _spawn(command + ["--wav", str(path), "--locale", locale])
    try:
        out, _ = process.communicate(text.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise SpeechUnavailable(f"the speech engine did not finish within {timeout:.0f} s") from None
    lines = [line for line in out.decode("utf-8", errors="replace").splitlines() if line.strip()]
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        answer = {}
    if process.returncode != 0 or "engine" not in answer:
        raise SpeechUnavailable(answer.get("error") or f"the speech worker failed (exit {process.returncode})")
    return answer["engine"]
