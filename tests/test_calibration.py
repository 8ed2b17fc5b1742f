"""Item calibration (scoring.calibration) and `numplus calibrate`: parameter recovery from simulated data,
item fit, DIF between languages, marginal reliability, the parameters file and the command's errors.

Responses are simulated with scoring.measurement.models.ItemParameters (the kiosk's own, pure-Python
model), so recovery also checks that calibration and the kiosk share one parameterisation.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

np = pytest.importorskip("numpy", reason="needs the research extra: pip install -e '.[test,research]'")
pytest.importorskip("scipy", reason="needs the research extra: pip install -e '.[test,research]'")

from game.paths import ROOT
from scoring.calibration import calibrate, irt, read_export, write_parameters
from scoring.calibration.data import ExportError, ResponseTable
from scoring.calibration.dif import mantel_haenszel
from scoring.calibration.fit import item_fit
from scoring.measurement.models import ItemParameters
from scoring.measurement.parameters import load_parameters

N_PERSONS = 2000
LANGUAGES = ("fr-CA", "en-CA")


# --- simulation ----------------------------------------------------------------------------------------
def make_bank(rng: np.random.Generator, n_items: int = 20) -> dict[str, ItemParameters]:
    """Mostly GPCM 0..3, some GRM 0..3, some 2PL; a in [0.8, 2.0], thresholds within [-2, 2], spread
    enough that every score is observed in 2000 persons."""
    bank = {}
    for j in range(n_items):
        model = "2pl" if j % 5 == 0 else "grm" if j % 5 == 1 else "gpcm"
        a = float(rng.uniform(0.8, 2.0))
        if model == "2pl":
            thresholds = (float(rng.uniform(-1.5, 1.5)),)
        else:
            centre, spread = rng.uniform(-0.8, 0.8), rng.uniform(0.5, 1.0)
            thresholds = tuple(float(v) for v in centre + spread * np.array([-1.0, 0.0, 1.0])
                               + rng.uniform(-0.15, 0.15, 3))
        bank[f"item.{j:02d}"] = ItemParameters(model, a, thresholds)
    return bank


def simulate(bank: dict[str, ItemParameters], theta: np.ndarray, rng: np.random.Generator,
             shift: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Scores persons x items; `shift` makes an item harder by that many logits for some persons."""
    shift = shift or {}
    scores = np.empty((theta.size, len(bank)))
    for j, (item_id, params) in enumerate(bank.items()):
        offset = shift.get(item_id, np.zeros(theta.size))
        u = rng.random(theta.size)
        scores[:, j] = [params.sample(t - d, v) for t, d, v in zip(theta, offset, u)]
    return scores


def as_table(scores: np.ndarray, items: list[str], languages: np.ndarray | None = None) -> ResponseTable:
    n = scores.shape[0]
    if languages is None:
        languages = np.array([LANGUAGES[i % 2] for i in range(n)], dtype=object)
    return ResponseTable(tuple(f"S{i:05d}" for i in range(n)), tuple(items), scores, languages)


def rmse(values) -> float:
    return float(np.sqrt(np.mean(np.square(values))))


def errors(report, bank: dict[str, ItemParameters]) -> tuple[np.ndarray, np.ndarray]:
    a = [report.items[i].discrimination - p.discrimination for i, p in bank.items()]
    b = [e - t for i, p in bank.items() for e, t in zip(report.items[i].thresholds, p.thresholds)]
    return np.array(a), np.array(b)


@pytest.fixture(scope="module")
def full():
    """2000 examinees, theta ~ N(0, 1), every one answering all 20 items."""
    rng = np.random.default_rng(20261123)
    bank = make_bank(rng)
    theta = rng.standard_normal(N_PERSONS)
    scores = simulate(bank, theta, rng)
    report = calibrate(as_table(scores, list(bank)), {i: p.model for i, p in bank.items()}, date="2026-11-23")
    return SimpleNamespace(bank=bank, theta=theta, scores=scores, report=report)


@pytest.fixture(scope="module")
def sparse():
    """The same design, but each examinee answers a random half of the items (about 1000 per item)."""
    rng = np.random.default_rng(7)
    bank = make_bank(rng)
    theta = rng.standard_normal(N_PERSONS)
    scores = simulate(bank, theta, rng)
    for row in scores:
        row[rng.choice(len(bank), len(bank) // 2, replace=False)] = np.nan
    report = calibrate(as_table(scores, list(bank)), {i: p.model for i, p in bank.items()})
    return SimpleNamespace(bank=bank, theta=theta, scores=scores, report=report)


@pytest.fixture(scope="module")
def dif_and_misfit():
    """1000 fr-CA and 1000 en-CA examinees (same ability distribution) on 12 fair items, a 0/1 item and a
    0..3 item each 0.8 logits harder in en-CA, and an item whose scores are random (unrelated to theta)."""
    rng = np.random.default_rng(11)
    bank = make_bank(rng, 12)
    bank["dif.binary"] = ItemParameters("2pl", 1.3, (0.0,))
    bank["dif.poly"] = ItemParameters("gpcm", 1.3, (-0.8, 0.0, 0.8))
    theta = rng.standard_normal(N_PERSONS)
    languages = np.array([LANGUAGES[i % 2] for i in range(N_PERSONS)], dtype=object)
    harder = np.where(languages == "en-CA", 0.8, 0.0)
    scores = simulate(bank, theta, rng, {"dif.binary": harder, "dif.poly": harder})
    scores = np.column_stack([scores, rng.integers(0, 4, N_PERSONS)])
    items = [*bank, "random.item"]
    report = calibrate(as_table(scores, items, languages), {i: p.model for i, p in bank.items()})
    return bank, report


# --- the models ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [ItemParameters("2pl", 1.3, (0.4,)),
                                    ItemParameters("gpcm", 0.9, (-1.0, 0.5, 0.2)),
                                    ItemParameters("grm", 1.7, (-1.5, 0.1, 1.2))])
def test_vectorised_models_match_the_kiosk_and_their_gradients(params):
    theta = np.linspace(-6, 6, 25)
    b = np.array(params.thresholds)
    expected = np.array([params.probabilities(float(t)) for t in theta]).T
    np.testing.assert_allclose(irt.probs(params.model, params.discrimination, b, theta), expected, atol=1e-12)
    _, grad = irt.log_probs_and_grad(params.model, params.discrimination, b, theta)
    x0, step = np.array([params.discrimination, *b]), 1e-6
    numeric = np.empty_like(grad)
    for p in range(x0.size):  # central differences
        up, down = x0.copy(), x0.copy()
        up[p] += step
        down[p] -= step
        numeric[:, :, p] = (irt.log_probs(params.model, up[0], up[1:], theta)
                            - irt.log_probs(params.model, down[0], down[1:], theta)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


# --- recovery ------------------------------------------------------------------------------------------
def test_recovery_with_every_item_answered(full):
    bank, report = full.bank, full.report
    assert report.converged and not report.provisional
    assert {i: r.model for i, r in report.items.items()} == {i: p.model for i, p in bank.items()}
    error_a, error_b = errors(report, bank)
    assert rmse(error_b) <= 0.15, error_b
    assert rmse(error_a) <= 0.20, error_a
    for item in report.items.values():  # grm thresholds stay ordered; standard errors are sensible
        if item.model == "grm":
            assert all(b < c for b, c in zip(item.thresholds, item.thresholds[1:]))
        assert 0.02 < item.se_discrimination < 0.3
        assert all(0.02 < se < 0.3 for se in item.se_thresholds)


def test_recovery_when_each_examinee_answers_half(sparse):
    # About 1000 responses per item instead of 2000: sampling error grows by about sqrt(2), which the
    # full design's bounds still leave room for (about 0.07 and 0.06 there), so the same bounds apply.
    bank, report = sparse.bank, sparse.report
    assert report.converged and not report.provisional
    error_a, error_b = errors(report, bank)
    assert rmse(error_b) <= 0.15, error_b
    assert rmse(error_a) <= 0.20, error_a
    assert all(900 <= item.sample_size <= 1100 for item in report.items.values())


# --- fit and reliability -------------------------------------------------------------------------------
def test_well_fitting_items_have_mean_squares_near_1(full):
    for j, (item_id, params) in enumerate(full.bank.items()):
        item = full.report.items[item_id]
        # At the true abilities the mean squares are 1 up to sampling error ...
        truth = item_fit(params.model, params.discrimination, params.thresholds, full.scores[:, j], full.theta)
        assert 0.9 <= truth.infit <= 1.1 and 0.9 <= truth.outfit <= 1.1, (item_id, truth)
        # ... at the EAPs (as calibration computes them) they read lower: each EAP partly fits the item's
        # own response, by about the item's share of the person's information (up to 0.15 for a = 1.9
        # among these 20 items).
        assert 0.8 <= item.infit <= 1.1, (item_id, item.infit)
        assert 0.8 <= item.outfit <= 1.1, (item_id, item.outfit)
        assert not item.misfit, (item_id, item.misfit_reasons)


def test_an_item_unrelated_to_ability_is_flagged(dif_and_misfit):
    _, report = dif_and_misfit
    random_item = report.items["random.item"]
    assert random_item.misfit
    assert random_item.discrimination < 0.35
    assert any("discrimination" in reason for reason in random_item.misfit_reasons)
    assert not any(item.misfit for item_id, item in report.items.items() if item_id.startswith("item."))


def test_mean_squares_flag_an_item_that_is_too_noisy_or_too_predictable():
    rng = np.random.default_rng(3)
    theta = rng.standard_normal(3000)
    params = ItemParameters("gpcm", 1.2, (-1.0, 0.0, 1.0))
    b = np.array(params.thresholds)
    fitting = np.array([params.sample(t, u) for t, u in zip(theta, rng.random(theta.size))], dtype=float)
    assert not item_fit("gpcm", 1.2, b, fitting, theta).misfit
    noisy = np.where(rng.random(theta.size) < 0.5, rng.integers(0, 4, theta.size), fitting)
    assert item_fit("gpcm", 1.2, b, noisy, theta).outfit > 1.3
    expected, _ = irt.expected_and_variance("gpcm", 1.2, b, theta)  # a deterministic step in theta
    too_good = item_fit("gpcm", 1.2, b, np.round(expected), theta)
    assert too_good.infit < 0.7 and too_good.misfit


def test_marginal_reliability_is_close_to_the_truth(full, sparse):
    for case, low in ((full, 0.85), (sparse, 0.75)):
        truth = np.corrcoef(case.report.theta, case.theta)[0, 1] ** 2  # the true variance the EAPs carry
        assert low < case.report.marginal_reliability < 0.99
        assert abs(case.report.marginal_reliability - truth) < 0.03, (case.report.marginal_reliability, truth)
    assert full.report.marginal_reliability > sparse.report.marginal_reliability


# --- DIF -----------------------------------------------------------------------------------------------
def test_items_harder_in_one_language_show_large_dif(dif_and_misfit):
    _, report = dif_and_misfit
    binary, poly = report.dif["dif.binary"], report.dif["dif.poly"]
    assert binary.dif_class == "C" and binary.delta_mh < -1.5 and binary.favours == "fr-CA"
    assert poly.dif_class == "CC" and poly.smd_over_sd < -0.25 and poly.p_value < 0.05
    assert report.items["dif.binary"].dif_class == "C"
    fair = {i: r.dif_class for i, r in report.dif.items() if i.startswith("item.")}
    assert set(fair.values()) <= {"A", "AA"}, fair
    assert {report.dif[i].dif_class for i in fair if report.items[i].model == "2pl"} == {"A"}


def test_dif_needs_50_persons_in_each_language():
    rng = np.random.default_rng(5)
    bank = make_bank(rng, 4)
    theta = rng.standard_normal(400)
    languages = np.array(["fr-CA"] * 360 + ["en-CA"] * 40, dtype=object)
    dif = mantel_haenszel(as_table(simulate(bank, theta, rng), list(bank), languages))
    for result in dif.values():
        assert result.dif_class == "n/a"
        assert result.reason == "too few persons to compare: 40 en-CA (at least 50 each)"


# --- the export ----------------------------------------------------------------------------------------
def test_reading_csv_and_json_lines(tmp_path):
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("session_id,scenario,item_score,language\n"
                        "s1,mail.a,2,fr-CA\ns1,mail.b,,fr-CA\ns2,mail.a,0,\ns2,mail.a,0,\ns3,mail.b,1.0,en-CA\n",
                        encoding="utf-8")
    table = read_export(csv_path)
    assert table.persons == ("s1", "s2", "s3") and table.items == ("mail.a", "mail.b")
    np.testing.assert_array_equal(table.scores, [[2, np.nan], [0, np.nan], [np.nan, 1]])
    assert list(table.languages) == ["fr-CA", "unknown", "en-CA"]
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"session_id": "s1", "scenario_id": "mail.a", "item_score": 3, "language": "fr-CA"}\n\n'
                     '{"session_id": "s2", "scenario_id": "mail.a", "item_score": null}\n', encoding="utf-8")
    table = read_export(jsonl)
    np.testing.assert_array_equal(table.scores, [[3], [np.nan]])
    assert list(table.languages) == ["fr-CA", "unknown"]


@pytest.mark.parametrize("text, message", [
    ("session_id,scenario_id,item_score\ns1,a,1\ns2,a,two\n", "export.csv:3: item_score 'two' is not an integer"),
    ("session_id,scenario_id,item_score\ns1,a,1.5\n", "export.csv:2: item_score '1.5' is not an integer"),
    ("session_id,scenario_id,item_score\ns1,a,-1\n", "export.csv:2: item_score '-1' is negative (scores are 0..K)"),
    ("session_id,scenario_id,score\ns1,a,1\n",
     "export.csv:1: missing column item_score (header has session_id, scenario_id, score)"),
    ("session_id,scenario_id,item_score\ns1,a,1\ns2,a,0\ns1,a,2\n",
     "export.csv:4: session s1 has a again with a different score (2 here, 1 on line 2)"),
    ("session_id,scenario_id,item_score,language\ns1,a,1,fr-CA\ns1,b,0,en-CA\n",
     "export.csv:3: session s1 is in en-CA here but in fr-CA on line 2 (one language per session)"),
    ("", "export.csv:1: empty file (expected a header row: session_id,scenario_id,item_score,language)"),
])
def test_bad_rows_give_one_line_with_file_and_line(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    Path("export.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        read_export(Path("export.csv"))
    assert str(caught.value) == message


def test_bad_json_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("e.jsonl").write_text('{"session_id": "s1", "scenario_id": "a", "item_score": 1}\n{"session_id": "s2"}\n')
    with pytest.raises(ExportError, match=r"^e.jsonl:2: missing field scenario_id$"):
        read_export(Path("e.jsonl"))
    Path("e.jsonl").write_text('{"session_id": "s1", "scenario_id": "a", "item_score": true}\n')
    with pytest.raises(ExportError, match=r"^e.jsonl:1: item_score true is not an integer$"):
        read_export(Path("e.jsonl"))


# --- the parameters file and the command -------------------------------------------------------------
def test_parameters_file_has_the_format_the_game_loads(full, tmp_path):
    bank, report = full.bank, full.report
    path = tmp_path / "params.yaml"
    write_parameters(report, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# NUM+ calibrated item parameters (numplus calibrate)\nversion: calibrated-2026-11-23-n2000\n"
                           "date: 2026-11-23\nsample_size: 2000\n"
                           "method: MML-EM, 61 quadrature points, N(0,1) population, weak priors\n")
    loaded = load_parameters(path)  # the measurement module's own loader (pydantic, no extra keys)
    assert loaded.version == "calibrated-2026-11-23-n2000" and loaded.sample_size == 2000
    assert loaded.marginal_reliability == round(report.marginal_reliability, 3)
    assert set(loaded.items) == set(bank)
    item = loaded.items["item.03"]
    ours = report.items["item.03"]
    assert item.model == "gpcm" and item.discrimination == round(ours.discrimination, 3)
    assert item.thresholds == [round(b, 3) for b in ours.thresholds] and item.sample_size == 2000
    assert (item.infit, item.outfit, item.misfit, item.dif_class) == (round(ours.infit, 2), round(ours.outfit, 2),
                                                                       False, ours.dif_class)
    assert "    thresholds: [" in text  # on one line, as in the documented example


def _write_cli_export(path: Path, library_item: tuple[str, int] | None) -> None:
    rng = np.random.default_rng(17)
    bank = make_bank(rng, 6)
    theta = rng.standard_normal(600)
    scores = simulate(bank, theta, rng)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["session_id", "scenario_id", "item_score", "language"])
        for i in range(theta.size):
            session, language = f"S{i:04d}", LANGUAGES[i % 2]
            for j, item_id in enumerate(bank):
                writer.writerow([session, item_id, int(scores[i, j]), language])
            if i < 60:  # too few responses to calibrate
                writer.writerow([session, "rare.item", i % 2, language])
            writer.writerow([session, "gap.item", (0, 1, 3)[i % 3], language])  # never scored 2
            if library_item is not None:  # a bundled scenario, never given its top score
                writer.writerow([session, library_item[0], i % library_item[1], language])
            writer.writerow([session, "skipped.item", "", language])


def _bundled_item() -> tuple[str, int] | None:
    from game.paths import SCENARIOS
    from game.sessions import scenario_library

    for sid, loaded in sorted(scenario_library([SCENARIOS]).items()):
        measurement = getattr(loaded.scenario, "measurement", None)
        if measurement is not None and measurement.item_score.max_score > 1:
            return sid, measurement.item_score.max_score
    return None


def run_cli(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "game", "calibrate", *argv], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120, check=False)


def test_numplus_calibrate_end_to_end(tmp_path):
    bundled = _bundled_item()
    _write_cli_export(tmp_path / "export.csv", bundled)
    done = run_cli(tmp_path, "export.csv", "--out", "params.yaml", "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert {"items", "marginal_reliability", "provisional", "dif", "sample_size", "out"} <= report.keys()
    assert report["sample_size"] == 600 and report["out"] == "params.yaml"
    assert sorted(report["items"]) == [f"item.{j:02d}" for j in range(6)]
    assert report["provisional"]["rare.item"] == "60 responses (calibration needs at least 100)"
    assert report["provisional"]["gap.item"] == "score 2 never observed (scored 0..3)"
    assert report["provisional"]["skipped.item"] == "0 responses (calibration needs at least 100)"
    if bundled is not None:  # the top score comes from the scenario, not from the data
        sid, top = bundled
        assert report["provisional"][sid] == f"score {top} never observed (scored 0..{top})"
    assert 0.5 < report["marginal_reliability"] < 0.99
    assert report["dif"]["rare.item"]["dif_class"] == "n/a"
    for item in report["items"].values():
        assert {"model", "discrimination", "thresholds", "sample_size", "infit", "outfit", "misfit",
                "dif_class"} <= item.keys()
    loaded = load_parameters(tmp_path / "params.yaml")
    assert loaded.sample_size == 600 and set(loaded.items) == set(report["items"])

    human = run_cli(tmp_path, "export.csv", "--out", "again.yaml")
    assert human.returncode == 0, human.stderr
    lines = human.stdout.splitlines()
    assert lines[0].split() == ["item", "model", "a", "thresholds", "n", "infit", "outfit", "fit", "DIF"]
    assert any(line.startswith("marginal reliability ") for line in lines)
    assert "  rare.item: 60 responses (calibration needs at least 100)" in lines
    assert lines[-1].startswith("wrote again.yaml (6 item(s), version calibrated-")


@pytest.mark.parametrize("content, argv, message", [
    ("session_id,scenario_id,item_score\ns1,a,1\ns1,a,x\n", ["export.csv", "--out", "p.yaml"],
     "export.csv:3: item_score 'x' is not an integer"),
    ("session_id,scenario_id,item_score\ns1,a,1\n", ["export.csv", "--out", "p.yaml"],
     "no item can be calibrated (1 item(s); e.g. a: 1 responses (calibration needs at least 100))"),
    (None, ["missing.csv", "--out", "p.yaml"], "missing.csv: no such file"),
    ("session_id,scenario_id,item_score\ns1,a,1\n", ["export.csv", "--out", "nowhere/p.yaml"],
     "--out nowhere/p.yaml: no such folder nowhere"),
])
def test_numplus_calibrate_errors_are_one_line(tmp_path, content, argv, message):
    if content is not None:
        (tmp_path / "export.csv").write_text(content, encoding="utf-8")
    done = run_cli(tmp_path, *argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"numplus: error: {message}"]
    assert not (tmp_path / "p.yaml").exists()


def test_numplus_calibrate_without_the_research_extra(tmp_path):
    code = ("import sys; sys.modules['numpy'] = None; sys.modules['scipy'] = None\n"
            "from game.cli import main; raise SystemExit(main(['calibrate', 'x.csv', '--out', 'p.yaml']))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "numplus: error: numplus calibrate needs the research extra: pip install 'numplus[research]'"]


def test_item_scores_are_read_straight_from_a_numplus_database(tmp_path):
    from game.runtime.events import Event
    from game.store import EventStore

    store = EventStore(tmp_path / "numplus.sqlite3")

    def play(session: str, participant: str, locale: str, scores: dict[str, int | None]) -> None:
        seq = 0

        def add(type_: str, payload: dict, scenario: str | None = None, result: dict | None = None) -> None:
            nonlocal seq
            seq += 1
            store.append(Event(seq=seq, session=session, scenario=scenario, scenario_version=1 if scenario else None,
                               t_ms=0, utc=f"2026-01-05T14:00:{seq:02d}.000Z", type=type_, payload=payload), result)

        add("session_started", {"participant": participant, "locale": locale, "scenarios": list(scores)})
        for scenario, score in scores.items():
            add("scenario_started", {"index": 0}, scenario)
            outcome = "abandoned" if score is None else "completed"
            add("scenario_ended", {"outcome": outcome, "final": {}}, scenario,
                {"observables": {}, "item_score": score})

    play("S-1", "P-AAAA", "fr-CA", {"mail.a": 2, "web.b": 0})
    play("S-2", "P-BBBB", "en-CA", {"mail.a": 3, "web.b": None})  # abandoned: not administered
    play("S-3", "TEST-XY", "fr-CA", {"mail.a": 1})  # an author's preview: left out
    store.close()
    table = read_export(tmp_path / "numplus.sqlite3")
    assert table.persons == ("S-1", "S-2") and table.items == ("mail.a", "web.b")
    assert table.scores[0].tolist() == [2, 0]
    assert table.scores[1, 0] == 3 and np.isnan(table.scores[1, 1])
    assert table.languages.tolist() == ["fr-CA", "en-CA"]


def test_a_database_without_scored_scenarios_says_so(tmp_path):
    from game.store import EventStore

    EventStore(tmp_path / "numplus.sqlite3").close()
    with pytest.raises(ExportError, match="no item scores"):
        read_export(tmp_path / "numplus.sqlite3")
