"""The outbox: statements waiting for the learning record store, in the same SQLite file as the events.

One file, so the transaction that records a result also queues its statements: a crash loses both or
neither. A statement is stored once with its final id and bytes and resent byte for byte on every try.
States (ODK Collect's discipline): pending -> sending (written before any network I/O) -> sent (only on
the server's 200/204), or quarantined with the reason. Rows left in "sending" by a sender that died go
back to pending when the next sender takes the lock.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

STATES = ("pending", "sending", "sent", "quarantined")

# Appended to game.store.MIGRATIONS: the outbox's schema is versioned with the rest of the database.
OUTBOX_MIGRATIONS = [
    """
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        session TEXT NOT NULL,
        kind TEXT NOT NULL,
        body BLOB NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'quarantined')),
        reason TEXT,
        queued_utc TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_utc TEXT,
        sent_utc TEXT
    );
    CREATE INDEX outbox_by_state ON outbox (state);
    CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
]


class OutboxError(Exception):
    pass


@dataclass(frozen=True)
class Queued:
    """A statement to queue: its id, what it is about (for status and exports), and its final bytes.
    With a reason, it is queued quarantined (it failed our own checks: kept for a facilitator to see)."""

    id: str
    kind: str
    body: bytes
    reason: str | None = None


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def queue(db: sqlite3.Connection, session: str, statements: Iterable[Queued], utc: str) -> None:
    """Inside the caller's transaction. A statement already queued keeps its first bytes (ids are stable,
    so building it again, e.g. on replay, must not change what is sent)."""
    # ON CONFLICT, not OR IGNORE: only a repeated id is skipped; any other broken row fails the transaction.
    db.executemany("INSERT INTO outbox (id, session, kind, body, queued_utc, state, reason) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                   [(s.id, session, s.kind, s.body, utc, "quarantined" if s.reason else "pending", s.reason)
                    for s in statements])


@dataclass(frozen=True)
class Row:
    id: str
    body: bytes


class Outbox:
    """The outbox seen by a sender (a thread of the game, or `numplus sync`): its own connection."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        # A sender's marks may be lost in a power cut (WAL with NORMAL survives a crash of the program, not
        # of the machine): then a statement is resent, which the server takes as harmless. Statements are
        # queued by the event store's own connection, with FULL: those are never lost.
        self.db.execute("PRAGMA synchronous=NORMAL")
        found = self.db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='outbox'").fetchone()
        if found is None:
            # Open the EventStore first (it migrates, and moves an unreadable file aside). Not from here:
            # its file checks would release this process's SQLite locks on a database already open.
            self.db.close()
            raise OutboxError(f"{self.path}: no outbox table; open the database with EventStore first")

    def close(self) -> None:
        self.db.close()

    def _tx(self, sql: str, params: Iterable = ()) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute(sql, tuple(params))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # --- a sender's steps ---------------------------------------------------------
    def recover(self) -> int:
        """Rows a dead sender left in "sending" go back to pending (called with the sender lock held)."""
        cursor = self.db.execute("UPDATE outbox SET state='pending' WHERE state='sending'")
        return cursor.rowcount

    def next_batch(self, limit: int) -> list[Row]:
        rows = self.db.execute("SELECT id, body FROM outbox WHERE state='pending' ORDER BY rowid LIMIT ?",
                               (limit,)).fetchall()
        return [Row(r[0], bytes(r[1])) for r in rows]

    def mark_sending(self, ids: list[str]) -> None:
        """Durably, before any network I/O."""
        self._many("UPDATE outbox SET state='sending', attempts=attempts+1, last_attempt_utc=? WHERE id=?",
                   [(utc_now(), i) for i in ids])

    def mark_sent(self, ids: list[str]) -> None:
        """Acknowledged: sent, and the server works, so any backoff or credentials problem is over (one
        transaction: each costs a flush to disk)."""
        now = utc_now()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("UPDATE outbox SET state='sent', sent_utc=?, reason=NULL WHERE id=?",
                                [(now, i) for i in ids])
            self.db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('last_success', ?)", (now,))
            self.db.execute("DELETE FROM sync_state WHERE key IN ('failures', 'next_attempt', 'auth_failed')")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def mark_pending(self, ids: list[str]) -> None:
        self._many("UPDATE outbox SET state='pending' WHERE id=? AND state='sending'", [(i,) for i in ids])

    def quarantine(self, statement_id: str, reason: str) -> None:
        self._many("UPDATE outbox SET state='quarantined', reason=? WHERE id=?", [(reason[:500], statement_id)])

    def _many(self, sql: str, rows: list[tuple]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(sql, rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # --- sync state shared by every sender (backoff, an auth problem) -----------------
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str | None) -> None:
        if value is None:
            self._tx("DELETE FROM sync_state WHERE key=?", (key,))
        else:
            self._tx("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, value))

    # --- what a facilitator sees ------------------------------------------------------
    def counts(self) -> dict[str, int]:
        found = dict(self.db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return {state: found.get(state, 0) for state in STATES}

    def quarantined(self) -> list[tuple[str, str, str]]:
        return self.db.execute("SELECT id, kind, COALESCE(reason, '') FROM outbox WHERE state='quarantined' "
                               "ORDER BY rowid").fetchall()

    def pending_rows(self) -> list[tuple[str, str, str, bytes]]:
        """(id, session, kind, body) of everything not yet sent, in queue order (for export-outbox)."""
        rows = self.db.execute("SELECT id, session, kind, body FROM outbox WHERE state IN ('pending', 'sending') "
                               "ORDER BY rowid").fetchall()
        return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def mark_carried(self, sessions: list[str]) -> None:
        """Sessions whose statements left on a USB key: a facilitator may then delete them here."""
        now = utc_now()
        self._many("INSERT INTO carried (session, utc) VALUES (?, ?) ON CONFLICT (session) DO UPDATE SET utc=?",
                   [(s, now, now) for s in sessions])

    def import_rows(self, rows: list[tuple[str, str, str, bytes]]) -> int:
        """Queue statements brought from another machine; ids already here are left alone. How many were new."""
        now = utc_now()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            before = self.db.total_changes
            self.db.executemany("INSERT INTO outbox (id, session, kind, body, queued_utc) VALUES (?, ?, ?, ?, ?) "
                                "ON CONFLICT (id) DO NOTHING", [(i, s, k, b, now) for i, s, k, b in rows])
            added = self.db.total_changes - before
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return added


def machine_kiosk_id(db: sqlite3.Connection) -> str:
    """This machine's kiosk id when settings give none: random, made once, kept with the data (a host name
    could carry a person's name)."""
    import secrets

    row = db.execute("SELECT value FROM sync_state WHERE key='kiosk_id'").fetchone()
    if row is not None:
        return row[0]
    made = "kiosk-" + secrets.token_hex(4)
    db.execute("INSERT OR IGNORE INTO sync_state (key, value) VALUES ('kiosk_id', ?)", (made,))
    return db.execute("SELECT value FROM sync_state WHERE key='kiosk_id'").fetchone()[0]
