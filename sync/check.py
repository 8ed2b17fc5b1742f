"""The facilitator's "Test connection": can this kiosk reach the LRS, and does it take these credentials?

One request, the kind the sender makes: a POST of an empty batch `[]` to `<endpoint>/statements`, with
`X-Experience-API-Version`, the basic credentials and the TLS settings of `sync.transport.Transport`.
Nothing is stored by it. Why this request (measured against Ralph 5.1.0 in tests/test_settings_screen.py):

- `GET <endpoint>/about`, which xAPI 1.0.3 requires, answers 404 on Ralph 5.1.0, and it needs no
  credentials anyway: it cannot tell a good password from a bad one.
- `GET <endpoint>/statements?limit=1` needs read rights, which a kiosk's account need not have.
- `POST []` needs what the kiosk really uses (write rights). Ralph checks the credentials first: wrong
  or missing ones answer 401; good ones reach the body and answer 400 "The list of statements cannot
  be empty" (JSON). Another LRS may answer 200 or 204 to an empty batch.

So: 200, 204, or a 400 with a JSON body = works; 401, 403 = credentials refused; no answer = cannot
reach (or did not answer in time); 429, 5xx = the server has a problem; anything else (404, 405, an
HTML 400 from a web server or proxy) = something answers there, but not an LRS's xAPI endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from sync.transport import Transport

TIMEOUT_S = (5.0, 15.0)  # connect, read: a facilitator is waiting


@dataclass(frozen=True)
class ConnectionCheck:
    outcome: str  # ok, refused, unreachable, timeout, server_error, not_lrs
    status: int | None = None  # the HTTP status, when there was an answer
    detail: str = ""  # for logs and support: the exception or the start of the answer

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def check_connection(endpoint: str, username: str | None, password: str | None, *,
                     ca_bundle: str | None = None, timeout: tuple[float, float] | None = None) -> ConnectionCheck:
    """Blocking (at most the connect plus the read timeout): run it off the frame loop."""
    transport = Transport(endpoint, username, password, ca_bundle=ca_bundle, timeout=timeout or TIMEOUT_S)
    try:
        response = transport.session.post(transport.url, data=b"[]", timeout=transport.timeout)
    except requests.Timeout as exc:
        return ConnectionCheck("timeout", detail=_describe(exc))
    except (requests.RequestException, OSError) as exc:  # refused, no such host, TLS, a missing CA bundle
        return ConnectionCheck("unreachable", detail=_describe(exc))
    finally:
        transport.close()
    status, text = response.status_code, response.text[:300]
    json_body = "json" in response.headers.get("Content-Type", "")
    if status in (200, 204) or (status == 400 and json_body):
        return ConnectionCheck("ok", status, text)
    if status in (401, 403):
        return ConnectionCheck("refused", status, text)
    if status == 429 or status >= 500:
        return ConnectionCheck("server_error", status, text)
    return ConnectionCheck("not_lrs", status, text)


def _describe(exc: BaseException) -> str:
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first[:200]}"
