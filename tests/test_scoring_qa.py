"""Report matching and report quality, on hand-made events: good reports and bad ones."""

from __future__ import annotations

from scoring.qa import qa_observables, report_quality

SEEDED = [{"id": "gap", "kind": "collision_gap"}, {"id": "typo", "kind": "text_typo"},
          {"id": "crash", "kind": "crash_dialog"}]


def triggered(bug: str, kind: str, level: str | None, x: int | None, tick: int = 100) -> dict:
    return {"type": "bug_triggered", "payload": {"bug": bug, "kind": kind, "level": level, "x": x, "tick": tick}}


def sent(report: str, **fields) -> dict:
    base = {"report": report, "valid": True, "title": "", "category": "", "severity": "", "area": "",
            "steps": [], "expected": "", "actual": "", "captures": []}
    return {"type": "report_submitted", "payload": {**base, **fields}}


GOOD_GAP = dict(title="Le personnage traverse le sol du niveau Forêt près du tronc", category="gameplay",
                severity="major", area="forest", steps=["Lancer Forêt", "Aller au tronc", "Marcher dessus"],
                expected="Il reste sur le sol", actual="Il tombe dans le vide",
                captures=[{"id": "c1", "level": "forest", "x": 400, "y": 300, "tick": 120}])


def test_a_good_report_with_a_screenshot_where_the_bug_showed_is_matched_and_scores_well():
    events = [triggered("gap", "collision_gap", "forest", 384), sent("r1", **GOOD_GAP)]
    result = qa_observables(SEEDED, events)
    gap = result["seeded_bugs"][0]
    assert (gap["met"], gap["reported"], gap["report"]) == (True, True, "r1")
    assert gap["report_quality"] == {"specific_title": 1, "two_steps_or_more": 1, "expected_differs_from_actual": 1,
                                     "plausible_severity": 1, "screenshot_attached": 1}
    assert result["seeded_bugs"][1]["met"] is False and result["false_reports"] == []


def test_a_vague_report_is_matched_by_area_and_category_but_scores_badly():
    events = [triggered("gap", "collision_gap", "forest", 384),
              sent("r1", title="Bug", category="gameplay", severity="cosmetic", area="forest", steps=["jouer"],
                   expected="ça marche", actual="ça marche")]
    gap = qa_observables(SEEDED, events)["seeded_bugs"][0]
    assert gap["reported"] is True
    assert gap["report_quality"] == {"specific_title": 0, "two_steps_or_more": 0, "expected_differs_from_actual": 0,
                                     "plausible_severity": 0, "screenshot_attached": 0}


def test_the_wrong_category_or_a_bug_never_met_makes_a_false_report():
    events = [triggered("gap", "collision_gap", "forest", 384),
              sent("r1", **{**GOOD_GAP, "category": "audio"}),
              sent("r2", title="Le jeu plante quand on appuie sur bas bas espace", category="crash",
                   severity="blocker", area="forest", steps=["bas", "bas", "espace"], actual="plante")]
    result = qa_observables(SEEDED, events)
    assert result["false_reports"] == ["r1", "r2"]  # the crash was never met in this run
    assert not any(bug["reported"] for bug in result["seeded_bugs"])


def test_a_second_report_of_the_same_bug_is_a_duplicate_and_the_last_version_counts():
    events = [triggered("gap", "collision_gap", "forest", 384), triggered("typo", "text_typo", None, None),
              sent("r1", **{**GOOD_GAP, "severity": "cosmetic"}), sent("r1", **GOOD_GAP),
              sent("r2", **GOOD_GAP),
              sent("r3", title="Le mot Pointage est écrit Pointgae en haut", category="text", severity="minor",
                   steps=["Commencer", "Regarder en haut"], expected="Pointage", actual="Pointgae")]
    result = qa_observables(SEEDED, events)
    assert result["duplicate_reports"] == ["r2"]
    by_id = {bug["id"]: bug for bug in result["seeded_bugs"]}
    assert by_id["gap"]["report_quality"]["plausible_severity"] == 1  # the edited version
    assert by_id["typo"]["reported"] is True and by_id["typo"]["report"] == "r3"


def test_a_screenshot_far_from_where_the_bug_showed_does_not_point_at_it():
    events = [triggered("gap", "collision_gap", "forest", 384),
              sent("r1", **{**GOOD_GAP, "area": "river",
                            "captures": [{"id": "c1", "level": "forest", "x": 2000, "y": 0, "tick": 1}]})]
    assert qa_observables(SEEDED, events)["false_reports"] == ["r1"]


def test_quality_of_a_report_without_a_kind_has_no_plausible_severity():
    assert report_quality({"title": "x", "severity": "major"}, None)["plausible_severity"] == 0


def test_exploration_is_the_furthest_point_reached_in_each_level():
    from scoring.qa import explored

    events = [{"type": "position", "payload": {"level": "forest", "x": 960}},
              {"type": "player_died", "payload": {"level": "forest", "x": 1536}},
              {"type": "level_completed", "payload": {"level": "river"}}]
    assert explored(events, {"forest": 3072, "river": 3520, "mountain": 3840}) == {
        "forest": 0.5, "river": 1.0, "mountain": 0.0}
