"""The kiosk's idle watch: after a quiet spell, a warning with a countdown, then the session is left.

Pure: it reads the time it is given. Nothing is lost when the kiosk leaves a session: every action is
already in the log, and the participant resumes with their code.
"""

from __future__ import annotations

from dataclasses import dataclass

WARNING_MS = 60_000  # the countdown a participant sees before the kiosk returns to the title screen


@dataclass
class IdleWatch:
    timeout_ms: int
    last_input_ms: int = 0

    def touch(self, now_ms: int) -> None:
        self.last_input_ms = now_ms

    @property
    def warning_ms(self) -> int:
        return min(WARNING_MS, self.timeout_ms // 2)

    def seconds_left(self, now_ms: int) -> int | None:
        """None while nothing needs saying; else whole seconds until the session is left (0: now)."""
        quiet = now_ms - self.last_input_ms
        if quiet < self.timeout_ms - self.warning_ms:
            return None
        return max(0, -(-(self.timeout_ms - quiet) // 1000))
