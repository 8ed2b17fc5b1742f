"""The event log, sessions and results in one SQLite database (WAL), written before the UI moves on."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from game.runtime.events import Event
from sync.store import OUTBOX_MIGRATIONS, Queued, queue

# Each entry upgrades the schema by one version; never edit a released one, add another.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        participant TEXT NOT NULL,
        locale TEXT NOT NULL,
        started_utc TEXT NOT NULL,
        ended_utc TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'ended'))
    );
    CREATE TABLE events (
        session TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        scenario TEXT,
        scenario_version INTEGER,
        t_ms INTEGER NOT NULL,
        utc TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (session, seq)
    );
    CREATE TABLE results (
        session TEXT NOT NULL REFERENCES sessions(id),
        scenario TEXT NOT NULL,
        scenario_version INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        observables TEXT NOT NULL,
        recorded_utc TEXT NOT NULL,
        PRIMARY KEY (session, scenario)
    );
    """,
    # The scenario's item score 0..K for measurement (NULL: not scored, or a play that does not count).
    """
    ALTER TABLE results ADD COLUMN item_score INTEGER;
    """,
    *OUTBOX_MIGRATIONS,
    # What a facilitator did to sessions: carried away (export-outbox), and erasures (logged without the
    # participant code: Law 25 asks that the erasure be provable, not that the person stay known).
    """
    CREATE TABLE carried (
        session TEXT NOT NULL,
        utc TEXT NOT NULL,
        PRIMARY KEY (session)
    );
    CREATE TABLE erasures (
        utc TEXT NOT NULL,
        reason TEXT NOT NULL,
        sessions INTEGER NOT NULL,
        events INTEGER NOT NULL,
        statements_voided INTEGER NOT NULL,
        statements_dropped INTEGER NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    pass


@dataclass(frozen=True)
class SessionRecord:
    id: str
    participant: str
    locale: str
    started_utc: str
    status: str
    last_seq: int


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


class EventStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.moved_aside: Path | None = None
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self._has_sqlite_header():
            # Not a database at all: move it aside before SQLite opens it, because closing an unreadable
            # database makes SQLite delete its -wal file, which may hold the latest events.
            self.moved_aside = self._move_aside()
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # Never delete a participant's data: keep the unreadable file for recovery, start anew.
            self.moved_aside = self._move_aside()
            self._db = self._open()

    def _has_sqlite_header(self) -> bool:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return True
        return head in (b"", SQLITE_HEADER)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            self._migrate(db)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        target = self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}")
        n = 1
        while any(Path(str(target) + suffix).exists() for suffix in ("", "-wal", "-shm")):
            n += 1  # moved aside twice in one second: never replace the first one
            target = self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}-{n}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                os.replace(part, Path(str(target) + suffix))
        return target

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"database schema {version} is newer than this NUM+ ({SCHEMA_VERSION}); update NUM+")
        for number in range(version, SCHEMA_VERSION):
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()

    # --- writing ---------------------------------------------------------------
    def append(self, event: Event, result: dict[str, Any] | None = None) -> None:
        """Write one event (and the scenario's result {"observables", "item_score"}, if any) in one durable
        transaction."""
        self.append_many([(event, result)])

    def append_many(self, items: list[tuple[Event, dict[str, Any] | None]],
                    statements: list[Queued] | None = None) -> None:
        """Write the events of one action (with any scenario result, and the statements they make for the
        outbox) in one durable transaction: all or none."""
        if not items:
            return
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for event, result in items:
                    self._write(db, event, result)
                if statements:
                    queue(db, items[0][0].session, statements, items[-1][0].utc)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @staticmethod
    def _write(db: sqlite3.Connection, event: Event, result: dict[str, Any] | None) -> None:
        if event.type == "session_started":
            db.execute("INSERT INTO sessions (id, participant, locale, started_utc, status) "
                       "VALUES (?, ?, ?, ?, 'active')",
                       (event.session, event.payload["participant"], event.payload["locale"], event.utc))
        db.execute(
            "INSERT INTO events (session, seq, scenario, scenario_version, t_ms, utc, type, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event.session, event.seq, event.scenario, event.scenario_version, event.t_ms, event.utc,
             event.type, json.dumps(event.payload, ensure_ascii=False, sort_keys=True)),
        )
        if result is not None:
            db.execute(
                "INSERT OR REPLACE INTO results (session, scenario, scenario_version, outcome, observables,"
                " item_score, recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event.session, event.scenario, event.scenario_version, event.payload["outcome"],
                 json.dumps(result["observables"], ensure_ascii=False, sort_keys=True), result.get("item_score"),
                 event.utc),
            )
        if event.type == "session_ended":
            db.execute("UPDATE sessions SET status='ended', ended_utc=? WHERE id=?", (event.utc, event.session))

    def kiosk_id(self, make) -> str:
        """This machine's kiosk id, made once by `make(db)` and kept with the data."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = make(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return found

    def erase(self, sessions: list[str], reason: str, voiding: list[Queued], utc: str) -> dict[str, int]:
        """Delete sessions from this machine (events, results, their statements) and queue the voiding
        statements of what was already sent, in one transaction; the erasure is logged with counts only."""
        marks = ",".join("?" * len(sessions))
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                events = db.execute(f"DELETE FROM events WHERE session IN ({marks})", sessions).rowcount
                db.execute(f"DELETE FROM results WHERE session IN ({marks})", sessions)
                dropped = db.execute(f"DELETE FROM outbox WHERE session IN ({marks}) AND state != 'sent'",
                                     sessions).rowcount
                db.execute(f"DELETE FROM outbox WHERE session IN ({marks})", sessions)
                db.execute(f"DELETE FROM carried WHERE session IN ({marks})", sessions)
                removed = db.execute(f"DELETE FROM sessions WHERE id IN ({marks})", sessions).rowcount
                queue(db, "erasure", voiding, utc)
                db.execute("INSERT INTO erasures (utc, reason, sessions, events, statements_voided, "
                           "statements_dropped) VALUES (?, ?, ?, ?, ?, ?)",
                           (utc, reason, removed, events, len(voiding), dropped))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return {"sessions": removed, "events": events, "statements_voided": len(voiding),
                "statements_dropped": dropped}

    def sent_statements(self, sessions: list[str]) -> list[str]:
        marks = ",".join("?" * len(sessions))
        return [r[0] for r in self._db.execute(
            f"SELECT id FROM outbox WHERE session IN ({marks}) AND state='sent' ORDER BY rowid", sessions)]

    def delivery(self) -> dict[str, dict[str, int]]:
        """Per session, how many of its statements are in each outbox state."""
        found: dict[str, dict[str, int]] = {}
        for session, state, count in self._db.execute("SELECT session, state, COUNT(*) FROM outbox GROUP BY 1, 2"):
            found.setdefault(session, {})[state] = count
        return found

    def outbox_summary(self) -> tuple[int, int, str | None]:
        """(statements waiting, statements refused by the server, time of the last acknowledged send)."""
        waiting, refused = self._db.execute(
            "SELECT COALESCE(SUM(state IN ('pending', 'sending')), 0), COALESCE(SUM(state = 'quarantined'), 0) "
            "FROM outbox").fetchone()
        last = self._db.execute("SELECT value FROM sync_state WHERE key='last_success'").fetchone()
        return waiting, refused, last[0] if last else None

    def carried_sessions(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT session FROM carried")}

    # --- reading -----------------------------------------------------------------
    def events(self, session: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT seq, session, scenario, scenario_version, t_ms, utc, type, payload FROM events "
            "WHERE session=? ORDER BY seq", (session,)).fetchall()
        return [Event(seq=r[0], session=r[1], scenario=r[2], scenario_version=r[3], t_ms=r[4], utc=r[5],
                      type=r[6], payload=json.loads(r[7])) for r in rows]

    def session_started(self, session: str) -> Event | None:
        """The first event of a session: who, in which language, and how its scenarios are chosen."""
        row = self._db.execute("SELECT seq, session, scenario, scenario_version, t_ms, utc, type, payload FROM events "
                               "WHERE session=? AND type='session_started'", (session,)).fetchone()
        return None if row is None else Event(seq=row[0], session=row[1], scenario=row[2], scenario_version=row[3],
                                              t_ms=row[4], utc=row[5], type=row[6], payload=json.loads(row[7]))

    def sessions(self, status: str | None = None) -> list[SessionRecord]:
        query = ("SELECT s.id, s.participant, s.locale, s.started_utc, s.status, "
                 "(SELECT MAX(seq) FROM events e WHERE e.session = s.id) FROM sessions s")
        params: tuple = ()
        if status:
            query += " WHERE s.status=?"
            params = (status,)
        rows = self._db.execute(query + " ORDER BY s.started_utc DESC", params).fetchall()
        return [SessionRecord(*row[:5], last_seq=row[5] or 0) for row in rows]

    def unfinished_sessions(self, participant: str | None = None) -> list[SessionRecord]:
        found = self.sessions("active")
        return [s for s in found if participant is None or s.participant == participant]

    def results(self, session: str) -> dict[str, dict[str, Any]]:
        """{scenario: {"outcome", "observables", "item_score"}}, in the order the scenarios ended."""
        # rowid: the order of writing, which a clock set back cannot change
        rows = self._db.execute("SELECT scenario, outcome, observables, item_score FROM results WHERE session=? "
                                "ORDER BY rowid", (session,))
        return {r[0]: {"outcome": r[1], "observables": json.loads(r[2]), "item_score": r[3]} for r in rows}

    def export_jsonl(self, session: str, path: Path) -> Path:
        write_jsonl((e.to_dict() for e in self.events(session)), path)
        return path


def write_jsonl(events: Iterable[dict[str, Any]], path: Path) -> None:
    """Write events as JSON Lines atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    events = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise StoreError(f"{path}:{number}: not a JSON event ({exc.msg})") from None
    return events
