"""The runtime's only source of time. Runtime code never reads the system clock itself."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...  # monotonic milliseconds
    def utc(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, for real play."""

    def now_ms(self) -> int:
        return int(time.monotonic() * 1000)

    def utc(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """Time that moves only when told to: headless play, tests, replays."""

    def __init__(self, start_utc: datetime | None = None, start_ms: int = 0):
        self._start_utc = start_utc or datetime(2026, 1, 5, 14, 0, tzinfo=timezone.utc)
        self._start_ms = start_ms
        self._ms = start_ms

    def advance(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("time only moves forward")
        self._ms += ms

    def now_ms(self) -> int:
        return self._ms

    def utc(self) -> datetime:
        return self._start_utc + timedelta(milliseconds=self._ms - self._start_ms)
