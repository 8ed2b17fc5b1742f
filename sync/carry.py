"""Statements carried on a USB key, for sites that never get a connection.

The file is JSON Lines: a header, one line per statement with its exact bytes, and a last line with the
SHA-256 of everything before it, so a truncated or altered file is refused whole. Importing queues the
statements under their own ids: importing twice, or a statement the other machine also sends, sends
nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sync.store import Outbox, utc_now

FORMAT = "numplus-outbox"
VERSION = 1


class CarryError(Exception):
    """The file cannot be imported; one line says why."""


def export_outbox(outbox: Outbox, path: Path, kiosk_id: str) -> int:
    """Write every statement not yet sent; returns how many. They stay pending here."""
    rows = outbox.pending_rows()
    lines = [json.dumps({"format": FORMAT, "version": VERSION, "count": len(rows), "kiosk_id": kiosk_id,
                         "exported_utc": utc_now()}, sort_keys=True)]
    lines += [json.dumps({"id": i, "session": s, "kind": k, "statement": body.decode("utf-8")},
                         ensure_ascii=False, sort_keys=True) for i, s, k, body in rows]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += (json.dumps({"sha256": hashlib.sha256(data).hexdigest()}) + "\n").encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:  # whole or nothing on the key: write, flush, then rename
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    outbox.mark_carried(sorted({session for _, session, _, _ in rows}))
    return len(rows)


def read_carried(path: Path) -> list[tuple[str, str, str, bytes]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CarryError(f"{path}: cannot read ({exc.strerror or exc})") from None
    body, _, last = data.rstrip(b"\n").rpartition(b"\n")
    try:
        expected = json.loads(last)["sha256"]
    except (ValueError, KeyError, TypeError):
        raise CarryError(f"{path}: not a NUM+ outbox file, or cut short (no checksum line)") from None
    if hashlib.sha256(body + b"\n").hexdigest() != expected:
        raise CarryError(f"{path}: checksum does not match: the file was cut short or changed; nothing imported")
    lines = body.decode("utf-8").split("\n")
    header = json.loads(lines[0])
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise CarryError(f"{path}: not a NUM+ outbox file (format {header.get('format')!r})")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        item = json.loads(line)
        statement = item["statement"]
        if json.loads(statement).get("id") != item["id"]:
            raise CarryError(f"{path}:{number}: statement id does not match its line; nothing imported")
        rows.append((item["id"], item["session"], item["kind"], statement.encode("utf-8")))
    if len(rows) != header.get("count"):
        raise CarryError(f"{path}: {len(rows)} statements but the header says {header.get('count')}")
    return rows


def import_outbox(outbox: Outbox, path: Path) -> tuple[int, int]:
    """Queue a carried file's statements; (new, already here)."""
    rows = read_carried(path)
    added = outbox.import_rows(rows)
    return added, len(rows) - added
