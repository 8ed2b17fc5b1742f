"""The parameters file the game loads (its format is scoring.measurement.parameters'; add no other keys)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

if TYPE_CHECKING:
    from scoring.calibration import CalibrationReport

HEADER = "NUM+ calibrated item parameters (numplus calibrate)"


def _flow(values: list[float]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()  # thresholds on one line: [-1.2, 0.1, 0.8]
    return seq


def _rounded(model: str, thresholds: tuple[float, ...]) -> list[float]:
    values = [round(b, 3) for b in thresholds]
    if model == "grm":  # rounding must not make two graded thresholds equal: the loader refuses that
        for i in range(1, len(values)):
            values[i] = max(values[i], round(values[i - 1] + 0.001, 3))
    return values


def parameters_document(report: CalibrationReport) -> CommentedMap:
    doc = CommentedMap()
    doc["version"] = report.version
    doc["date"] = dt.date.fromisoformat(report.date)
    doc["sample_size"] = report.sample_size
    doc["method"] = report.method
    doc["marginal_reliability"] = round(report.marginal_reliability, 3)
    items = CommentedMap()
    for item_id in sorted(report.items):
        item = report.items[item_id]
        entry = CommentedMap()
        entry["model"] = item.model
        entry["discrimination"] = round(item.discrimination, 3)
        entry["thresholds"] = _flow(_rounded(item.model, item.thresholds))
        entry["sample_size"] = item.sample_size
        entry["infit"] = round(item.infit, 2)
        entry["outfit"] = round(item.outfit, 2)
        entry["misfit"] = item.misfit
        entry["dif_class"] = item.dif_class
        items[item_id] = entry
    doc["items"] = items
    doc.yaml_set_start_comment(HEADER)
    return doc


def write_parameters(report: CalibrationReport, path: Path | str) -> None:
    """Write the file whole or not at all: the game may be reading the previous one."""
    path = Path(path)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 120
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.dump(parameters_document(report), out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
