"""The benchmark script keeps working and prints every figure it promises (the figures are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_frame_benchmark_prints_every_case_as_json(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "frame.py"), "--json", "--idle-seconds", "1"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for case in ("mail_idle", "typing", "scrolling_200_messages", "browser_form_idle", "browser_form_typing",
                 "browser_form_scrolling", "files_scrolling_500", "game_busiest_level"):
        assert set(figures[case]) >= {"median_ms", "p99_ms"}, case
        assert 0 < figures[case]["median_ms"] <= figures[case]["p99_ms"]
    for key in ("idle_cpu_percent", "start_s", "peak_rss_mb", "browser_files_peak_rss_mb", "game_peak_rss_mb"):
        assert figures[key] > 0, key
