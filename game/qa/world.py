"""A level as the simulation reads it: tile lookups, items with stable ids, doors, bee positions.

Built once per level from its data and never changed: what changes during play (items taken,
doors opened) lives in SimState, so a World can be shared and a state saved on its own.

Item ids are `<level>-<b|g>-<column>-<row>`, e.g. "forest-b-12-5" is the blueberry at column 12,
row 5 of level "forest" (columns and rows from 0, rows from the top). They depend only on the
level data, so telemetry, seeded bugs and walkthroughs can name an item.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

from game.qa.levels import TILE, Level

ITEM_KINDS = {"B": "blueberry", "G": "golden"}  # points: vocabulary.ITEM_POINTS
SOLID = frozenset("#=D")
BEE_SIZE = 20  # px; the bee's box is centred in the tile it flies through


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # blueberry | golden
    col: int
    row: int


def item_id(level: str, kind: str, col: int, row: int) -> str:
    return f"{level}-{kind[0]}-{col}-{row}"


@dataclass(frozen=True)
class BeePath:
    """A bee's route: legs between waypoint pixels; it goes to the end and comes back."""

    points: tuple[tuple[float, float], ...]  # top-left px of the bee box at each waypoint
    lengths: tuple[float, ...]  # px per leg
    speed: float

    @property
    def total(self) -> float:
        return sum(self.lengths)

    def position(self, ticks: int) -> tuple[float, float]:
        # A pure function of time: no bee state to save, and a replay puts bees where they were.
        total = self.total
        travelled = (ticks * self.speed) % (2 * total)
        if travelled > total:
            travelled = 2 * total - travelled
        for (x1, y1), (x2, y2), length in zip(self.points, self.points[1:], self.lengths):
            if travelled <= length:
                part = travelled / length
                return x1 + (x2 - x1) * part, y1 + (y2 - y1) * part
            travelled -= length
        return self.points[-1]


class World:
    def __init__(self, level: Level):
        self.level = level
        self.id = level.id
        self.rows = tuple(level.tiles)
        self.width = level.width
        self.height = level.height
        items: dict[str, Item] = {}
        found: dict[str, list[tuple[int, int]]] = {}
        for row, line in enumerate(self.rows):
            for col, char in enumerate(line):
                found.setdefault(char, []).append((col, row))
                if char in ITEM_KINDS:
                    kind = ITEM_KINDS[char]
                    new = Item(item_id(level.id, kind, col, row), kind, col, row)
                    items[new.id] = new
        self.items = items
        self.item_at = {(item.col, item.row): item for item in items.values()}
        self.start: tuple[int, int] = found["P"][0]
        self.cells = {char: tuple(cells) for char, cells in found.items()}
        self.doors = self._doors(found.get("D", []))
        pad = (TILE - BEE_SIZE) / 2
        self.bees = tuple(BeePath(
            points=tuple((c * TILE + pad, r * TILE + pad) for c, r in bee.path),
            lengths=tuple(float(abs(c2 - c1) + abs(r2 - r1)) * TILE
                          for (c1, r1), (c2, r2) in zip(bee.path, bee.path[1:])),
            speed=bee.speed) for bee in level.bees)

    @staticmethod
    def _doors(cells: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
        """Each door is a vertical run of D tiles, named by its top tile (column, row)."""
        doors: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        cellset = set(cells)
        for col, row in sorted(cells, key=lambda cell: (cell[0], cell[1])):
            if (col, row - 1) in cellset:
                continue
            run = []
            while (col, row + len(run)) in cellset:
                run.append((col, row + len(run)))
            doors[(col, row)] = tuple(run)
        return doors

    def door_of(self, col: int, row: int) -> tuple[int, int] | None:
        """The door (its top tile) that the D tile at (col, row) belongs to."""
        while row >= 0 and self.char(col, row - 1) == "D":
            row -= 1
        return (col, row) if (col, row) in self.doors else None

    def char(self, col: int, row: int) -> str:
        if 0 <= row < self.height and 0 <= col < self.width:
            return self.rows[row][col]
        return "."

    @cached_property
    def _centres(self) -> dict[str, list[float]]:
        """Sorted x centres (px) of every tile of each character: 'is one within view?' by bisection."""
        return {char: sorted(c * TILE + TILE / 2 for c, _ in cells) for char, cells in self.cells.items()}

    def tile_near(self, char: str, x: float, reach: float) -> bool:
        """Whether some tile `char` has its centre within `reach` px of x horizontally."""
        centres = self._centres.get(char, [])
        at = bisect_left(centres, x - reach)
        return at < len(centres) and centres[at] <= x + reach
