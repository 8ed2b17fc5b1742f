"""The export of collected item scores, read into a persons x items matrix.

One row per (session, scenario), as CSV with a header row or as JSON Lines:
``session_id``, ``scenario_id`` (or ``scenario``), ``item_score`` (an integer >= 0; empty or null when the
scenario was not administered) and ``language`` (optional; missing means unknown). Adaptive sessions take
a few scenarios each, so most cells are missing (NaN): that is the normal case, not an error. A NUM+
database (numplus.sqlite3) can be read directly too: its `results` table holds the same rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

UNKNOWN_LANGUAGE = "unknown"
_MISSING_TEXT = {"", "null", "none", "na", "nan"}


class ExportError(ValueError):
    """The export cannot be read; the message is one line, `file:line: what is wrong`."""


@dataclass(frozen=True)
class ResponseTable:
    """Item scores of persons (rows) on items (columns); NaN where an item was not administered."""

    persons: tuple[str, ...]
    items: tuple[str, ...]
    scores: np.ndarray  # float, (persons, items)
    languages: np.ndarray  # str, one per person

    @property
    def taken(self) -> np.ndarray:
        return ~np.isnan(self.scores)

    def subset(self, persons: np.ndarray | None = None, items: list[str] | None = None) -> ResponseTable:
        """Some persons (a boolean mask or indices) and/or some items, in the given order."""
        rows = np.arange(len(self.persons)) if persons is None else np.arange(len(self.persons))[persons]
        cols = list(range(len(self.items))) if items is None else [self.items.index(i) for i in items]
        return ResponseTable(tuple(self.persons[r] for r in rows), tuple(self.items[c] for c in cols),
                             self.scores[np.ix_(rows, cols)], self.languages[rows])


def from_rows(rows: list[tuple[str, str, int | None, str]]) -> ResponseTable:
    """A table from (session, scenario, score or None, language) rows already checked."""
    persons = list(dict.fromkeys(r[0] for r in rows))
    items = sorted({r[1] for r in rows})
    p_index = {p: i for i, p in enumerate(persons)}
    i_index = {s: j for j, s in enumerate(items)}
    scores = np.full((len(persons), len(items)), np.nan)
    languages = [UNKNOWN_LANGUAGE] * len(persons)
    for session, scenario, score, language in rows:
        if score is not None:
            scores[p_index[session], i_index[scenario]] = score
        if language != UNKNOWN_LANGUAGE:
            languages[p_index[session]] = language
    return ResponseTable(tuple(persons), tuple(items), scores, np.array(languages, dtype=object))


def _score(value: Any) -> int | None | str:
    """The score, None when not administered, or a string saying what is wrong."""
    if value is None or (isinstance(value, str) and value.strip().lower() in _MISSING_TEXT):
        return None
    if isinstance(value, bool):  # JSON true/false is not a score
        return f"item_score {json.dumps(value)} is not an integer"
    if isinstance(value, (int, float)):
        number = value
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            return f"item_score {str(value)!r} is not an integer"
    if not float(number).is_integer():
        return f"item_score {value!r} is not an integer"
    if number < 0:
        return f"item_score {value!r} is negative (scores are 0..K)"
    return int(number)


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ExportError(f"{path}:1: empty file (expected a header row: session_id,scenario_id,item_score,language)")
    names = [h.strip().lower() for h in header]
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            raise ExportError(f"{path}:{reader.line_num}: {len(row)} values for {len(names)} columns")
        yield reader.line_num, dict(zip(names, row))


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExportError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ExportError(f"{path}:{number}: expected a JSON object per line")
        yield number, {str(k).strip().lower(): v for k, v in row.items()}


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        return True
    if path.suffix.lower() in {".csv", ".tsv"}:
        return False
    return text.lstrip().startswith("{")


def read_database(path: Path) -> ResponseTable:
    """Item scores straight from a NUM+ database (its `results` table), leaving out TEST- sessions
    (author previews and headless checks). Read-only: safe while the game runs."""
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = db.execute(
                "SELECT r.session, r.scenario, r.item_score, s.locale FROM results r "
                "JOIN sessions s ON s.id = r.session WHERE s.participant NOT LIKE 'TEST-%' "
                "ORDER BY s.started_utc, r.session, r.scenario").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ExportError(f"{path}: cannot read the NUM+ database ({exc})") from None
    if not found:
        raise ExportError(f"{path}: no item scores (no participant's scored scenario in this database)")
    return from_rows([(session, scenario, score, locale or UNKNOWN_LANGUAGE)
                      for session, scenario, score, locale in found])


def read_export(path: Path | str) -> ResponseTable:
    """Read an export (CSV or JSON Lines) or a NUM+ database; raise ExportError with file:line on the
    first bad row."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            if handle.read(16) == b"SQLite format 3\x00":
                return read_database(path)
    except OSError:
        pass  # said below, with the reason
    try:
        text = path.read_text(encoding="utf-8-sig")  # utf-8-sig: spreadsheets write a byte-order mark
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ExportError(f"{path}: is a folder, not an export file") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise ExportError(f"{path}:{line}: not UTF-8 text") from None
    rows: list[tuple[str, str, int | None, str]] = []
    seen: dict[tuple[str, str], tuple[int | None, int]] = {}
    languages: dict[str, tuple[str, int]] = {}
    jsonl = _is_jsonl(path, text)
    for number, row in (_jsonl_rows if jsonl else _csv_rows)(path, text):
        where = f"{path}:{number}"
        if "scenario_id" not in row and "scenario" in row:
            row["scenario_id"] = row["scenario"]
        for column in ("session_id", "scenario_id", "item_score"):
            if column not in row:
                kind = "field" if jsonl else "column"
                line = number if jsonl else 1
                raise ExportError(f"{path}:{line}: missing {kind} {column}"
                                  + ("" if jsonl else f" (header has {', '.join(row) or 'nothing'})"))
        session = "" if row["session_id"] is None else str(row["session_id"]).strip()
        scenario = "" if row["scenario_id"] is None else str(row["scenario_id"]).strip()
        if not session:
            raise ExportError(f"{where}: empty session_id")
        if not scenario:
            raise ExportError(f"{where}: empty scenario_id")
        score = _score(row["item_score"])
        if isinstance(score, str):
            raise ExportError(f"{where}: {score}")
        raw_language = row.get("language")
        language = str(raw_language).strip() if raw_language not in (None, "") else UNKNOWN_LANGUAGE
        language = language or UNKNOWN_LANGUAGE
        if language != UNKNOWN_LANGUAGE:
            first = languages.setdefault(session, (language, number))
            if first[0] != language:
                raise ExportError(f"{where}: session {session} is in {language} here but in {first[0]} on line "
                                  f"{first[1]} (one language per session)")
        key = (session, scenario)
        if key in seen:
            before, line = seen[key]
            if before != score:
                shown = lambda s: "not administered" if s is None else str(s)
                raise ExportError(f"{where}: session {session} has {scenario} again with a different score "
                                  f"({shown(score)} here, {shown(before)} on line {line})")
            continue
        seen[key] = (score, number)
        rows.append((session, scenario, score, language))
    if not rows:
        raise ExportError(f"{path}: no item scores (the export has no rows)")
    return from_rows(rows)
