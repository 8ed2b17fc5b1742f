"""benchmarks/sync.py runs against a real Ralph and prints every figure as JSON (figures are not asserted
against targets here: they are measured on a quiet machine)."""

from __future__ import annotations

import json
import subprocess
import sys

from game.paths import ROOT
from tests.lrs_support import require_ralph


def test_sync_benchmark_prints_every_figure_as_json(tmp_path):
    require_ralph()
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sync.py"), "--json",
                           "--throughput-sessions", "4", "--slow-sessions", "1"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    sizes = figures["bytes_per_session"]
    without, with_data = sizes["without_process_data"], sizes["with_process_data"]
    assert 0 < without["statement_bytes"] < with_data["statement_bytes"]
    assert without["http_bytes_up"] >= without["statement_bytes"] and without["http_bytes_down"] > 0
    assert with_data["statements"] > without["statements"] >= 12  # launched, 10 scenarios, the end
    speed = figures["throughput"]
    assert speed["statements"] > 0 and speed["numplus_per_s"] > 0 and speed["raw_per_s"] > 0
    assert 0 < speed["share_of_raw"] == round(speed["numplus_per_s"] / speed["raw_per_s"], 3)
    frames = figures["frames"]
    assert frames["all_sent"] and frames["statements"] >= 1000 and frames["while_sending"]["frames"] > 0
    assert frames["p99_ratio"] > 0 and frames["idle"]["p99_ms"] > 0
    slow = figures["slow_line"]
    # 56 kbit/s: at least the statement bytes divided by the rate
    assert slow["seconds"] >= slow["statement_bytes"] / slow["bytes_per_second"] * 0.9
