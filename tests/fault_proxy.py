"""A fault-injecting HTTP proxy on loopback, for testing delivery over a bad network (stdlib only).

    proxy = FaultProxy("127.0.0.1", lrs_port).start()
    url = proxy.base_url + "/xAPI/statements"          # talk to the server through the proxy
    proxy.set_mode("reset_after_response")              # or proxy.reset_after_response()
    ...
    proxy.stats()["fault_counts"]["reset_after_response"] == 1
    proxy.stop()

One request per connection. The proxy reads one HTTP/1.1 request from each client connection,
forwards it with `Connection: close`, returns the server's response with `Connection: close`, and
closes. Clients that honour the header (requests/urllib3, http.client) therefore open a new
connection for every request, and the mode in force when a connection is accepted applies to that
connection, hence to exactly one request. A client that ignored `Connection: close` and sent a
second request on the same connection would find it closed. The mode may be changed at any time,
from any thread; a change applies to connections accepted afterwards.

Modes (per connection):
    pass                  forward the request and the response unchanged (but for `Connection`).
    refuse                accept, then reset (RST) at once, before reading anything.
    reset_mid_request     read the request's head and `fraction` of its body, then RST; the server
                          is never contacted (the network died during the upload).
    reset_after_response  forward the request, read the server's whole response, then RST the
                          client instead of delivering it: the lost acknowledgement. The server HAS
                          stored the data, the client sees a connection error.
    delay                 wait `seconds` before contacting the server, then as `pass`.
    throttle              `bytes_per_second` in each direction (56 kbit/s modem = 7000 B/s).
    status                read the request and answer an HTTP error itself (`code`, default 503,
                          optional `retry_after` seconds -> `Retry-After` header, optional `body`),
                          without contacting the server.
And one mode of the listener rather than of a connection:
    down                  nothing listens on the port: connections are refused (ECONNREFUSED) as
                          with a server that is down. Any other mode opens the same port again.

`times=N` makes a mode apply to the next N connections only, then the proxy goes back to `pass`
(e.g. `proxy.status(503, retry_after=1, times=2)`: two failures, then success).

Probabilistic: `proxy.faults(probability=0.3, kinds=[...], seed=1)` picks, per connection, a fault
among `kinds` (names or `(name, params)` pairs) with that probability, else `pass`; with a seed the
sequence of choices is reproducible (for a given order of connections).

Counters (for assertions): `connections`, `faults_injected`, `fault_counts` (per kind),
`forwarded` (requests that reached the server), `delivered` (responses that reached the client),
`upstream_errors` (server unreachable in a forwarding mode: the client gets an RST), and
`history` (the kind applied to each connection, in order). `stats()` returns a snapshot.
"""

from __future__ import annotations

import http
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self

PASS = "pass"
REFUSE = "refuse"
RESET_MID_REQUEST = "reset_mid_request"
RESET_AFTER_RESPONSE = "reset_after_response"
DELAY = "delay"
THROTTLE = "throttle"
STATUS = "status"
DOWN = "down"

CONNECTION_KINDS = (PASS, REFUSE, RESET_MID_REQUEST, RESET_AFTER_RESPONSE, DELAY, THROTTLE, STATUS)
MODES = CONNECTION_KINDS + (DOWN,)
DEFAULT_FAULT_KINDS = (REFUSE, RESET_MID_REQUEST, RESET_AFTER_RESPONSE, STATUS)

_DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    PASS: {},
    REFUSE: {},
    RESET_MID_REQUEST: {"fraction": 0.5},
    RESET_AFTER_RESPONSE: {},
    DELAY: {"seconds": 2.0},
    THROTTLE: {"bytes_per_second": 7000},
    STATUS: {"code": 503, "retry_after": None, "body": None},
    DOWN: {},
}

_MAX_HEAD = 64 * 1024
_HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection"}


@dataclass(frozen=True)
class Fault:
    kind: str
    params: dict = field(default_factory=dict)


def _make_fault(kind: str, params: dict[str, Any] | None = None) -> Fault:
    if kind not in MODES:
        raise ValueError(f"unknown proxy mode {kind!r}; modes: {', '.join(MODES)}")
    unknown = set(params or {}) - set(_DEFAULT_PARAMS[kind])
    if unknown:
        raise ValueError(f"mode {kind!r} takes no parameter {', '.join(sorted(unknown))}")
    merged = {**_DEFAULT_PARAMS[kind], **(params or {})}
    if kind == THROTTLE and merged["bytes_per_second"] <= 0:
        raise ValueError("bytes_per_second must be positive")
    if kind == RESET_MID_REQUEST and not 0 <= merged["fraction"] < 1:
        raise ValueError("fraction must be in [0, 1)")
    return Fault(kind, merged)


class _ClosedEarly(Exception):
    """The peer closed before a whole HTTP message was read."""


class _Reader:
    """Buffered reads from a socket, for HTTP framing."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buffer += data
        return True

    def read_until(self, delimiter: bytes, limit: int = _MAX_HEAD) -> bytes:
        while True:
            index = self.buffer.find(delimiter)
            if index >= 0:
                end = index + len(delimiter)
                data, self.buffer = self.buffer[:end], self.buffer[end:]
                return data
            if len(self.buffer) > limit:
                raise _ClosedEarly("HTTP head too long")
            if not self._fill():
                raise _ClosedEarly("closed before the end of the HTTP head")

    def read_some(self, limit: int) -> bytes:
        if not self.buffer and not self._fill():
            return b""
        data, self.buffer = self.buffer[:limit], self.buffer[limit:]
        return data

    def read_exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._fill():
                raise _ClosedEarly("closed before the end of the HTTP body")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


class _Pacer:
    """Sends at most `rate` bytes per second; the whole transfer takes at least size / rate."""

    def __init__(self, rate: float | None, stop: threading.Event) -> None:
        self.rate = rate
        self.stop = stop
        self.started: float | None = None
        self.sent = 0

    def send(self, sock: socket.socket, data: bytes) -> None:
        if not self.rate:
            sock.sendall(data)
            return
        step = max(1, min(1024, int(self.rate // 20)))
        if self.started is None:
            self.started = time.monotonic()
        for start in range(0, len(data), step):
            piece = data[start:start + step]
            sock.sendall(piece)
            self.sent += len(piece)
            wait = self.started + self.sent / self.rate - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                raise _ClosedEarly("proxy stopped")


def _parse_head(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    lines = head[:-4].split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _rewrite_head(start_line: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
    kept.append((b"Connection", b"close"))
    return start_line + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in kept) + b"\r\n"


def _body_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """Content-Length, 0 without a body, None for a chunked body."""
    encoding = _header(headers, b"transfer-encoding")
    if encoding is not None and b"chunked" in encoding.lower():
        return None
    length = _header(headers, b"content-length")
    return int(length) if length is not None else 0


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN (SO_LINGER on, timeout 0)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def _close_gracefully(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    sock.close()


class FaultProxy:
    """See the module docstring. Binds its port on creation, serves after start()."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        host: str = "127.0.0.1",
        port: int = 0,
        io_timeout: float = 30.0,
    ) -> None:
        self.target = (target_host, int(target_port))
        self.host = host
        self.io_timeout = io_timeout
        self._lock = threading.Lock()
        self._listener_changed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._listener: socket.socket | None = self._bind(port)
        self.port: int = self._listener.getsockname()[1]
        self._want_listening = True
        self._accept_thread: threading.Thread | None = None
        self._handlers: set[threading.Thread] = set()
        self._open_sockets: set[socket.socket] = set()
        # current mode
        self._fault = _make_fault(PASS)
        self._remaining: int | None = None
        self._probability: float | None = None
        self._kinds: list[Fault] = []
        self._rng = random.Random()
        self.reset_counters()

    # --- addresses and life cycle --------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _bind(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        sock.settimeout(0.05)
        return sock

    def start(self) -> Self:
        if self._accept_thread is None:
            self._accept_thread = threading.Thread(
                target=self._accept_loop, name=f"fault-proxy-{self.port}", daemon=True
            )
            self._accept_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, abort the connections in progress, free the port."""
        self._stop.set()
        with self._lock:
            self._listener_changed.notify_all()
            for sock in list(self._open_sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the handler; it closes its sockets
                except OSError:
                    pass
        if self._accept_thread is not None:
            self._accept_thread.join(timeout)
        elif self._listener is not None:
            self._listener.close()
            self._listener = None
        for thread in list(self._handlers):
            thread.join(timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- modes -------------------------------------------------------------------------------

    def set_mode(self, kind: str, *, times: int | None = None, **params: Any) -> None:
        """Set the mode for the connections accepted from now on (thread-safe).

        `times`: apply to the next `times` connections only, then go back to `pass`.
        """
        fault = _make_fault(kind, params)
        if times is not None and (kind == DOWN or times < 1):
            raise ValueError("times must be >= 1, and does not apply to `down`")
        with self._lock:
            self._fault = fault
            self._remaining = times
            self._probability = None
            self._want_listening = kind != DOWN
        self._apply_listener_state()

    def faults(
        self,
        probability: float = 0.3,
        kinds: Iterable[str | tuple[str, dict]] = DEFAULT_FAULT_KINDS,
        seed: int | None = None,
    ) -> None:
        """Per connection, a fault drawn among `kinds` with `probability`, else `pass`."""
        if not 0 <= probability <= 1:
            raise ValueError("probability must be in [0, 1]")
        faults = []
        for kind in kinds:
            name, params = (kind, {}) if isinstance(kind, str) else kind
            if name in (PASS, DOWN):
                raise ValueError(f"{name!r} is not a per-connection fault")
            faults.append(_make_fault(name, params))
        if not faults:
            raise ValueError("no fault kinds given")
        with self._lock:
            self._fault = _make_fault(PASS)
            self._remaining = None
            self._probability = probability
            self._kinds = faults
            self._rng = random.Random(seed)
            self._want_listening = True
        self._apply_listener_state()

    @property
    def mode(self) -> str:
        with self._lock:
            return "faults" if self._probability is not None else self._fault.kind

    # Shorthands.
    def pass_through(self) -> None:
        self.set_mode(PASS)

    def refuse(self, times: int | None = None) -> None:
        self.set_mode(REFUSE, times=times)

    def reset_mid_request(self, fraction: float = 0.5, times: int | None = None) -> None:
        self.set_mode(RESET_MID_REQUEST, fraction=fraction, times=times)

    def reset_after_response(self, times: int | None = None) -> None:
        self.set_mode(RESET_AFTER_RESPONSE, times=times)

    def delay(self, seconds: float, times: int | None = None) -> None:
        self.set_mode(DELAY, seconds=seconds, times=times)

    def throttle(self, bytes_per_second: float = 7000, times: int | None = None) -> None:
        self.set_mode(THROTTLE, bytes_per_second=bytes_per_second, times=times)

    def status(self, code: int = 503, retry_after: int | str | None = None,
               body: bytes | str | None = None, times: int | None = None) -> None:
        self.set_mode(STATUS, code=code, retry_after=retry_after, body=body, times=times)

    def down(self) -> None:
        self.set_mode(DOWN)

    def up(self) -> None:
        self.set_mode(PASS)

    # --- counters ----------------------------------------------------------------------------

    def reset_counters(self) -> None:
        with self._lock:
            self.connections = 0
            self.faults_injected = 0
            self.fault_counts: Counter[str] = Counter()
            self.forwarded = 0
            self.delivered = 0
            self.upstream_errors = 0
            self.history: list[str] = []

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "connections": self.connections,
                "faults_injected": self.faults_injected,
                "fault_counts": dict(self.fault_counts),
                "forwarded": self.forwarded,
                "delivered": self.delivered,
                "upstream_errors": self.upstream_errors,
                "history": list(self.history),
            }

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no connection is being handled; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not any(thread.is_alive() for thread in self._handlers):
                    return True
            time.sleep(0.01)
        return False

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    # --- listener ----------------------------------------------------------------------------

    def _apply_listener_state(self, timeout: float = 5.0) -> None:
        """Make the listener match the mode; with the accept thread running, it does the change."""
        if self._accept_thread is None or not self._accept_thread.is_alive():
            self._sync_listener()
            return
        deadline = time.monotonic() + timeout
        with self._listener_changed:
            while (self._listener is not None) != self._want_listening:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set():
                    raise RuntimeError("the proxy's listener did not change state")
                self._listener_changed.wait(remaining)

    def _sync_listener(self) -> None:
        """Open or close the listener as wanted. Called by the accept thread only (or before it)."""
        with self._lock:
            want = self._want_listening and not self._stop.is_set()
            if want and self._listener is None:
                deadline = time.monotonic() + 5
                while True:
                    try:
                        self._listener = self._bind(self.port)
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.02)
            elif not want and self._listener is not None:
                self._listener.close()
                self._listener = None
            self._listener_changed.notify_all()

    def _accept_loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._sync_listener()
                listener = self._listener
                if listener is None:
                    time.sleep(0.02)
                    continue
                try:
                    conn, _ = listener.accept()
                except (TimeoutError, BlockingIOError):
                    continue
                except OSError:
                    if self._stop.is_set():
                        break
                    continue
                fault = self._choose()
                thread = threading.Thread(
                    target=self._handle, args=(conn, fault), name=f"fault-proxy-conn-{fault.kind}", daemon=True
                )
                with self._lock:
                    self._handlers = {t for t in self._handlers if t.is_alive()}
                    self._handlers.add(thread)
                thread.start()
        finally:
            with self._lock:
                if self._listener is not None:
                    self._listener.close()
                    self._listener = None
                self._listener_changed.notify_all()

    def _choose(self) -> Fault:
        with self._lock:
            if self._probability is not None:
                draw = self._rng.random()
                fault = self._rng.choice(self._kinds) if draw < self._probability else _make_fault(PASS)
            else:
                fault = self._fault
                if self._remaining is not None:
                    self._remaining -= 1
                    if self._remaining <= 0:
                        self._fault = _make_fault(PASS)
                        self._remaining = None
            self.connections += 1
            self.history.append(fault.kind)
            if fault.kind != PASS:
                self.faults_injected += 1
                self.fault_counts[fault.kind] += 1
            return fault

    # --- one connection ----------------------------------------------------------------------

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open_sockets.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open_sockets.discard(sock)

    def _handle(self, client: socket.socket, fault: Fault) -> None:
        upstream: socket.socket | None = None
        self._track(client)
        try:
            client.settimeout(self.io_timeout)
            kind = fault.kind
            if kind == REFUSE:
                _reset(client)
                return
            reader = _Reader(client)
            if kind == RESET_MID_REQUEST:
                head = reader.read_until(b"\r\n\r\n")
                length = _body_length(_parse_head(head)[1]) or 0
                reader.read_exact(int(length * fault.params["fraction"]))
                _reset(client)
                return
            if kind == STATUS:
                self._read_request(reader, None, None)
                client.sendall(self._status_response(fault.params))
                self._count("delivered")
                _close_gracefully(client)
                return
            if kind == DELAY and self._stop.wait(fault.params["seconds"]):
                _reset(client)
                return
            rate = fault.params["bytes_per_second"] if kind == THROTTLE else None
            try:
                upstream = socket.create_connection(self.target, timeout=self.io_timeout)
            except OSError:
                self._count("upstream_errors")
                _reset(client)
                return
            self._track(upstream)
            self._read_request(reader, upstream, _Pacer(rate, self._stop))
            self._count("forwarded")
            response = self._read_response(upstream)
            if kind == RESET_AFTER_RESPONSE:
                _reset(client)
                return
            _Pacer(rate, self._stop).send(client, response)
            self._count("delivered")
            _close_gracefully(client)
        except (OSError, _ClosedEarly, ValueError):
            try:
                _reset(client)
            except OSError:
                pass
        finally:
            self._untrack(client)
            try:
                client.close()
            except OSError:
                pass
            if upstream is not None:
                self._untrack(upstream)
                upstream.close()

    def _read_request(self, reader: _Reader, upstream: socket.socket | None, pacer: _Pacer | None) -> None:
        """Read one request from the client; forward it (rewritten) to upstream when given."""

        def forward(data: bytes) -> None:
            if upstream is not None and data:
                pacer.send(upstream, data)

        start_line, headers = _parse_head(reader.read_until(b"\r\n\r\n"))
        forward(_rewrite_head(start_line, headers))
        length = _body_length(headers)
        if length is None:  # chunked: size line, data, CRLF ... then a zero chunk and trailers
            while True:
                size_line = reader.read_until(b"\r\n")
                forward(size_line)
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while True:
                        trailer = reader.read_until(b"\r\n")
                        forward(trailer)
                        if trailer == b"\r\n":
                            return
                forward(reader.read_exact(size + 2))
        remaining = length
        while remaining > 0:
            chunk = reader.read_some(min(remaining, 65536))
            if not chunk:
                raise _ClosedEarly("client closed during the request body")
            forward(chunk)
            remaining -= len(chunk)

    def _read_response(self, upstream: socket.socket) -> bytes:
        """The server's whole response (it closes after it: we asked Connection: close)."""
        reader = _Reader(upstream)
        start_line, headers = _parse_head(reader.read_until(b"\r\n\r\n"))
        chunks = [_rewrite_head(start_line, headers), reader.buffer]
        while True:
            data = upstream.recv(65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)

    @staticmethod
    def _status_response(params: dict[str, Any]) -> bytes:
        code = int(params["code"])
        try:
            reason = http.HTTPStatus(code).phrase
        except ValueError:
            reason = "Error"
        body = params["body"]
        if body is None:
            body = json.dumps({"detail": f"{code} {reason} (injected by the test proxy)"})
        if isinstance(body, str):
            body = body.encode("utf-8")
        lines = [
            f"HTTP/1.1 {code} {reason}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        if params["retry_after"] is not None:
            lines.append(f"Retry-After: {params['retry_after']}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
