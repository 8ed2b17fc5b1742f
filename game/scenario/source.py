"""Safe YAML reading that remembers where every value came from.

We compose the YAML node graph ourselves and build plain Python data from it, so that
no language-specific tag can construct an object, aliases are bounded (no billion laughs)
and every key and value keeps its line and column for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser

MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_DEPTH = 40
MAX_NODES = 200_000

Path_ = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Problem:
    """One error in one file, as `path:line:col: message` (line and column from 1)."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class SourceError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Source:
    """Plain data read from a YAML file and the position of every value and key in it."""

    path: str
    text: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Where `loc` is in the file: the deepest part of it that exists in the data."""
        found: Path_ = ()
        node = self.data
        for part in loc:
            if isinstance(node, dict) and part in node:
                node = node[part]
                found = found + (part,)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
                found = found + (part,)
            # Anything else (a union's tag, a model name) is not in the file: skip it.
        if key and found in self.keys:
            return self.keys[found]
        return self.values.get(found, (1, 1))

    def problem(self, loc: Path_, message: str, *, key: bool = False) -> Problem:
        line, col = self.position(loc, key=key)
        return Problem(self.path, line, col, message)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, source: Source):
        self.source = source
        self.aliases = 0
        self.nodes = 0
        self.seen: set[int] = set()

    def fail(self, node: Node, message: str) -> SourceError:
        line, col = _mark(node)
        return SourceError([Problem(self.source.path, line, col, message)])

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, f"file too large: more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.fail(node, f"too many aliases (more than {MAX_ALIASES})")
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"tag {node.tag!r} is not allowed in scenario files")
        self.source.values[path] = _mark(node)
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys (<<) are not allowed in scenario files")
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "keys must be plain words")
                if key_node.tag not in _STANDARD_TAGS:
                    raise self.fail(key_node, f"tag {key_node.tag!r} is not allowed in scenario files")
                key = str(key_node.value)
                if key in result:
                    raise self.fail(key_node, f"duplicate key {key!r}")
                self.source.keys[path + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(node)


def _scalar(node: ScalarNode) -> Any:
    tag, raw = node.tag, node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return raw.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        text = raw.replace("_", "")
        return int(text, 0) if text.lower().startswith(("0x", "0o", "0b")) else int(text)
    if tag == "tag:yaml.org,2002:float":
        lowered = raw.lower()
        if lowered in (".inf", "+.inf"):
            return float("inf")
        if lowered == "-.inf":
            return float("-inf")
        if lowered == ".nan":
            return float("nan")
        return float(raw.replace("_", ""))
    # Timestamps stay text: pydantic parses them where a datetime is expected.
    return raw


class _TooDeep(Exception):
    def __init__(self, line: int, col: int):
        super().__init__(line, col)
        self.line, self.col = line, col


class _NestingParser(Parser):
    """The YAML parser, refusing deep nesting as it reads: `[[[[...` costs the scanner quadratic time
    and the composer one recursion per level, so waiting for the composed tree is too late."""

    def reset_parser(self) -> None:
        super().reset_parser()
        self.depth = -1  # the top-level collection is level 0, as in _Builder

    def get_event(self) -> Any:
        event = super().get_event()
        if isinstance(event, CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark.line + 1, event.start_mark.column + 1)
        elif isinstance(event, CollectionEndEvent):
            self.depth -= 1
        return event


def read_source(path: Path | str, text: str | None = None) -> Source:
    """Read a YAML file safely; raise SourceError with the position of what is wrong."""
    shown = str(path)
    if text is None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise SourceError([Problem(shown, 1, 1, f"cannot read file: {exc.strerror}")]) from None
        if len(raw) > MAX_FILE_BYTES:
            raise SourceError([Problem(shown, 1, 1, f"file too large ({len(raw)} bytes, at most {MAX_FILE_BYTES})")])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[:exc.start]
            line, col = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
            raise SourceError([Problem(shown, line, col, f"not UTF-8 text (byte {exc.start})")]) from None
    source = Source(path=shown, text=text, data=None)
    yaml = YAML(typ="safe", pure=True)
    yaml.Parser = _NestingParser
    try:
        root = yaml.compose(text)
    except _TooDeep as exc:
        message = f"nested too deeply (more than {MAX_DEPTH} levels)"
        raise SourceError([Problem(shown, exc.line, exc.col, message)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise SourceError([Problem(shown, line, col, f"YAML syntax: {message}")]) from None
    except YAMLError as exc:
        raise SourceError([Problem(shown, 1, 1, f"YAML syntax: {exc}")]) from None
    except RecursionError:
        # The composer recurses once per level: thousands of `[[[[` would crash it.
        raise SourceError([Problem(shown, 1, 1, f"nested too deeply (more than {MAX_DEPTH} levels)")]) from None
    if root is None:
        raise SourceError([Problem(shown, 1, 1, "file is empty")])
    source.data = _Builder(source).build(root, (), 0)
    return source
