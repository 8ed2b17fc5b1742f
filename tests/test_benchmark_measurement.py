"""The measurement benchmark runs, prints every figure the issue asks for, and adaptive order beats random order
on the reference bank (the figures against the issue's targets are judged on the full run, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODE_KEYS = {"bias", "rmse", "reliability", "accuracy_4_groups", "accuracy_within_1_of_8", "mean_scenarios",
             "max_scenarios", "rmse_by_length", "stop_reasons"}
BANK_KEYS = {"n_items", "adaptive", "random", "length_ratio_same_rmse", "calibration_gap", "calibration_by_decile"}


def test_measurement_benchmark_prints_every_figure_as_json(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "measurement.py"), "--json",
                           "--examinees", "300", "--workers", "1"],
                          check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for bank in ("reference", "shipped"):
        result = figures[bank]
        assert set(result) >= BANK_KEYS, bank
        assert result["n_items"] > 0
        for mode in ("adaptive", "random"):
            modal = result[mode]
            assert set(modal) >= MODE_KEYS, (bank, mode)
            assert 0.0 <= modal["accuracy_4_groups"] <= 1.0
            assert 0.0 <= modal["accuracy_within_1_of_8"] <= 1.0
            assert 0.0 <= modal["reliability"] <= 1.0
            assert 0.0 < modal["rmse"] < 1.5
            assert abs(modal["bias"]) < 0.5
            assert 1 <= modal["mean_scenarios"] <= modal["max_scenarios"] <= 15
            assert len(modal["rmse_by_length"]) == 15
            assert sum(modal["stop_reasons"].values()) == 300
        deciles = result["calibration_by_decile"]
        assert len(deciles) == 10
        assert sum(d["n"] for d in deciles) == 300
        assert all(0.0 <= d["stated"] <= 1.0 and 0.0 <= d["observed"] <= 1.0 for d in deciles)
        stated = [d["stated"] for d in deciles]
        assert stated == sorted(stated)
        assert 0.0 <= result["calibration_gap"] <= 1.0
        assert result["equivalence_mismatches"] == 0, bank
        step = result["kiosk_step_ms"]  # one update plus the next choice: measured, not asserted against 5 ms
        assert step["steps"] > 0 and 0 < step["median"] <= step["p99"] <= step["max"]

    reference = figures["reference"]
    adaptive, rand = reference["adaptive"]["rmse_by_length"], reference["random"]["rmse_by_length"]
    for length in (3, 6, 12):  # the same number of scenarios: choosing them must pay
        assert adaptive[length - 1] < rand[length - 1], length
    assert reference["length_ratio_same_rmse"] is not None and reference["length_ratio_same_rmse"] < 1.0
