"""Size on disk and start time of the built program (dist/numplus/, made by `make dist`), printed as JSON.

    python benchmarks/bundle.py --json

Builds nothing: it measures the bundle that is there, and says so when there is none.
- `size_bytes`, `size_mb` (10^6 bytes), `files`: the whole folder, counted as `du -sb dist/numplus` does
  (every file, link and folder once, at its apparent size). `largest`: what weighs most, by top-level entry
  of the bundle's `_internal/` folder. Target: <= 90 MB.
- `start_first_frame_s`: the median of 5 starts of `numplus play`, from launching the program until its
  first frame is drawn (the title screen, every bundled scenario loaded). The program is told to quit right
  after that frame (NUMPLUS_EXIT_AFTER_FIRST_FRAME=1) and says when it drew it; it runs with SDL's dummy
  video and audio drivers and fresh data and settings folders each time. Target: <= 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "numplus"
FIRST_FRAME_LINE = "numplus: first frame drawn"
TARGETS = {"size_mb": 90, "start_first_frame_s": 1.5}
RUNS = 5
START_TIMEOUT_S = 60


class BundleError(Exception):
    """The bundle is missing or does not start: one line, exit code 2."""


def program(bundle: Path) -> Path:
    """The executable that prints (on Windows the game's numplus.exe is windowed: its console twin)."""
    name = "numplus-cli.exe" if sys.platform == "win32" else "numplus"
    path = bundle / name
    if not path.is_file():
        raise BundleError(f"no built program at {path}: build it first with `make dist` (docs/build.md)")
    return path


def disk_usage(bundle: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes, files, bytes by top-level entry of the bundle's contents), as `du -sb` counts them."""
    total, files, parts = bundle.lstat().st_size, 0, {}
    seen: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(bundle):
        for name in dirs + names:
            path = Path(folder, name)
            info = path.lstat()
            if (info.st_dev, info.st_ino) in seen:  # a hard link is counted once
                continue
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
            files += name in names
            relative = path.relative_to(bundle).parts
            key = "/".join(relative[:2]) if relative[0] == "_internal" and len(relative) > 1 else relative[0]
            parts[key] = parts.get(key, 0) + info.st_size
    return total, files, parts


def start_once(executable: Path) -> float:
    """Seconds from launching `numplus play` until it reports its first frame."""
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "NUMPLUS_DATA_DIR": data,
               "NUMPLUS_CONFIG_DIR": config, "NUMPLUS_EXIT_AFTER_FIRST_FRAME": "1"}
        started = time.perf_counter()
        process = subprocess.Popen([str(executable), "play"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env, cwd=data)
        try:
            for line in process.stdout:
                if line.strip() == FIRST_FRAME_LINE:
                    elapsed = time.perf_counter() - started
                    break
            else:
                process.wait(timeout=START_TIMEOUT_S)
                error = process.stderr.read().strip().splitlines()
                raise BundleError(f"{executable} play exited ({process.returncode}) before drawing a frame"
                                  + (f": {error[-1]}" if error else ""))
            process.communicate(timeout=START_TIMEOUT_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return elapsed


def measure(bundle: Path, runs: int) -> dict:
    executable = program(bundle)
    size, files, parts = disk_usage(bundle)
    starts = [start_once(executable) for _ in range(runs)]
    largest = sorted(parts.items(), key=lambda item: -item[1])[:12]
    return {
        "bundle": str(bundle),
        "size_bytes": size,
        "size_mb": round(size / 1e6, 1),
        "files": files,
        "largest_mb": {name: round(n / 1e6, 2) for name, n in largest},
        "start_first_frame_s": round(statistics.median(starts), 3),
        "start_runs_s": [round(s, 3) for s in starts],
        "targets": TARGETS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="the bundle folder (default: dist/numplus)")
    parser.add_argument("--runs", type=int, default=RUNS, help="starts to take the median of (default: 5)")
    args = parser.parse_args()
    try:
        result = measure(args.bundle, max(1, args.runs))
    except BundleError as exc:
        print(f"bundle.py: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
