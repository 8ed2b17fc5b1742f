"""Participant results: the competence profile, the results screen that draws it, and the PDF report."""

from __future__ import annotations

import shutil
import subprocess

import pygame
import pytest

from game.cli import main
from game.paths import SCENARIOS, database_path
from game.report import write_codes_pdf
from game.sessions import scenario_library
from game.settings import Settings, save_settings
from game.store import EventStore
from game.ui.screenshots import play_scenario
from game.ui.scenes.end import SummaryScene
from game.ui.scenes.facilitator import CodesScene
from game.ui.scenes.title import TitleScene
from game.ui.theme import chart_colours
from scoring.adaptive import AssessmentPlan
from scoring.framework import load_framework
from scoring.measurement import load_bank, measure
from scoring.profile import CREDIBLE, competence_profile, likely_range
from tests.test_bundle import PROGRAM
from tests.test_bundle import run as run_program
from tests.ui_support import Ui, layout_problems

LIBRARY = scenario_library([SCENARIOS])
FRAMEWORK = load_framework()
# Three areas: safety done well (its walkthrough), communication and problem solving stopped at once.
SESSION = [("mail/spot-phishing.yaml", "walkthrough"), ("mail/confirm-meeting.yaml", "stop"),
           ("qa/two-obvious-bugs.yaml", "stop")]
MEASURED = ["communication-collaboration", "safety", "problem-solving"]


def words(text: str) -> str:
    """Text with every run of white space (line breaks, no-break spaces) as one space."""
    return " ".join(text.split())


def area_report(groups: dict[str, float], levels: list[float], *, n: int = 2) -> dict:
    """A measured area as `Estimates.report` gives it, from group and level probabilities."""
    level = max(groups, key=lambda g: groups[g])
    return {"status": "measured", "theta": 0.0, "se": 0.5, "level": level, "level_probabilities": groups,
            "between_levels": groups[level] < 0.70, "proficiency_level": 1 + levels.index(max(levels)),
            "proficiency_probabilities": {str(i + 1): p for i, p in enumerate(levels)}, "n_scenarios": n}


NOT_MEASURED = {"status": "not_measured", "theta": None, "se": None, "level": None, "level_probabilities": None,
                "between_levels": None, "proficiency_level": None, "proficiency_probabilities": None,
                "n_scenarios": 0}


def measurement(**areas: dict) -> dict:
    reports = {a.id: areas.get(a.id.replace("-", "_"), NOT_MEASURED) for a in FRAMEWORK.areas}
    return {"overall": NOT_MEASURED, "areas": reports, "framework": FRAMEWORK.id,
            "parameters_version": "provisional-abc"}


SURE_INTERMEDIATE = area_report({"foundation": 0.05, "intermediate": 0.85, "advanced": 0.1, "highly-specialised": 0.0},
                                [0.01, 0.04, 0.35, 0.5, 0.08, 0.02, 0.0, 0.0])
BETWEEN = area_report({"foundation": 0.45, "intermediate": 0.4, "advanced": 0.15, "highly-specialised": 0.0},
                      [0.2, 0.25, 0.22, 0.18, 0.1, 0.05, 0.0, 0.0])


# --- the profile: pure logic -------------------------------------------------------------------------------------
def test_the_likely_range_is_the_narrowest_run_of_levels_holding_80_percent():
    assert likely_range([0.0, 0.05, 0.4, 0.45, 0.1, 0.0, 0.0, 0.0]) == (3, 4, pytest.approx(0.85))
    assert likely_range([0.9, 0.1, 0, 0, 0, 0, 0, 0]) == (1, 1, pytest.approx(0.9))
    # Skewed at the bottom of the scale: the run grows upwards from the most likely level.
    low, high, mass = likely_range([0.45, 0.2, 0.12, 0.1, 0.08, 0.05, 0.0, 0.0])
    assert (low, high) == (1, 4) and mass >= CREDIBLE
    # Two runs as narrow: the one holding more; then the lower one.
    assert likely_range([0.0, 0.3, 0.4, 0.3, 0.0, 0, 0, 0])[:2] == (2, 4)
    assert likely_range([0.1, 0.1, 0.6, 0.1, 0.1, 0, 0, 0])[:2] == (1, 3)
    # It always holds the most likely level, even when a run beside it would be as narrow.
    assert likely_range([0.42, 0.0, 0.0, 0.0, 0.0, 0.0, 0.38, 0.2], most_likely=1) == (1, 7, pytest.approx(0.8))


def test_each_area_says_its_level_group_how_sure_and_its_likely_levels_in_french():
    profile = competence_profile(measurement(communication_collaboration=SURE_INTERMEDIATE), FRAMEWORK, "fr-CA")
    [area] = profile.areas
    assert area.id == "communication-collaboration" and area.label == "Communication et collaboration"
    assert area.group == "intermediate" and area.group_label == "Intermédiaire (niveaux 3 et 4)"
    assert area.percent == 85 and not area.between_levels and area.level == 4
    assert (area.low, area.high) == (3, 4)
    assert words(area.level_text) == "Intermédiaire (niveaux 3 et 4) — sûr à 85 %"
    assert words(area.range_text) == "Niveaux probables : 3 à 4"
    assert words(area.sentence) == ("Communication et collaboration : Intermédiaire (niveaux 3 et 4). "
                                    "Nous en sommes sûrs à 85 %. Niveaux probables : 3 à 4.")
    assert area.next_step == FRAMEWORK.area("communication-collaboration").next_steps["intermediate"]["fr-CA"]
    marked = [(c.number, c.in_range, c.most_likely) for c in area.cells]
    assert marked == [(1, False, False), (2, False, False), (3, True, False), (4, True, True), (5, False, False),
                      (6, False, False), (7, False, False), (8, False, False)]
    assert [c.number for c in area.cells if c.starts_group] == [1, 3, 5, 7]


def test_between_two_levels_names_both_groups_and_asks_for_more_tasks_in_english():
    profile = competence_profile(measurement(safety=BETWEEN), FRAMEWORK, "en-CA")
    area = profile.area("safety")
    assert area.between_levels and area.percent == 45
    assert area.level_text == ("Between Foundation (levels 1 and 2) and Intermediate (levels 3 and 4): "
                               "more tasks will confirm it")
    assert area.sentence.startswith("Safety: between Foundation (levels 1 and 2) and Intermediate")
    assert words(area.range_text) == "Likely levels: 1 to 4"
    assert area.next_step == "Create a strong password for one of your accounts. Do it with someone who can help you."


def test_strengths_are_the_areas_at_the_highest_level_and_the_rest_is_listed_as_not_measured():
    found = measurement(communication_collaboration=SURE_INTERMEDIATE, safety=BETWEEN)
    french, english = (competence_profile(found, FRAMEWORK, loc) for loc in ("fr-CA", "en-CA"))
    assert french.strengths == ("communication-collaboration",)
    assert words(french.strengths_text) == "Votre point fort : Communication et collaboration."
    assert english.strengths_text == "Your strength: Communication and collaboration."
    assert english.not_measured == ("Information and data literacy", "Digital content creation", "Problem solving")
    assert english.not_measured_text == ("Not measured this time: Information and data literacy, "
                                         "Digital content creation, Problem solving.")
    assert [g.label for g in french.groups] == ["Base", "Intermédiaire", "Avancé", "Hautement spécialisé"]
    assert english.nothing_measured_text is None


def test_several_strengths_and_areas_that_are_all_alike():
    two = measurement(communication_collaboration=SURE_INTERMEDIATE, safety=SURE_INTERMEDIATE, problem_solving=BETWEEN)
    profile = competence_profile(two, FRAMEWORK, "en-CA")
    assert profile.strengths == ("communication-collaboration", "safety")
    assert profile.strengths_text == "Your strengths: Communication and collaboration, Safety."
    alike = competence_profile(measurement(safety=BETWEEN, problem_solving=BETWEEN), FRAMEWORK, "fr-CA")
    assert alike.strengths_text == "Vos résultats sont proches dans tous les domaines mesurés."


def test_nothing_measured_says_so():
    for locale, text in (("fr-CA", "Cette séance n'a rien mesuré"), ("en-CA", "This session measured nothing")):
        profile = competence_profile(measurement(), FRAMEWORK, locale)
        assert not profile.measured and profile.strengths_text is None and profile.not_measured_text is None
        assert profile.nothing_measured_text.startswith(text)


def test_a_real_measurement_gives_a_consistent_profile():
    bank = load_bank(LIBRARY)
    scores = {"mail.spot-phishing": 3, "web.privacy-settings": 3, "mail.confirm-meeting": 1, "qa.subtle-bugs": 0}
    found = measure(scores, bank)
    profile = competence_profile(found, bank.framework, "fr-CA")
    assert [a.id for a in profile.areas] == MEASURED
    for area in profile.areas:
        data = found["areas"][area.id]
        assert area.low <= data["proficiency_level"] == area.level <= area.high
        held = sum(data["proficiency_probabilities"][str(n)] for n in range(area.low, area.high + 1))
        assert held == pytest.approx(area.range_probability) and held >= CREDIBLE - 1e-6
        assert area.percent == int(data["level_probabilities"][data["level"]] * 100 + 1e-9)
    assert profile.area("safety").level > profile.area("problem-solving").level
    assert profile.strengths == ("safety",)


# --- the results screen --------------------------------------------------------------------------------------------
def play_to_results(ui: Ui) -> str:
    plays = [(next(s for s in LIBRARY.values() if s.path == SCENARIOS / path), how) for path, how in SESSION]
    ui.app.settings.assessment = AssessmentPlan(mode="fixed", scenarios=[s.id for s, _ in plays], min_scenarios=1)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type("EPN-12")
    ui.click("code.continue")
    ui.click("consent.no")
    for loaded, how in plays:
        play_scenario(ui.driver, loaded, how, ui.app.locale)
    assert isinstance(ui.app.scene, SummaryScene)
    return ui.app.session.engine.session_id


@pytest.mark.parametrize("locale,scale", [("fr-CA", 100), ("en-CA", 100), ("fr-CA", 200), ("en-CA", 200)])
def test_the_results_screen_draws_one_bar_per_area_that_readers_and_the_keyboard_reach(tmp_path, locale, scale):
    ui = Ui(tmp_path, locale=locale, scale=scale, library=LIBRARY)
    play_to_results(ui)
    profile = ui.app.scene.profile
    bars = [e for e in ui.tree.all() if e.kind == "chart_bar"]
    assert [e.id for e in bars] == [f"summary.area.{a}" for a in MEASURED]
    for element, area in zip(bars, profile.areas):
        assert element.focusable and element.speakable == element.text == area.sentence
        assert element.text.startswith(area.label) and area.group_label in element.text
        assert ("%" in element.text) != area.between_levels  # how sure, or that more tasks are needed
        assert area.range_text in element.text
        assert area.level_text in ui.text(f"summary.level.{area.id}")
        assert ui.text(f"summary.next_step.{area.id}").endswith(area.next_step)
    safety = profile.area("safety")
    assert safety.group in ("advanced", "highly-specialised") and profile.strengths == ("safety",)
    assert ui.text("summary.strengths") == profile.strengths_text
    assert FRAMEWORK.area("digital-content-creation").label[locale] in ui.text("summary.not_measured")
    # The results come first: the keyboard starts on the first bar and goes through them in order.
    assert ui.app.focus.focused_id == bars[0].id
    ui.key("tab")
    assert ui.app.focus.focused_id == bars[1].id
    # Nothing is cut off, from the top of the page to its end.
    assert layout_problems(ui.app) == []
    for _ in range(30):
        if not ui.app.scene.area.scroll(ui.app.metrics.line() * 4):
            break
        assert layout_problems(ui.app) == []
    assert ui.tree.get("summary.finish").visible
    ui.click("summary.finish")
    assert isinstance(ui.app.scene, TitleScene)
    ui.close()


def test_the_bars_are_drawn_with_the_most_likely_level_marked(tmp_path):
    ui = Ui(tmp_path, locale="fr-CA", library=LIBRARY)
    play_to_results(ui)
    ui.app.draw()
    look = chart_colours(ui.app.settings.theme)
    for element, area in ui.app.scene.bars:
        rect = element.rect
        cell_w = rect.w / len(area.cells)
        for cell in area.cells:
            spot = (round(rect.x + (cell.number - 1) * cell_w + cell_w * 0.15), rect.centery)  # beside the number
            colour = tuple(ui.app.screen.get_at(spot))[:3]
            if cell.most_likely:
                assert colour == pygame.Color(look["marker_bg"])[:3], (area.id, cell.number)
            elif cell.in_range:
                assert colour == pygame.Color(look["range_bg"])[:3], (area.id, cell.number)
            else:
                assert colour in (pygame.Color(look["band_a"])[:3], pygame.Color(look["band_b"])[:3])
    ui.close()


# --- the PDF report ------------------------------------------------------------------------------------------------
def pdf_text(path) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: `make test` installs it (Debian package poppler-utils)"
    return words(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def stored_session(tmp_path):
    """A session played to its end in the real UI, in the database `numplus` reads."""
    ui = Ui(tmp_path, locale="fr-CA", library=LIBRARY)
    session_id = play_to_results(ui)
    ui.click("summary.finish")
    ui.close()
    shutil.copy(tmp_path / "ui.sqlite3", database_path())
    save_settings(Settings(org_name="Carrefour jeunesse-emploi de l'Île"))
    return session_id


def test_numplus_report_writes_the_profile_as_a_pdf_in_the_sessions_language(stored_session, tmp_path, capsys):
    out = tmp_path / "profil.pdf"
    assert main(["report", stored_session, "--out", str(out)]) == 0
    assert f"session {stored_session}: 3 area(s) measured" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    assert 1 <= pdf_pages(out) <= 2
    text = pdf_text(out)
    for expected in ("Profil de compétences numériques", "Organisme : Carrefour jeunesse-emploi de l'Île",
                     "Code du participant : EPN-12", f"Référence de la séance : {stored_session}",
                     "Communication et collaboration", "Sécurité", "Résolution de problèmes",
                     "Base (niveaux 1 et 2)", "Niveaux probables", "Votre point fort : Sécurité.",
                     "Pour progresser", "Pas mesuré cette fois : Maîtrise de l'information et des données",
                     "Méthode d'évaluation", "Les tâches ont été fixées à l'avance.",
                     "théorie de la réponse à l'item", "Paramètres provisoires", "provisional-",
                     "Repérer un faux courriel", "page 1/"):
        assert expected in text, expected
    profile = competence_profile(measure({"mail.spot-phishing": 3, "mail.confirm-meeting": 0,
                                          "qa.two-obvious-bugs": 0}, load_bank(LIBRARY)), FRAMEWORK, "fr-CA")
    for area in profile.areas:
        assert words(area.level_text) in text and words(area.next_step) in text


def test_the_report_in_english_and_by_the_first_characters_of_the_session(stored_session, tmp_path):
    out = tmp_path / "profile.pdf"
    assert main(["report", stored_session[:8], "--out", str(out), "--lang", "en-CA"]) == 0
    text = pdf_text(out)
    for expected in ("Digital competence profile", "Organization: Carrefour jeunesse-emploi de l'Île",
                     f"Session reference: {stored_session}", "Communication and collaboration", "Safety",
                     "Problem solving", "Foundation (levels 1 and 2)", "Likely levels", "Your strength: Safety.",
                     "Assessment method", "The tasks were set in advance.", "Provisional parameters"):
        assert expected in text, expected


def test_the_report_draws_the_chart(stored_session, tmp_path):
    out = tmp_path / "profil.pdf"
    assert main(["report", stored_session, "--out", str(out)]) == 0
    assert shutil.which("pdftoppm"), "pdftoppm is missing: `make test` installs it (Debian package poppler-utils)"
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "page")], check=True)
    page = pygame.image.load(str(next(tmp_path.glob("page*.png"))))
    marker = pygame.Color(chart_colours("default")["marker_bg"])
    colours = [tuple(page.get_at((x, y)))[:3] for x in range(page.get_width()) for y in range(page.get_height())]
    near = [c for c in colours if all(abs(a - b) <= 8 for a, b in zip(c, marker[:3]))]
    assert len(near) > 3 * 20  # three most likely levels, dark boxes of some 20 pixels or more each


def test_a_session_that_measured_nothing_still_gets_a_report_that_says_so(tmp_path, capsys):
    ui = Ui(tmp_path, locale="en-CA", library=LIBRARY)
    ui.app.settings.assessment = AssessmentPlan(mode="fixed", scenarios=["mail.confirm-meeting"], min_scenarios=1)
    ui.app.show(TitleScene(ui.app))
    ui.driver.settle()
    ui.click("title.start")
    ui.type("EPN-99")
    ui.click("code.continue")
    ui.click("consent.no")  # the session starts; the participant leaves before the first task ends
    session_id = ui.app.session.engine.session_id
    ui.close()
    shutil.copy(tmp_path / "ui.sqlite3", database_path())
    out = tmp_path / "empty.pdf"
    assert main(["report", session_id, "--out", str(out)]) == 0
    assert "nothing measured" in capsys.readouterr().out
    text = pdf_text(out)
    assert "This session measured nothing" in text and "Session not finished" in text
    assert "Organization" not in text  # no organisation set: no line for it


def test_report_errors_are_one_line(stored_session, tmp_path, capsys):
    assert main(["report", "no-such-session", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "numplus: error: unknown session 'no-such-session' (not in this computer's database)"
    assert main(["report", stored_session, "--out", str(tmp_path / "missing" / "x.pdf")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_facilitator_saves_a_stored_sessions_profile_as_a_pdf(stored_session, tmp_path):
    ui = Ui(tmp_path / "kiosk", locale="en-CA", library=LIBRARY)
    ui.store.close()
    ui.app.store = ui.store = EventStore(database_path())  # the kiosk's own database, where the session is
    back = []
    ui.app.show(SummaryScene(ui.app, stored_session, back=lambda: back.append(True)))
    assert [e.id for e in ui.tree.all() if e.kind == "chart_bar"] == [f"summary.area.{a}" for a in MEASURED]
    assert layout_problems(ui.app) == []
    ui.click("summary.pdf")
    saved = database_path().parent / f"profile-EPN-12-{stored_session[:8]}.pdf"
    assert str(saved) in ui.text("dialog.notice.text")
    assert "Digital competence profile" in pdf_text(saved)
    ui.click("dialog.notice.ok")
    ui.click("summary.finish")
    assert back == [True]
    ui.close()


def test_the_installed_program_writes_the_report(stored_session, tmp_path):
    """The bundle carries fpdf2 and everything it imports (it needs unittest.mock), and the fonts."""
    assert PROGRAM.is_file(), f"no built program at {PROGRAM}: build it with `make dist` (`make test` does it first)"
    out = tmp_path / "bundle.pdf"
    done = run_program(PROGRAM, "report", stored_session, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Référence de la séance" in pdf_text(out)


# --- participant codes -----------------------------------------------------------------------------------------------
def test_a_sheet_of_codes_has_one_slip_per_code_saying_what_it_is_in_both_languages(tmp_path):
    codes = [f"ACD-{n:04d}" for n in range(30)]
    out = write_codes_pdf(codes, tmp_path / "codes.pdf", "Carrefour jeunesse-emploi", "fr-CA")
    text = pdf_text(out)
    assert all(code in text for code in codes)
    assert text.count("Votre code de participant / Your participant code") == 30
    assert "Gardez ce code : il remplace votre nom." in text and "Keep this code: it stands in for your name." in text
    assert "Codes des participants" in text and "Carrefour jeunesse-emploi" in text
    assert pdf_pages(out) == 3  # 14 slips a page


def test_the_facilitator_prints_new_codes(tmp_path):
    ui = Ui(tmp_path, locale="en-CA")
    ui.app.settings.org_name = "EPN du Plateau"
    ui.app.show(CodesScene(ui.app))
    ui.click("codes.make.10")
    codes = [ui.text(f"codes.code.{i}") for i in range(10)]
    ui.click("codes.print")
    [sheet] = database_path().parent.glob("codes-*.pdf")
    assert str(sheet) in ui.text("dialog.notice.text")
    text = pdf_text(sheet)
    assert all(code in text for code in codes) and "EPN du Plateau" in text and "Participant codes" in text
    ui.close()
