"""Moving the player's box through solid tiles: axis-separated AABB collision, one tick at a time.

Every speed is a multiple of 0.5 px and every size a whole number, so positions stay exact in
binary floating point: no drift, and the same inputs give the same positions on any machine.
Only the tiles the box's leading edge enters are looked at (speeds stay below one tile per tick),
which keeps a step cheap whatever the level's size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from game.qa.levels import TILE

PLAYER_W = 24
PLAYER_H = 30
RUN_SPEED = 3.0  # px per tick
JUMP_SPEED = -10.5  # px per tick, upwards: the feet rise 105 px (just over 3 tiles)
GRAVITY = 0.5  # px per tick per tick
HAZARD_INSET = 3  # the body hurts a little inside its drawn box: near misses stay misses
MAX_FALL = 12.0  # below a tile's height, so a fall never skips a floor
COYOTE_TICKS = 6  # a jump still counts this long after running off an edge
JUMP_BUFFER_TICKS = 6  # a jump pressed this long before landing happens on landing

Solid = Callable[[int, int], bool]


@dataclass
class Move:
    x: float
    y: float
    vx: float
    vy: float
    on_ground: bool


def spawn_position(col: int, row: int) -> tuple[float, float]:
    """Top-left of the player's box standing in tile (col, row), centred, feet on the tile's bottom."""
    return float(col * TILE + (TILE - PLAYER_W) // 2), float(row * TILE + TILE - PLAYER_H)


def overlapped(start: float, size: float) -> range:
    """Tile indexes that the span [start, start + size) overlaps."""
    return range(math.floor(start / TILE), math.ceil((start + size) / TILE))


def move(x: float, y: float, vx: float, vy: float, solid: Solid, level_width_px: float) -> Move:
    """One tick of motion: x first, then y; a blocked axis loses its speed."""
    nx = min(max(x + vx, 0.0), level_width_px - PLAYER_W)  # the level's sides are walls
    rows = overlapped(y, PLAYER_H)
    if nx > x:
        col = math.ceil((nx + PLAYER_W) / TILE) - 1
        if any(solid(col, row) for row in rows):
            nx, vx = float(col * TILE - PLAYER_W), 0.0
    elif nx < x:
        col = math.floor(nx / TILE)
        if any(solid(col, row) for row in rows):
            nx, vx = float((col + 1) * TILE), 0.0
    ny, on_ground = y + vy, False
    cols = overlapped(nx, PLAYER_W)
    if vy > 0:
        row = math.ceil((ny + PLAYER_H) / TILE) - 1
        if any(solid(col, row) for col in cols):
            ny, vy, on_ground = float(row * TILE - PLAYER_H), 0.0, True
    elif vy < 0:
        row = math.floor(ny / TILE)
        if any(solid(col, row) for col in cols):
            ny, vy = float((row + 1) * TILE), 0.0
    return Move(nx, ny, vx, vy, on_ground)


def hurtbox(x: float, y: float) -> tuple[float, float, float, float]:
    """The part of the player's box that spikes and bees hurt: x, y, width, height."""
    return x + HAZARD_INSET, y + HAZARD_INSET, PLAYER_W - 2 * HAZARD_INSET, PLAYER_H - 2 * HAZARD_INSET


def boxes_touch(ax: float, ay: float, aw: float, ah: float, bx: float, by: float, bw: float, bh: float) -> bool:
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
