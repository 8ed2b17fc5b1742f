"""Research tables from the database: events, observables and area results, one row each, long format.

Pure reading: a read-only SQLite connection in one read transaction, so an export is safe while the game
writes (WAL) and sees one consistent snapshot. Each table is a generator of dict rows in a fixed column
order; the writers turn rows into CSV or JSON Lines, written to a temporary file and then renamed.
Sessions without research consent appear only in `results`. The columns are described in
docs/data-dictionary.md ("Research export").
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from game.scenario.loader import LoadedScenario
    from scoring.measurement import ItemBank

TABLES = ("events", "observables", "results")
FORMATS = ("csv", "jsonl")
TEST_PREFIX = "TEST-"  # participant codes of author previews and headless checks
MIN_SCHEMA = 2  # the schema version that added results.item_score

EVENT_COLUMNS = ("participant_code", "session_id", "seq", "scenario_id", "scenario_version", "t_ms", "utc",
                 "type", "language", "consent", "app_version", "log_schema_version", "payload")
OBSERVABLE_COLUMNS = ("participant_code", "session_id", "scenario_id", "scenario_version", "outcome",
                      "observable", "value", "competence", "events", "item_score", "language", "consent",
                      "recorded_utc")
# The results columns around the level-group probabilities, whose names come from the framework.
RESULT_COLUMNS_BEFORE = ("participant_code", "session_id", "area", "status", "theta", "se", "level")
RESULT_COLUMNS_AFTER = ("between_levels", "n_scenarios", "framework", "parameters_version", "language", "consent",
                        "session_status", "started_utc", "ended_utc")

Progress = Callable[[int, int], None]
Row = dict[str, Any]


class ExportError(Exception):
    """The export cannot be made; the message is one line."""


@dataclass(frozen=True)
class SessionInfo:
    """A session as the export needs it: its row in `sessions` and what its `session_started` logged."""

    id: str
    participant: str
    locale: str
    started_utc: str
    ended_utc: str | None
    status: str
    consent: bool
    app_version: str | None
    log_schema_version: int | None
    framework: str | None  # from the logged plan; None for a plain list (previews, headless play)
    parameters_version: str | None  # from the logged plan
    scenarios: tuple[str, ...]  # the session's scenarios: its list, or the pool an adaptive session chose from


def since_bound(text: str) -> str:
    """The `started_utc` a session must reach for `--since TEXT` (an ISO date or date and time; UTC unless an
    offset is given), in the database's own format so that it compares as text."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(f"--since {text!r}: not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM:SS, "
                          "UTC unless an offset is given)") from None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    millis, rest = divmod(moment.microsecond, 1000)
    if rest:  # the database keeps milliseconds: round up so that nothing before the moment gets in
        moment = moment.replace(microsecond=millis * 1000) + timedelta(milliseconds=1)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ResearchDatabase:
    """A NUM+ database opened read-only, in one read transaction (a consistent snapshot)."""

    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise ExportError(f"{path}: no such database (nothing has been played here yet?)")
        try:
            self._db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                                       timeout=10)
        except sqlite3.Error as exc:
            raise ExportError(f"{path}: cannot open the database ({exc})") from None
        try:
            self._check_schema()
            self._db.execute("BEGIN")  # deferred: the snapshot is taken by the first read below
        except sqlite3.Error as exc:
            self._db.close()
            raise ExportError(f"{path}: cannot read the NUM+ database ({exc})") from None
        except ExportError:
            self._db.close()
            raise

    def _check_schema(self) -> None:
        from game.store import SCHEMA_VERSION

        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"sessions", "events", "results"} <= tables:
            raise ExportError(f"{self.path}: not a NUM+ database (no sessions, events and results tables)")
        if version > SCHEMA_VERSION:
            raise ExportError(f"{self.path}: database schema {version} is newer than this NUM+ ({SCHEMA_VERSION}); "
                              "update NUM+")
        if version < MIN_SCHEMA:
            raise ExportError(f"{self.path}: database schema {version} is older than this NUM+; open it once with "
                              "this NUM+ (e.g. `numplus status`) to upgrade it")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ResearchDatabase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sessions(self, since: str | None = None, include_tests: bool = False) -> list[SessionInfo]:
        """The sessions to export, oldest first."""
        query = ("SELECT s.id, s.participant, s.locale, s.started_utc, s.ended_utc, s.status, e.payload "
                 "FROM sessions s LEFT JOIN events e ON e.session = s.id AND e.seq = 1 "
                 "AND e.type = 'session_started'")
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("s.started_utc >= ?")
            params.append(since)
        if not include_tests:
            where.append("substr(s.participant, 1, ?) != ?")
            params += [len(TEST_PREFIX), TEST_PREFIX]
        if where:
            query += " WHERE " + " AND ".join(where)
        pools: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct pool, however many sessions
        found = []
        for sid, participant, locale, started, ended, status, payload in self._db.execute(
                query + " ORDER BY s.started_utc, s.id", params):
            logged = _object(payload)
            plan = logged.get("plan") if isinstance(logged.get("plan"), dict) else {}
            consent = logged.get("consent") if isinstance(logged.get("consent"), dict) else {}
            scenarios = tuple(s for s in logged.get("scenarios") or () if isinstance(s, str))
            found.append(SessionInfo(
                id=sid, participant=participant, locale=locale, started_utc=started, ended_utc=ended, status=status,
                consent=consent.get("research") is True, app_version=logged.get("app_version"),
                log_schema_version=logged.get("log_schema_version"), framework=plan.get("framework"),
                parameters_version=plan.get("parameters_version"), scenarios=pools.setdefault(scenarios, scenarios)))
        return found

    def events(self, session: str) -> Iterator[tuple]:
        """(seq, scenario, scenario_version, t_ms, utc, type, payload text) in seq order."""
        return self._db.execute("SELECT seq, scenario, scenario_version, t_ms, utc, type, payload FROM events "
                                "WHERE session = ? ORDER BY seq", (session,))

    def results(self, session: str) -> list[tuple]:
        """(scenario, scenario_version, outcome, observables text, item_score, recorded_utc), in the order the
        scenarios ended."""
        return self._db.execute("SELECT scenario, scenario_version, outcome, observables, item_score, recorded_utc "
                                "FROM results WHERE session = ? ORDER BY rowid", (session,)).fetchall()


def _object(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def research_sessions(sessions: list[SessionInfo]) -> list[SessionInfo]:
    """The sessions whose participant gave research consent: the only ones with events and observables."""
    return [s for s in sessions if s.consent]


def _session_columns(session: SessionInfo) -> Row:
    return {"participant_code": session.participant, "session_id": session.id}


def _ticking(sessions: list[SessionInfo], progress: Progress | None) -> Iterator[SessionInfo]:
    """The sessions in order, telling `progress` (done, total) after each one."""
    total = len(sessions)
    if progress is not None and total:
        progress(0, total)
    for done, session in enumerate(sessions, 1):
        yield session
        if progress is not None:
            progress(done, total)


# --- the tables -------------------------------------------------------------------------------------------------
def event_rows(db: ResearchDatabase, sessions: list[SessionInfo], progress: Progress | None = None, *,
               texts: bool = False, library: dict[str, "LoadedScenario"] | None = None) -> Iterator[Row]:
    """One row per event of the sessions with research consent (the others are left out). Without the
    organisation's consent for texts, what participants typed is reduced as in statements: its length and
    the rules it met (sync/xapi.py)."""
    from sync.xapi import reduce_typed_text

    library = library or {}
    for session in _ticking(research_sessions(sessions), progress):
        for seq, scenario, version, t_ms, utc, kind, payload in db.events(session.id):
            found = json.loads(payload)
            if not texts:
                loaded = library.get(scenario) if scenario else None
                found = reduce_typed_text({"seq": seq, "type": kind, "scenario": scenario, "payload": found},
                                          loaded.scenario if loaded else None)
            yield {**_session_columns(session), "seq": seq, "scenario_id": scenario, "scenario_version": version,
                   "t_ms": t_ms, "utc": utc, "type": kind, "language": session.locale, "consent": session.consent,
                   "app_version": session.app_version, "log_schema_version": session.log_schema_version,
                   "payload": found}


def observable_rows(db: ResearchDatabase, sessions: list[SessionInfo],
                    progress: Progress | None = None) -> Iterator[Row]:
    """One row per observable per played scenario of the sessions with research consent."""
    for session in _ticking(research_sessions(sessions), progress):
        for scenario, version, outcome, observables, item_score, recorded in db.results(session.id):
            found = _object(observables)
            for name in sorted(found):
                observable = found[name] if isinstance(found[name], dict) else {}
                yield {**_session_columns(session), "scenario_id": scenario, "scenario_version": version,
                       "outcome": outcome, "observable": name, "value": observable.get("value"),
                       "competence": observable.get("competence"), "events": observable.get("events"),
                       "item_score": item_score, "language": session.locale, "consent": session.consent,
                       "recorded_utc": recorded}


def group_column(group_id: str) -> str:
    """The column of a level group's probability: `highly-specialised` -> `p_highly_specialised`."""
    return "p_" + group_id.replace("-", "_")


def result_columns(frameworks: Iterable[str]) -> tuple[str, ...]:
    """The results columns: one probability column per level group of the frameworks (in their order)."""
    from scoring.framework import FrameworkError, load_framework

    groups: list[str] = []
    for framework_id in frameworks:
        try:
            framework = load_framework(framework_id)
        except FrameworkError:
            continue  # its sessions are left out of the results, with a warning
        groups += [group_column(g.id) for g in framework.groups if group_column(g.id) not in groups]
    return (*RESULT_COLUMNS_BEFORE, *groups, *RESULT_COLUMNS_AFTER)


@dataclass
class Banks:
    """The item bank each session measures with, as `game.delivery.session_bank` makes it, from the logged
    plan: the plan's framework (the default for a plain list), the session's scenarios found in the library,
    and the calibrated parameters of the settings for a session whose plan names its parameters."""

    library: dict[str, "LoadedScenario"]
    parameters: str | None = None  # the calibrated parameters file (the `item_parameters` setting), if any
    missing: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # scenario -> sessions
    unknown_frameworks: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    changed_parameters: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    parameters_problem: str | None = None
    _made: dict[tuple, "ItemBank"] = field(default_factory=dict)

    def framework_of(self, session: SessionInfo) -> str:
        from scoring.framework import DEFAULT_FRAMEWORK

        return session.framework or DEFAULT_FRAMEWORK

    def bank(self, session: SessionInfo) -> "ItemBank | None":
        """The session's bank, or None when its framework cannot be loaded (noted in `unknown_frameworks`)."""
        from scoring.framework import FrameworkError
        from scoring.measurement import load_bank
        from scoring.measurement.parameters import ParametersError

        framework = self.framework_of(session)
        calibrated = self.parameters if session.parameters_version is not None else None
        for sid in session.scenarios:
            if sid not in self.library:
                self.missing[sid].add(session.id)
        known = tuple(sid for sid in session.scenarios if sid in self.library)
        key = (framework, calibrated, known)
        if key not in self._made:
            scenarios = {sid: self.library[sid] for sid in known}
            try:
                try:
                    self._made[key] = load_bank(scenarios, framework, calibrated)
                except ParametersError as exc:  # as the game does: say so, measure with the provisional ones
                    self.parameters_problem = str(exc)
                    self._made[key] = load_bank(scenarios, framework, None)
            except FrameworkError:
                self.unknown_frameworks[framework].add(session.id)
                return None
        bank = self._made[key]
        if session.parameters_version is not None and session.parameters_version != bank.version:
            self.changed_parameters[(session.parameters_version, bank.version)].add(session.id)
        return bank

    def warnings(self) -> list[str]:
        """What the results could not reproduce, one line each (for standard error)."""
        lines = []
        if self.parameters_problem:
            lines.append(f"the calibrated parameters could not be read, provisional ones used: "
                         f"{self.parameters_problem}")
        for sid, sessions in sorted(self.missing.items()):
            lines.append(f"scenario {sid} of {len(sessions)} session(s) is not in the scenario library; it is left "
                         "out of their item bank (its item scores do not count in the results)")
        for framework, sessions in sorted(self.unknown_frameworks.items()):
            lines.append(f"{len(sessions)} session(s) use the competence framework {framework!r}, which this NUM+ "
                         "does not have; they are left out of the results")
        for (logged, used), sessions in sorted(self.changed_parameters.items()):
            lines.append(f"{len(sessions)} session(s) were measured with parameters {logged} when played; their "
                         f"results here use {used} (the scenarios or the parameters have changed since)")
        return lines


def result_rows(db: ResearchDatabase, sessions: list[SessionInfo], banks: Banks,
                progress: Progress | None = None) -> Iterator[Row]:
    """One row per area result per session, `overall` first: every session, with or without consent."""
    from scoring.measurement import OVERALL, measure

    for session in _ticking(sessions, progress):
        bank = banks.bank(session)
        if bank is None:
            continue
        scores = {scenario: item_score for scenario, _, _, _, item_score, _ in db.results(session.id)}
        measured = measure(scores, bank)
        scales = [(OVERALL, measured["overall"]), *measured["areas"].items()]
        groups = [g.id for g in bank.framework.groups]
        for area, data in scales:
            probabilities = data["level_probabilities"] or {}
            yield {**_session_columns(session), "area": area, "status": data["status"], "theta": data["theta"],
                   "se": data["se"], "level": data["level"],
                   **{group_column(g): probabilities.get(g) for g in groups},
                   "between_levels": data["between_levels"], "n_scenarios": data["n_scenarios"],
                   "framework": measured["framework"], "parameters_version": measured["parameters_version"],
                   "language": session.locale, "consent": session.consent, "session_status": session.status,
                   "started_utc": session.started_utc, "ended_utc": session.ended_utc}


# --- writing ----------------------------------------------------------------------------------------------------
def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def csv_cell(value: Any) -> str:
    """A value as CSV text: empty for null, TRUE/FALSE (logical to R and pandas alike), lists and objects as
    JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dict, list, tuple)):
        return _json(value)
    return str(value)


@dataclass
class Written:
    rows: int = 0
    sessions: int = 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic(out: Path, write: Callable[[Any], Written]) -> Written:
    """Run `write(handle)` on a temporary file beside `out`, then rename it to `out` (never half-written)."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        os.chmod(name, 0o666 & ~_umask())  # as an ordinary new file (mkstemp makes it private to its owner)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            written = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return written


def _counting(rows: Iterable[Row], written: Written) -> Iterator[Row]:
    last = None
    seen: set[str] = set()
    for row in rows:
        written.rows += 1
        if row["session_id"] != last:
            last = row["session_id"]
            seen.add(last)
        yield row
    written.sessions = len(seen)


def write_csv(columns: tuple[str, ...], rows: Iterable[Row], out: Path) -> Written:
    """CSV, UTF-8, a header row of `columns` then one line per row."""
    def write(handle) -> Written:
        written = Written()
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in _counting(rows, written):
            writer.writerow([csv_cell(row[c]) for c in columns])
        return written

    return _atomic(out, write)


def write_jsonl(columns: tuple[str, ...], rows: Iterable[Row], out: Path) -> Written:
    """JSON Lines: one object per row, keys in the order of `columns` (nested objects' keys sorted)."""
    def write(handle) -> Written:
        written = Written()
        for row in _counting(rows, written):
            handle.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
        return written

    return _atomic(out, write)


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}


@dataclass
class ExportReport:
    rows: int
    sessions: int
    left_out_without_consent: int  # sessions in results only (events and observables need research consent)
    warnings: list[str]


def export(database: Path, what: str, fmt: str, out: Path, *, since: str | None = None,
           include_tests: bool = False, library: dict[str, "LoadedScenario"] | None = None,
           parameters: str | None = None, progress: Progress | None = None, texts: bool = False) -> ExportReport:
    """Write one research table (`what`: events, observables or results) of the database to `out`.
    `since` is a bound from `since_bound`; `library` (the scenario library) is needed for results."""
    if what not in TABLES:
        raise ExportError(f"unknown table {what!r} (one of {', '.join(TABLES)})")
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    try:
        with ResearchDatabase(database) as db:
            return _export(db, what, fmt, out, since, include_tests, library, parameters, progress, texts)
    except sqlite3.Error as exc:  # e.g. a damaged page met halfway: one line, and no file is left behind
        raise ExportError(f"{database}: cannot read the NUM+ database ({exc})") from None


def _export(db: ResearchDatabase, what: str, fmt: str, out: Path, since: str | None, include_tests: bool,
            library: dict[str, "LoadedScenario"] | None, parameters: str | None,
            progress: Progress | None, texts: bool) -> ExportReport:
    from scoring.framework import DEFAULT_FRAMEWORK

    sessions = db.sessions(since, include_tests)
    banks = None
    if what == "events":
        columns, rows = EVENT_COLUMNS, event_rows(db, sessions, progress, texts=texts, library=library)
    elif what == "observables":
        columns, rows = OBSERVABLE_COLUMNS, observable_rows(db, sessions, progress)
    else:
        banks = Banks(library or {}, parameters)
        frameworks = list(dict.fromkeys(banks.framework_of(s) for s in sessions))
        columns, rows = result_columns(frameworks or [DEFAULT_FRAMEWORK]), result_rows(db, sessions, banks, progress)
    written = WRITERS[fmt](columns, rows, out)
    left_out = 0 if what == "results" else len(sessions) - len(research_sessions(sessions))
    return ExportReport(written.rows, written.sessions, left_out, banks.warnings() if banks else [])
