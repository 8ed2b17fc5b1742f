"""Load a scenario file into a validated Scenario, or report every problem as path:line:col."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from game.scenario.models import Scenario
from game.scenario.references import check_references
from game.scenario.source import Problem, Source, SourceError, read_source

WALKTHROUGH_SUFFIX = ".walkthrough.yaml"


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    content_hash: str  # sha256 of the file's bytes: a result traces to the exact text played

    @property
    def id(self) -> str:
        return self.scenario.id


class ScenarioError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@cache
def _vocabulary() -> tuple[str, ...]:
    """Every key the scenario language knows, to suggest the right one for a typo."""
    names: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
            for arg in _model_types(info.annotation):
                walk(arg)

    walk(Scenario)
    return tuple(sorted(names))


def _model_types(annotation: object) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            found.append(current)
        stack.extend(getattr(current, "__args__", ()) or ())
        origin = getattr(current, "__origin__", None)
        if origin is not None and origin is not current:
            stack.append(origin)
    return found


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _in_data(source: Source, loc: tuple) -> tuple:
    found: tuple = ()
    node = source.data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node, found = node[part], found + (part,)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node, found = node[part], found + (part,)
    return found


def _mapping_at(source: Source, found: tuple) -> dict:
    node = source.data
    for part in found:
        node = node[part]
    return node if isinstance(node, dict) else {}


# What pydantic says for each scalar branch of a union (a `where` test is a scalar or a Test)
# when the author wrote a mapping: noise next to the Test branch's own, precise error.
_SCALAR_TYPE_ERRORS = {"string_type", "int_type", "int_parsing", "float_type", "float_parsing",
                       "bool_type", "bool_parsing"}


def _union_noise(source: Source, errors: list[dict]) -> set[int]:
    """Indexes of scalar-branch errors on a mapping or list that has a more precise error of its own."""
    located = [(_in_data(source, tuple(item["loc"])), item["type"]) for item in errors]
    noise: set[int] = set()
    for i, (found, kind) in enumerate(located):
        if kind not in _SCALAR_TYPE_ERRORS:
            continue
        node = source.data
        for part in found:
            node = node[part]
        if isinstance(node, (dict, list)) and any(
                other[:len(found)] == found and other_kind not in _SCALAR_TYPE_ERRORS
                for other, other_kind in located):
            noise.add(i)
    return noise


def validation_problems(source: Source, error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    errors = error.errors()
    noise = _union_noise(source, errors)
    for number, item in enumerate(errors):
        if number in noise:
            continue
        loc = tuple(item["loc"])
        kind = item["type"]
        found = _in_data(source, loc)
        message = item["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            close = difflib.get_close_matches(key, _vocabulary(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(source.problem(found, f"{_dotted(found)}: unknown key {key!r}{hint}", key=True))
            continue
        if kind == "unknown_locale" and (item.get("ctx") or {}).get("locale") in _mapping_at(source, found):
            at = found + (item["ctx"]["locale"],)
            problems.append(source.problem(at, f"{_dotted(found)}: {message}", key=True))
            continue
        if kind == "missing":
            problems.append(source.problem(found, f"{_dotted(found + (loc[-1],))}: missing key {loc[-1]!r}"))
            continue
        if kind in ("union_tag_invalid", "union_tag_not_found") and isinstance(source.position(found), tuple):
            node = source.data
            for part in found:
                node = node[part]
            if isinstance(node, dict) and "rule" in node:
                found = found + ("rule",)
        problems.append(source.problem(found, f"{_dotted(found)}: {message}"))
    return list(dict.fromkeys(problems))


def load_scenario(path: Path | str) -> LoadedScenario:
    """Read, validate and cross-check one scenario file; raise ScenarioError listing every problem."""
    path = Path(path)
    try:
        source = read_source(path)
    except SourceError as exc:
        raise ScenarioError(exc.problems) from None
    if not isinstance(source.data, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "a scenario file must be a mapping of keys")])
    try:
        scenario = Scenario.model_validate(source.data)
    except ValidationError as exc:
        raise ScenarioError(sorted(validation_problems(source, exc), key=lambda p: (p.line, p.col))) from None
    findings = check_references(scenario)
    if findings:
        problems = [source.problem(loc, f"{_dotted(_in_data(source, loc))}: {msg}", key=on_key)
                    for loc, msg, on_key in findings]
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.col)))
    digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    return LoadedScenario(scenario=scenario, path=path, content_hash=digest)


def scenario_files(paths: list[Path]) -> list[Path]:
    """Scenario files under the given files and folders (walkthroughs excluded)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.yaml")) if not p.name.endswith(WALKTHROUGH_SUFFIX))
        elif not path.name.endswith(WALKTHROUGH_SUFFIX):
            found.append(path)
    return found


def find_scenario(ref: str, roots: list[Path]) -> LoadedScenario:
    """A scenario by file path or by id, searched in the given folders."""
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return load_scenario(candidate)
    for path in scenario_files([r for r in roots if r.exists()]):
        try:
            loaded = load_scenario(path)
        except ScenarioError:
            continue
        if loaded.id == ref:
            return loaded
    raise ScenarioError([Problem(ref, 1, 1, f"no scenario with id {ref!r} in {', '.join(map(str, roots))}")])
