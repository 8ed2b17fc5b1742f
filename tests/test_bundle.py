"""The installable build: the program in dist/numplus/ (built by `make dist`, which `make test` runs first)
validates its bundled scenarios and plays a walkthrough headless, keeps its data in the data dir, carries
every data file the game reads, and leaves out what the game does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.paths import ASSETS, ROOT, SCENARIOS
from game.scenario.loader import WALKTHROUGH_SUFFIX
from scoring.framework import FRAMEWORKS

BUNDLE = ROOT / "dist" / "numplus"
CONTENTS = BUNDLE / "_internal"  # PyInstaller's folder of everything but the program itself
PROGRAM = BUNDLE / ("numplus-cli.exe" if sys.platform == "win32" else "numplus")
WALKTHROUGH = CONTENTS / "scenarios" / "mail" / f"confirm-meeting{WALKTHROUGH_SUFFIX}"


@pytest.fixture(scope="module")
def program() -> Path:
    """The built program; its absence fails the test (CI must run these), it never skips them."""
    if not PROGRAM.is_file():
        pytest.fail(f"no built program at {PROGRAM}: build it with `make dist` (`make test` does it first)",
                    pytrace=False)
    return PROGRAM


def run(program: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The program as a kiosk runs it: no display needed, data and settings in the test's folders."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(program), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def bundle_files() -> set[Path]:
    return set(BUNDLE.rglob("*"))


def test_the_program_validates_its_bundled_scenarios(program, tmp_path):
    done = run(program, "validate", str(CONTENTS / "scenarios"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    shipped = len(list(SCENARIOS.rglob("*.yaml")))
    assert done.stderr.splitlines()[-1] == f"{shipped} file(s) checked, 0 problem(s)"


def test_the_program_plays_a_walkthrough_headless_and_keeps_its_data_in_the_data_dir(program, tmp_path,
                                                                                      isolated_dirs):
    data, config = isolated_dirs
    before = bundle_files()
    out = tmp_path / "out"
    done = run(program, "play", "--headless", "--scenario", "mail.confirm-meeting", "--actions", str(WALKTHROUGH),
               "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mail.confirm-meeting: completed" in done.stdout
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events[0]["type"] == "session_started" and events[-1]["type"] == "session_ended"
    assert (data / "numplus.sqlite3").is_file()
    assert bundle_files() == before  # nothing written beside the program


def test_the_bundle_carries_every_data_file_the_game_reads(program):
    wanted = {Path("assets") / p.relative_to(ASSETS) for p in ASSETS.rglob("*")
              if p.is_file() and p.suffix in {".ttf", ".txt", ".json", ".yaml"}}
    wanted |= {Path("scenarios") / p.relative_to(SCENARIOS) for p in SCENARIOS.rglob("*.yaml")}
    wanted |= {Path("scoring") / "frameworks" / p.name for p in FRAMEWORKS.glob("*.yaml")}
    assert len(wanted) > 40
    for relative in sorted(wanted):
        assert (CONTENTS / relative).is_file(), f"{relative} is not in the bundle"
        assert (CONTENTS / relative).read_bytes() == (ROOT / relative).read_bytes(), \
            f"{relative} differs from the source: the bundle is older, rebuild it with `make dist`"


def test_the_bundle_leaves_out_what_the_game_does_not_use(program):
    names = {p.name for p in CONTENTS.iterdir()}
    assert not names & {"numpy", "numpy.libs", "scipy", "scipy.libs", "tkinter", "_tcl_data", "pytest"}
    fonts = {p.name for p in (CONTENTS / "pygame_gui" / "data").iterdir()}
    assert "NotoSans-Regular.ttf" in fonts  # pygame_gui's own default
    assert not [f for f in fonts if any(script in f for script in ("JP", "SC", "KR", "Arabic", "Hebrew", "Georgian"))]
    size = sum(p.lstat().st_size for p in BUNDLE.rglob("*"))
    assert size <= 90e6, f"{size / 1e6:.1f} MB"


def test_calibration_is_left_to_a_python_install_with_one_clear_line(program, tmp_path):
    export = tmp_path / "scores.csv"
    export.write_text("session_id,scenario_id,item_score,language\n", encoding="utf-8")
    done = run(program, "calibrate", str(export), "--out", str(tmp_path / "p.yaml"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("numplus: error: numplus calibrate needs the research extra: "
                                   "pip install 'numplus[research]'")


def test_the_bundle_benchmark_prints_every_figure(program, tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bundle.py"), "--json", "--runs", "1"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["size_bytes"] > 0 and figures["files"] > 0 and figures["size_mb"] > 0
    assert figures["start_first_frame_s"] > 0
    assert set(figures["targets"]) == {"size_mb", "start_first_frame_s"}
