"""The sender: moves outbox statements to the LRS in batches, survives faults, and never sends twice.

Exactly once comes from two halves: the outbox resends a statement only until the server acknowledged it,
and the server treats a resend of a stored id with the same bytes as harmless (xAPI: client-chosen ids).
One sender at a time across processes (a file lock beside the database); a sender that died is noticed
when the next one takes the lock, and its "sending" rows go back to pending.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from sync.store import Outbox, Row
from sync.transport import Answer, Transport, TransportError

BATCH = 50  # statements per POST
BASE_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0
SPLIT = {400, 409, 413, 422}  # the batch holds a statement the server refuses: find it, quarantine only it
AUTH = {401, 403}


@dataclass
class PassReport:
    sent: int = 0
    quarantined: int = 0
    left: int = 0
    stopped: str = "empty"  # empty, network, server, auth, endpoint, backoff, locked, stopping
    message: str = ""
    retry_in: float | None = None
    quarantine_reasons: list[str] = field(default_factory=list)


class _Stop(Exception):
    def __init__(self, stopped: str, message: str, retry_in: float | None = None):
        super().__init__(message)
        self.stopped, self.message, self.retry_in = stopped, message, retry_in


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".sync.lock")


def credentials_fingerprint(endpoint: str, username: str | None, password: str | None) -> str:
    """Which credentials an auth failure was about (a hash: never the password itself)."""
    return hashlib.sha256(f"{endpoint}\0{username}\0{password}".encode()).hexdigest()[:16]


class Sender:
    def __init__(self, outbox: Outbox, transport: Transport, *, fingerprint: str = "",
                 rng: random.Random | None = None, clock: Callable[[], float] = time.time):
        self.outbox = outbox
        self.transport = transport
        self.fingerprint = fingerprint
        self.rng = rng or random.Random()
        self.clock = clock
        self.lock = FileLock(str(lock_path(outbox.path)))

    @classmethod
    def to_lrs(cls, outbox: Outbox, endpoint: str, username: str | None, password: str | None,
               ca_bundle: str | None = None) -> "Sender":
        """A sender to one LRS with one kiosk's credentials (the game's worker and `numplus sync`)."""
        return cls(outbox, Transport(endpoint, username, password, ca_bundle=ca_bundle),
                   fingerprint=credentials_fingerprint(endpoint, username, password))

    # --- one pass ---------------------------------------------------------------------
    def run_pass(self, *, ignore_backoff: bool = False, lock_timeout: float = 0,
                 progress: Callable[[int, int], None] | None = None,
                 stopping: threading.Event | None = None) -> PassReport:
        """Send what is pending until nothing is left or something stops the pass."""
        report = PassReport()
        try:
            self.lock.acquire(timeout=lock_timeout)
        except Timeout:
            report.stopped, report.message = "locked", "another sender is already sending from this machine"
            return report
        try:
            self.outbox.recover()
            total = self.outbox.counts()["pending"]
            if not ignore_backoff:
                self._check_waits()
            while True:
                if stopping is not None and stopping.is_set():
                    raise _Stop("stopping", "the game is closing")
                batch = self.outbox.next_batch(BATCH)
                if not batch:
                    break
                self.outbox.mark_sending([row.id for row in batch])
                self._send(batch, report)
                if progress is not None:
                    progress(report.sent + report.quarantined, total)
        except _Stop as stop:
            report.stopped, report.message, report.retry_in = stop.stopped, stop.message, stop.retry_in
        finally:
            self.outbox.recover()  # anything still "sending" was not acknowledged: pending again
            report.left = self.outbox.counts()["pending"]
            self.lock.release()
        return report

    def _check_waits(self) -> None:
        auth = self.outbox.get("auth_failed")
        if auth is not None and auth.split(" ", 1)[0] == self.fingerprint:
            raise _Stop("auth", auth.split(" ", 1)[1] if " " in auth else "the server refused the credentials")
        wait = self.outbox.get("next_attempt")
        if wait is not None and float(wait) > self.clock():
            raise _Stop("backoff", "waiting before the next try", float(wait) - self.clock())

    # --- one batch, split when the server refuses something in it -----------------------
    def _send(self, rows: list[Row], report: PassReport) -> None:
        body = b"[" + b",".join(row.body for row in rows) + b"]"
        ids = [row.id for row in rows]
        try:
            answer = self.transport.post(body)
        except TransportError as exc:
            self.outbox.mark_pending(ids)
            raise _Stop("network", str(exc), self._back_off(None)) from None
        if answer.status in (200, 204):
            self.outbox.mark_sent(ids)
            report.sent += len(ids)
        elif answer.status in SPLIT:
            if len(rows) == 1:
                reason = f"{answer.status}: {answer.text.strip()}" if answer.text.strip() else str(answer.status)
                self.outbox.quarantine(rows[0].id, reason)
                report.quarantined += 1
                report.quarantine_reasons.append(reason)
            else:
                half = len(rows) // 2
                self._send(rows[:half], report)
                self._send(rows[half:], report)
        elif answer.status in AUTH:
            self.outbox.mark_pending(ids)
            message = f"the LRS refused the credentials ({answer.status}): check the username and password"
            self.outbox.put("auth_failed", f"{self.fingerprint} {message}")
            raise _Stop("auth", message)
        elif answer.status == 429 or answer.status >= 500:
            self.outbox.mark_pending(ids)
            raise _Stop("server", f"the LRS answered {answer.status}", self._back_off(answer))
        else:  # 404, 405...: a wrong endpoint, not bad data; retrying soon would not help
            self.outbox.mark_pending(ids)
            raise _Stop("endpoint", f"the LRS answered {answer.status} at {self.transport.url}: check the endpoint",
                        self._back_off(answer))

    def _back_off(self, answer: Answer | None) -> float:
        """Exponential backoff with full jitter, up to 15 minutes, never sooner than Retry-After asks."""
        failures = int(self.outbox.get("failures") or 0) + 1
        delay = self.rng.uniform(0, min(MAX_DELAY_S, BASE_DELAY_S * 2 ** failures))
        if answer is not None and answer.retry_after is not None:
            delay = max(delay, min(answer.retry_after, MAX_DELAY_S))
        self.outbox.put("failures", str(failures))
        self.outbox.put("next_attempt", repr(self.clock() + delay))
        return delay


class SyncWorker(threading.Thread):
    """The game's background sender: wakes when statements are queued or a wait is over; never blocks a frame."""

    def __init__(self, make_sender: Callable[[], Sender], idle_s: float = 60.0):
        super().__init__(name="numplus-sync", daemon=True)
        self.make_sender = make_sender
        self.idle_s = idle_s
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.last: PassReport | None = None

    def nudge(self) -> None:
        self.wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.wake.set()
        self.join(timeout)

    def run(self) -> None:
        sender = self.make_sender()  # its own connection and HTTP session, in this thread
        try:
            while not self.stopping.is_set():
                self.wake.clear()
                self.last = sender.run_pass(stopping=self.stopping)
                wait = self.idle_s if self.last.retry_in is None else min(self.idle_s, max(1.0, self.last.retry_in))
                self.wake.wait(wait)
        finally:
            sender.outbox.close()
            sender.transport.close()
