"""A real Ralph LRS for the tests, started on 127.0.0.1 by the tests themselves and stopped after.

Ralph 5.1.0 lives in `.venv-ralph` (made by `make test` / `make install-ralph`), never in the game's
venv: the tests talk to it over HTTP only, and run it as a separate process.

Use from a test module (import the fixtures into the module's namespace; the `*_fixture` names
register the fixtures `ralph`, `fresh_ralph` and `ralph_proxy` without upsetting ruff)::

    from tests.lrs_support import XAPI_HEADERS, ralph_fixture  # noqa: F401  (pytest fixture)

    def test_upload(ralph):
        response = requests.post(ralph.statements_url, json=[...], auth=ralph.auth,
                                 headers=XAPI_HEADERS)

Fixtures:
    ralph        one server shared by the whole session (every module importing it gets the same
                 process). Never stop or kill it; its store keeps what earlier tests sent, so use
                 fresh statement ids and look for your own.
    fresh_ralph  a server of the test's own, empty, that the test may stop(), kill() and start().
    ralph_proxy  a FaultProxy (tests/fault_proxy.py) in front of the shared `ralph`, in `pass`
                 mode; `ralph_proxy.endpoint` is the xAPI endpoint through the proxy. It uses the
                 `ralph` fixture: import ralph_fixture too.

Always import as `tests.lrs_support` (pytest runs as `python -m pytest` from the repository root),
never as `lrs_support`: two module objects would start two shared servers.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import pytest
import requests

from tests.fault_proxy import FaultProxy

ROOT = Path(__file__).resolve().parent.parent
RALPH_VENV = ROOT / ".venv-ralph"
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
RALPH_CLI = RALPH_VENV / "bin" / "ralph"
LAUNCHER = Path(__file__).with_name("ralph_launcher.py")

XAPI_VERSION = "1.0.3"
XAPI_HEADERS = {"X-Experience-API-Version": XAPI_VERSION}

DEFAULT_USERNAME = "numplus"
DEFAULT_PASSWORD = "numplus-test-password"
DEFAULT_AGENT_MBOX = "mailto:numplus-lrs-tests@example.org"
LRS_FILE = "fs_lrs.jsonl"  # Ralph's FSLRSBackendSettings.DEFAULT_LRS_FILE

# Auth files already made by `ralph auth` (about 2 s each: imports plus bcrypt), by their parameters:
# a fresh server with the same credentials copies the file instead of running the CLI again.
_AUTH_FILES: dict[tuple, str] = {}
_AUTH_LOCK = threading.Lock()


class RalphNotInstalled(RuntimeError):
    """`.venv-ralph` is missing or broken."""


def require_ralph() -> Path:
    """Return the Ralph venv's python, or raise with how to install it."""
    if not RALPH_PYTHON.exists() or not RALPH_CLI.exists():
        raise RalphNotInstalled(
            f"Ralph LRS is not installed in {RALPH_VENV}: run `make test` "
            "(or `make install-ralph`) from the repository root to create it."
        )
    return RALPH_PYTHON


def _fail_not_installed(error: RalphNotInstalled) -> None:
    pytest.fail(str(error), pytrace=False)


def _ralph_env(workdir: Path) -> dict[str, str]:
    """Environment for every Ralph process: only our RALPH_* settings, every file under workdir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
    env.update(
        {
            # The default backend (es) is not installed: importing ralph.api fails without this.
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(workdir / "auth.json"),
            # Ralph keeps its app dir (~/.config/ralph) and a history of every read and write
            # (HISTORY_FILE, rewritten whole at each request); keep both out of the user's home.
            "RALPH_APP_DIR": str(workdir / "app"),
            "RALPH_HISTORY_FILE": str(workdir / "app" / "history.json"),
            # The LRS backend (FSLRSBackendSettings, prefix RALPH_BACKENDS__LRS__FS__) stores every
            # statement as one JSON line in DEFAULT_DIRECTORY_PATH / DEFAULT_LRS_FILE.
            # (A user's `target`, from `ralph auth -t`, would name a sub-directory; we set none.)
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "data"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE": LRS_FILE,
            # The data backend's own setting (CLI read/write/list), for completeness.
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "data"),
        }
    )
    return env


def _bind_listener(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    return sock


class RalphServer:
    """One Ralph LRS process (filesystem backend) on 127.0.0.1 with its own temporary data.

    The test process binds the listening socket (a free port the first time, the same port on
    start() again) and hands it to the launcher, so the port cannot be taken in between. While the
    server is stopped nothing listens: a connection is refused, as with a server that is down.
    Data and credentials survive stop()/kill()/start(); close() deletes them. Ralph reads the auth
    file once per process (at the first authenticated request, then cached): a change to the
    users needs a restart.
    """

    def __init__(
        self,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        scopes: Sequence[str] = ("all",),
        agent_mbox: str = DEFAULT_AGENT_MBOX,
        startup_timeout: float = 60.0,
    ) -> None:
        self.username = username
        self.password = password
        self.scopes = tuple(scopes)
        self.agent_mbox = agent_mbox
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.workdir: Path | None = None
        self._process: subprocess.Popen | None = None
        self._log_offset = 0
        self.startup_seconds: float | None = None  # of the last start()

    # --- addresses -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("Ralph has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """The xAPI endpoint, with its trailing slash: statements are at endpoint + 'statements'."""
        return f"{self.base_url}/xAPI/"

    @property
    def statements_url(self) -> str:
        return f"{self.base_url}/xAPI/statements"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.password)

    @property
    def data_file(self) -> Path:
        """The JSON-lines file where Ralph's fs backend appends every stored statement."""
        self._need_workdir()
        return self.workdir / "data" / LRS_FILE

    @property
    def log_file(self) -> Path:
        self._need_workdir()
        return self.workdir / "ralph.log"

    # --- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> Self:
        """Start (or start again, on the same port and data) and wait until it answers."""
        if self.running:
            return self
        python = require_ralph()
        if self.workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="numplus-ralph-")
            self.workdir = Path(self._tmp.name)
            (self.workdir / "data").mkdir()
            (self.workdir / "app").mkdir()
            self._make_credentials()
        env = _ralph_env(self.workdir)

        started = time.monotonic()
        listener = self._bind_port()
        try:
            with open(self.log_file, "ab") as log:  # the child keeps its own copy of the descriptor
                self._log_offset = log.tell()
                self._process = subprocess.Popen(
                    [str(python), "-I", str(LAUNCHER), str(listener.fileno()), str(os.getpid())],
                    pass_fds=[listener.fileno()],
                    env=env,
                    cwd=self.workdir,  # Ralph's settings read a `.env` file from the working directory
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C in the terminal is for pytest, not for Ralph
                )
        finally:
            listener.close()  # the server holds its own copy
        self._wait_ready()
        self.startup_seconds = time.monotonic() - started
        return self

    def _bind_port(self) -> socket.socket:
        if self.port is None:
            sock = _bind_listener(0)
            self.port = sock.getsockname()[1]
            return sock
        deadline = time.monotonic() + 10
        while True:  # the old process may take a moment to let go of the port
            try:
                return _bind_listener(self.port)
            except OSError as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Ralph cannot bind its port {self.port} again: {error}") from error
                time.sleep(0.05)

    def _make_credentials(self) -> None:
        """`ralph auth -u USER -p PASSWORD -s SCOPE... -M MBOX -w` writes RALPH_AUTH_FILE."""
        key = (self.username, self.password, self.scopes, self.agent_mbox)
        auth_file = self.workdir / "auth.json"
        with _AUTH_LOCK:
            if key not in _AUTH_FILES:
                command = [str(RALPH_CLI), "auth", "-u", self.username, "-p", self.password]
                for scope in self.scopes:
                    command += ["-s", scope]
                command += ["-M", self.agent_mbox, "-w"]
                result = subprocess.run(
                    command,
                    check=False,
                    env=_ralph_env(self.workdir),
                    cwd=self.workdir,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                if result.returncode != 0 or not auth_file.exists():
                    raise RuntimeError(
                        f"`ralph auth` failed (exit {result.returncode}):\n{result.stderr[-4000:]}"
                    )
                _AUTH_FILES[key] = auth_file.read_text(encoding="utf-8")
            else:
                auth_file.write_text(_AUTH_FILES[key], encoding="utf-8")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}/__heartbeat__"
        last_error = "no answer"
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                self._process = None
                raise RuntimeError(
                    f"Ralph exited with code {code} while starting on port {self.port}. "
                    f"Its output:\n{self._read_new_log()}"
                )
            try:
                response = requests.get(url, timeout=2)
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as error:
                last_error = str(error)
            time.sleep(0.05)
        self.kill()
        log = self._read_new_log()
        raise RuntimeError(
            f"Ralph did not answer {url} within {self.startup_timeout:.0f} s "
            f"(last: {last_error}). Its output:\n{log}"
        )

    def _read_new_log(self) -> str:
        try:
            with open(self.log_file, "rb") as handle:
                handle.seek(self._log_offset)
                return handle.read().decode("utf-8", "replace")[-8000:]
        except OSError:
            return "(no log)"

    def log(self) -> str:
        """Everything the server wrote (uvicorn's access log and errors, every run)."""
        try:
            return self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM, then SIGKILL after `timeout`). The data stays."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.send_signal(signal.SIGTERM)
                try:
                    self._process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait(10)
            self._process = None

    def kill(self) -> None:
        """Abrupt stop (SIGKILL), as a crash or a power cut. The data stays."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait(10)
            self._process = None

    def restart(self) -> Self:
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop and delete the data and credentials."""
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.workdir = None

    def _need_workdir(self) -> None:
        if self.workdir is None:
            raise RuntimeError("Ralph has not been started (or has been closed)")

    # --- statements --------------------------------------------------------------------------

    def statements(self) -> list[dict]:
        """Every statement stored, oldest first, read from the fs backend's file.

        Works while the server is stopped too. These are the statements as Ralph stored them,
        with its additions (`stored`, `authority`, and `timestamp` when the client sent none).
        """
        try:
            text = self.data_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        lines = text.split("\n")
        if lines and lines[-1].strip():
            lines.pop()  # being appended right now: a complete line always ends with a newline
        return [json.loads(line) for line in lines if line.strip()]

    def statement_ids(self) -> list[str]:
        return [statement["id"] for statement in self.statements()]

    def fetch_statements(self, page_size: int = 100, **params: Any) -> list[dict]:
        """Every statement through the xAPI (GET /xAPI/statements, following `more`).

        Ralph's fs backend answers in file order (oldest first) unless `ascending=true`, which
        reverses it (the flag's meaning is upside down); `limit` is capped by
        RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT (100).
        """
        statements: list[dict] = []
        url = self.statements_url
        query: dict[str, Any] | None = {"limit": page_size, **params}
        for _ in range(100_000):
            response = requests.get(url, params=query, auth=self.auth, headers=XAPI_HEADERS, timeout=30)
            response.raise_for_status()
            body = response.json()
            statements.extend(body.get("statements", []))
            more = body.get("more")
            if not more:
                return statements
            url = f"{self.base_url}{more}" if more.startswith("/") else more
            query = None
        raise RuntimeError("Ralph's `more` links never ended")

    def post(self, statements: list[dict] | dict, *, auth: tuple[str, str] | None = None,
             url: str | None = None, timeout: float = 30, **kwargs: Any) -> requests.Response:
        """POST statements with the version header and this server's credentials, on a new connection."""
        headers = {**XAPI_HEADERS, **kwargs.pop("headers", {})}
        with requests.Session() as session:
            return session.post(
                url or self.statements_url,
                json=statements,
                auth=auth or self.auth,
                headers=headers,
                timeout=timeout,
                **kwargs,
            )


def make_statement(statement_id: str | None = None, *, timestamp: str | None = "2025-01-15T10:00:00+00:00",
                   padding: int = 0, **fields: Any) -> dict:
    """A small valid xAPI statement with a fresh id (for infrastructure tests).

    Keep a `timestamp`: Ralph fills a missing one with the time it stores the statement, so a
    resend without one differs from what is stored and answers 409 instead of 204.
    `padding` adds that many characters (in result.response) to make a large body.
    """
    statement = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://numplus.example.org", "name": "p-0001"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": "https://numplus.example.org/items/infra"},
        "version": "1.0.3",
    }
    if timestamp is not None:
        statement["timestamp"] = timestamp
    if padding:
        statement["result"] = {"response": "x" * padding}
    statement.update(fields)
    return statement


# --- validation with Ralph's strict model -------------------------------------------------------

_VALIDATOR = r"""
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

def describe(error):
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ())) or "(statement)"
        parts.append(f"{location}: {item.get('msg')} [{item.get('type')}]")
    return "; ".join(parts)

results = []
for statement in json.load(sys.stdin):
    try:
        if not isinstance(statement, dict):
            raise TypeError(f"a statement is a JSON object, not {type(statement).__name__}")
        BaseXapiStatement.model_validate(statement)
        results.append(None)
    except ValidationError as error:
        results.append(describe(error))
    except Exception as error:
        results.append(f"{type(error).__name__}: {error}")
json.dump(results, sys.stdout)
"""


def validate_with_ralph(statements: list[dict]) -> list[str | None]:
    """Check statements with Ralph's strict model `BaseXapiStatement`, in `.venv-ralph`.

    One subprocess for the whole list. Returns, per statement in order, None when valid or a
    description of the errors ("result.score.scaled: Input should be less than or equal to 1
    [less_than_equal]; ..."). Ralph's API itself is lax: it stores what this model refuses.
    """
    python = require_ralph()
    with tempfile.TemporaryDirectory(prefix="numplus-ralph-validate-") as workdir:
        result = subprocess.run(
            [str(python), "-I", "-c", _VALIDATOR],
            check=False,
            input=json.dumps(statements),
            env=_ralph_env(Path(workdir)),
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
    if result.returncode != 0:
        raise RuntimeError(f"Ralph's validator failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    results = json.loads(result.stdout)
    if len(results) != len(statements):
        raise RuntimeError(f"Ralph's validator answered {len(results)} results for {len(statements)} statements")
    return results


# --- pytest fixtures -----------------------------------------------------------------------------

_shared: RalphServer | None = None
_shared_users = 0
_shared_lock = threading.Lock()


@pytest.fixture(scope="session", name="ralph")
def ralph_fixture() -> Iterator[RalphServer]:
    """The session's shared Ralph LRS. Do not stop it (use `fresh_ralph` for that)."""
    global _shared, _shared_users
    with _shared_lock:
        try:
            if _shared is None:
                _shared = RalphServer()
            _shared.start()  # also brings it back if a test stopped it by mistake
        except RalphNotInstalled as error:
            _fail_not_installed(error)
        _shared_users += 1
    try:
        yield _shared
    finally:
        with _shared_lock:
            _shared_users -= 1
            if _shared_users == 0 and _shared is not None:
                _shared.close()
                _shared = None


@pytest.fixture(name="fresh_ralph")
def fresh_ralph_fixture() -> Iterator[RalphServer]:
    """A Ralph LRS of this test's own, empty; the test may stop, kill and start it."""
    server = RalphServer()
    try:
        server.start()
    except RalphNotInstalled as error:
        _fail_not_installed(error)
    try:
        yield server
    finally:
        server.close()


class RalphProxy(FaultProxy):
    """A FaultProxy in front of a RalphServer, with the xAPI addresses through the proxy."""

    def __init__(self, server: RalphServer, **kwargs: Any) -> None:
        super().__init__("127.0.0.1", server.port, **kwargs)
        self.server = server

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/xAPI/"

    @property
    def statements_url(self) -> str:
        return f"{self.base_url}/xAPI/statements"


@pytest.fixture(name="ralph_proxy")
def ralph_proxy_fixture(ralph: RalphServer) -> Iterator[RalphProxy]:
    """A fault-injecting proxy in front of the shared Ralph, in `pass` mode; stopped after the test."""
    proxy = RalphProxy(ralph)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


# The same fixtures under their own names, for `from tests.lrs_support import ralph` (ruff then sees
# the test's `ralph` argument as a redefinition, F811: importing the *_fixture names avoids that).
ralph = ralph_fixture
fresh_ralph = fresh_ralph_fixture
ralph_proxy = ralph_proxy_fixture
