"""QA observables: which seeded bugs a participant met, which they reported, and how well.

A report is matched to a seeded bug by what it carries that a machine can check: the game state of
its screenshots (level and position where the bug showed), its area and its category; never by
guessing its free text. Quality is judged on a report's form: a specific title, steps, expected
and actual results that differ, a plausible severity, a screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from game.scenario.matching import fold

# The category a report of each kind of bug should carry, and the severities that are plausible for it.
EXPECTED_CATEGORY = {
    "collision_gap": "gameplay", "wrong_score": "gameplay", "text_typo": "text", "missing_sound": "audio",
    "missing_texture": "visual", "soft_lock": "gameplay", "crash_dialog": "crash", "frame_drop": "performance",
    "respawning_item": "gameplay",
}
PLAUSIBLE_SEVERITY = {
    "collision_gap": {"blocker", "major"}, "wrong_score": {"major", "minor"}, "text_typo": {"minor", "cosmetic"},
    "missing_sound": {"minor", "major"}, "missing_texture": {"minor", "cosmetic", "major"},
    "soft_lock": {"blocker", "major"}, "crash_dialog": {"blocker", "major"}, "frame_drop": {"major", "minor"},
    "respawning_item": {"minor", "major"},
}
NEAR_PX = 192  # a screenshot this close (horizontally, same level) to where a bug showed is of that bug
VAGUE_TITLES = {"bug", "bogue", "probleme", "problem", "erreur", "error", "ca marche pas", "it doesn't work",
                "jeu", "game", "test"}


@dataclass(frozen=True)
class Met:
    bug: str
    kind: str
    level: str | None
    x: int | None
    tick: int


def met_bugs(events: Iterable[dict[str, Any]]) -> dict[str, Met]:
    """The first time each seeded bug showed itself to the participant."""
    found: dict[str, Met] = {}
    for event in events:
        if event.get("type") == "bug_triggered":
            p = event["payload"]
            found.setdefault(p["bug"], Met(p["bug"], p["kind"], p.get("level"), p.get("x"), p.get("tick", 0)))
    return found


def final_reports(events: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each report's last accepted version."""
    reports: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.get("type") == "report_submitted" and event["payload"].get("valid"):
            reports[event["payload"]["report"]] = event["payload"]
    return reports


def _closeness(report: dict[str, Any], met: Met) -> int:
    """How well a report points at a bug that was met: 2 by a screenshot there, 1 by its area, 0 not at all."""
    if report.get("category") != EXPECTED_CATEGORY[met.kind]:
        return 0
    for capture in report.get("captures", []):
        same_level = met.level is None or capture.get("level") == met.level
        if same_level and (met.x is None or abs(capture.get("x", 0) - met.x) <= NEAR_PX):
            return 2
    if met.level is None or report.get("area") == met.level:
        return 1
    return 0


def report_quality(report: dict[str, Any], kind: str | None) -> dict[str, int]:
    title = fold(report.get("title", "")).strip(" .!?")
    expected, actual = fold(report.get("expected", "")).strip(), fold(report.get("actual", "")).strip()
    return {
        "specific_title": int(len(title.split()) >= 4 and len(title) >= 20 and title not in VAGUE_TITLES),
        "two_steps_or_more": int(len(report.get("steps", [])) >= 2),
        "expected_differs_from_actual": int(bool(expected) and bool(actual) and expected != actual),
        "plausible_severity": int(kind is not None and report.get("severity") in PLAUSIBLE_SEVERITY[kind]),
        "screenshot_attached": int(bool(report.get("captures"))),
    }


def explored(events: Iterable[dict[str, Any]], level_widths: dict[str, int]) -> dict[str, float]:
    """How far into each level the participant got: the furthest x the game reported, over the level's width."""
    furthest: dict[str, int] = {}
    for event in events:
        payload = event.get("payload") or {}
        level, x = payload.get("level"), payload.get("x")
        if level in level_widths and isinstance(x, (int, float)):
            furthest[level] = max(furthest.get(level, 0), int(x))
        if event.get("type") == "level_completed" and payload.get("level") in level_widths:
            furthest[payload["level"]] = level_widths[payload["level"]]
    return {level: round(min(1.0, furthest.get(level, 0) / width), 2) for level, width in level_widths.items()}


def qa_observables(seeded: list[dict[str, Any]], events: list[dict[str, Any]],
                   level_widths: dict[str, int] | None = None) -> dict[str, Any]:
    """{"seeded_bugs": [{id, kind, met, reported, report_quality}], "false_reports": [...],
    "duplicate_reports": [...], "explored": {level: 0..1}}"""
    met = met_bugs(events)
    reports = final_reports(events)
    matched: dict[str, str] = {}  # bug id -> report id (the first, best report)
    false_reports, duplicates = [], []
    for report_id in sorted(reports, key=lambda r: int(r.lstrip("r") or 0)):
        report = reports[report_id]
        ranked = sorted(((_closeness(report, m), bug) for bug, m in met.items()), reverse=True)
        best_score, best_bug = ranked[0] if ranked else (0, None)
        if best_score == 0:
            false_reports.append(report_id)
        elif best_bug in matched:
            duplicates.append(report_id)
        else:
            matched[best_bug] = report_id
    out = []
    for bug in seeded:
        report_id = matched.get(bug["id"])
        out.append({
            "id": bug["id"], "kind": bug["kind"], "met": bug["id"] in met, "reported": report_id is not None,
            "report": report_id,
            "report_quality": report_quality(reports[report_id], bug["kind"]) if report_id else None,
        })
    return {"seeded_bugs": out, "false_reports": false_reports, "duplicate_reports": duplicates,
            "explored": explored(events, level_widths or {})}
