"""The competence framework is data: another one dropped in the folder is chosen by its id."""

from __future__ import annotations

import subprocess
import sys

import pytest

import scoring.framework as framework_module
from game.paths import ROOT, SCENARIOS
from game.scenario.source import read_source
from game.sessions import scenario_library
from scoring.framework import FrameworkError, available_frameworks, load_framework
from scoring.measurement import load_bank, measure

LIBRARY = scenario_library([SCENARIOS])


def test_digcomp_is_the_default_with_5_areas_21_competences_and_8_levels_in_4_groups():
    digcomp = load_framework()
    assert digcomp.id == "digcomp-2.2" and "digcomp-2.2" in available_frameworks()
    assert [a.number for a in digcomp.areas] == [1, 2, 3, 4, 5]
    assert sum(len(a.competences) for a in digcomp.areas) == 21
    assert [g.levels for g in digcomp.groups] == [[1, 2], [3, 4], [5, 6], [7, 8]]
    for text in [digcomp.title, *(a.label for a in digcomp.areas), *(l.description for l in digcomp.levels)]:
        assert text["fr-CA"].strip() and text["en-CA"].strip() and text["fr-CA"] != text["en-CA"]
    assert digcomp.area_of("4.2") == "safety" and digcomp.area_of("9.9") is None


@pytest.fixture
def frameworks(tmp_path, monkeypatch):
    """A frameworks folder holding DigComp and an in-house framework of two areas."""
    data = read_source(framework_module.FRAMEWORKS / "digcomp-2.2.yaml").data
    (tmp_path / "digcomp-2.2.yaml").write_text((framework_module.FRAMEWORKS / "digcomp-2.2.yaml").read_text("utf-8"),
                                               encoding="utf-8")
    text = {"fr-CA": "Texte", "en-CA": "Text"}
    in_house = {**data, "id": "maison-1", "version": "1", "areas": [
        {"id": "courriel", "number": 1, "label": {"fr-CA": "Courriel", "en-CA": "Email"}, "description": text,
         "competences": [{"id": "C1", "label": text, "description": text, "digcomp": ["2.1", "2.5"]}]},
        {"id": "web-securitaire", "number": 2, "label": {"fr-CA": "Web sûr", "en-CA": "Safe web"},
         "description": text,
         "competences": [{"id": "W1", "label": text, "description": text, "digcomp": ["4.1", "4.2", "1.1", "1.2"]}],
         "cut_scores": [-1.2, -0.8, -0.4, 0.0, 0.4, 0.8, 1.2]},
    ]}
    import json

    (tmp_path / "maison-1.yaml").write_text(json.dumps(in_house, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(framework_module, "FRAMEWORKS", tmp_path)
    load_framework.cache_clear()
    yield tmp_path
    load_framework.cache_clear()


def test_another_framework_dropped_in_is_chosen_by_id(frameworks):
    assert available_frameworks() == ["digcomp-2.2", "maison-1"]
    bank = load_bank(LIBRARY, "maison-1")
    # Scenarios are placed by the DigComp codes each in-house competence covers; others are left out.
    assert bank.items["mail.confirm-meeting"].area == "courriel"
    assert bank.items["mail.spot-phishing"].area == "web-securitaire"
    assert bank.items["web.official-hours"].area == "web-securitaire"
    assert "qa.subtle-bugs" not in bank.items  # problem solving: not in this framework
    result = measure({"mail.confirm-meeting": 3, "web.official-hours": 0}, bank)
    assert result["framework"] == "maison-1" and set(result["areas"]) == {"courriel", "web-securitaire"}
    assert result["areas"]["courriel"]["status"] == result["areas"]["web-securitaire"]["status"] == "measured"


def test_the_framework_setting_is_checked(frameworks):
    from game.settings import Settings

    assert Settings(framework="maison-1").framework == "maison-1"
    with pytest.raises(ValueError, match="unknown competence framework 'nope'"):
        Settings(framework="nope")
    with pytest.raises(FrameworkError, match="available: digcomp-2.2, maison-1"):
        load_framework("nope")


def test_a_framework_with_a_broken_cut_score_table_is_refused_with_its_file(frameworks):
    path = frameworks / "maison-1.yaml"
    path.write_text(path.read_text("utf-8").replace("[-1.2, -0.8, -0.4, 0.0, 0.4, 0.8, 1.2]",
                                                    "[-1.2, -0.8, -0.9, 0.0, 0.4, 0.8, 1.2]"), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"maison-1.yaml: .*cut scores must increase \(-0.8 is followed by -0.9\)"):
        load_framework("maison-1")


def test_the_kiosk_measures_and_chooses_without_numpy():
    code = ("import sys; import game.sessions, scoring.measurement, scoring.adaptive, game.ui.scenes.end; "
            "assert 'numpy' not in sys.modules and 'scipy' not in sys.modules, 'numpy imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
