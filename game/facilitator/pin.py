"""The facilitator PIN: set on first run, kept only as a salted scrypt hash, with a lock-out after 5 wrong tries.

The file (`facilitator.json` in the config dir, 0600) holds the hash, its salt and parameters, and the
count of wrong tries with the time until which tries are refused, so closing the game does not reset
the lock-out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PIN_FILE = "facilitator.json"
MIN_LENGTH = 4
MAX_LENGTH = 12
FREE_TRIES = 5
FIRST_LOCK_S = 30.0  # then doubled at each further wrong try, up to MAX_LOCK_S
MAX_LOCK_S = 15 * 60.0
# scrypt cost: about 50 ms on a modest kiosk; enough to make guessing a short PIN from a stolen file slow.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class PinError(Exception):
    pass


@dataclass
class Attempt:
    ok: bool
    locked_for_s: float = 0.0  # refused without checking: wait this long
    tries_left: int = FREE_TRIES


def _hash(pin: str, salt: bytes, params: dict) -> str:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=params["n"], r=params["r"], p=params["p"],
                          dklen=32).hex()


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and MIN_LENGTH <= len(pin) <= MAX_LENGTH


class FacilitatorPin:
    def __init__(self, config_dir: Path, clock: Callable[[], float] = time.time):
        self.path = config_dir / PIN_FILE
        self.clock = clock

    def _read(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise PinError(f"{self.path}: cannot read the facilitator PIN ({exc})") from None
        if not isinstance(data, dict) or not {"hash", "salt", "scrypt"} <= data.keys():
            raise PinError(f"{self.path}: not a facilitator PIN file")
        return data

    def _write(self, data: dict) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)

    @property
    def is_set(self) -> bool:
        return self._read() is not None

    def set(self, pin: str) -> None:
        if not valid_pin(pin):
            raise PinError(f"a PIN is {MIN_LENGTH} to {MAX_LENGTH} digits")
        salt = secrets.token_bytes(16)
        self._write({"hash": _hash(pin, salt, SCRYPT), "salt": salt.hex(), "scrypt": SCRYPT,
                     "wrong": 0, "locked_until": 0.0})

    def check(self, pin: str) -> Attempt:
        data = self._read()
        if data is None:
            raise PinError("no facilitator PIN is set yet")
        now = self.clock()
        if data.get("locked_until", 0.0) > now:
            return Attempt(False, data["locked_until"] - now, 0)
        expected = _hash(pin, bytes.fromhex(data["salt"]), data["scrypt"])
        if hmac.compare_digest(expected, data["hash"]):
            if data.get("wrong"):
                self._write({**data, "wrong": 0, "locked_until": 0.0})
            return Attempt(True, 0.0, FREE_TRIES)
        wrong = int(data.get("wrong", 0)) + 1
        locked_for = 0.0
        if wrong >= FREE_TRIES:
            locked_for = min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** (wrong - FREE_TRIES))
        self._write({**data, "wrong": wrong, "locked_until": now + locked_for if locked_for else 0.0})
        return Attempt(False, locked_for, max(0, FREE_TRIES - wrong))
