"""HTTP to the learning record store: one POST of stored statement bytes, and what the server answered."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import requests

XAPI_VERSION = "1.0.3"
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 60.0  # a 50-statement batch at 56 kbit/s takes a while to go up


class TransportError(Exception):
    """No answer from the server (refused, reset, timed out, TLS failure): the network, not the data."""


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # the start of the body, for messages
    retry_after: float | None  # seconds, from Retry-After (delta or HTTP date)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class Transport:
    """A requests Session per sender: kept-alive connections, basic credentials per kiosk, TLS verified."""

    def __init__(self, endpoint: str, username: str | None, password: str | None, *, ca_bundle: str | None = None,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)):
        self.url = endpoint.rstrip("/") + "/statements"
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (username or "", password or "") if username or password else None
        self.session.verify = ca_bundle or True  # never off: a custom CA bundle for a private LRS
        self.session.headers.update({"X-Experience-API-Version": XAPI_VERSION,
                                     "Content-Type": "application/json; charset=utf-8"})

    def post(self, body: bytes) -> Answer:
        try:
            response = self.session.post(self.url, data=body, timeout=self.timeout)
            text = response.text[:300]
        except requests.RequestException as exc:
            self.session.close()  # a half-dead kept-alive connection must not be reused
            raise TransportError(type(exc).__name__ + ": " + str(exc).splitlines()[0][:200]) from None
        return Answer(response.status_code, text, parse_retry_after(response.headers.get("Retry-After")))

    def close(self) -> None:
        self.session.close()
