"""Participant codes: pseudonymous, short, unambiguous characters, and a check character for typos.

A code is 6 random characters and a check character, shown as `ABC-DEFG`. The alphabet leaves out what
is easily confused when read aloud or copied by hand (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V) and has 23
characters, a prime: the check makes the weighted sum (weights 1 to 7) a multiple of 23, which catches
any single wrong character and any swap of two neighbours. No name or email is ever asked or stored with
a code.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
N = len(ALPHABET)  # 23, prime
CODE = re.compile(rf"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{4}}$")


def _weighted(chars: str) -> int:
    return sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(chars))


def check_character(body: str) -> str:
    """The character c making _weighted(body + c) a multiple of N (weight of c: len(body) + 1)."""
    weight = len(body) + 1
    return ALPHABET[(-_weighted(body) * pow(weight, -1, N)) % N]


def is_valid(code: str) -> bool:
    """True when the code has the generated form and its check character matches."""
    if not CODE.match(code):
        return False
    body = code.replace("-", "")
    return check_character(body[:-1]) == body[-1]


def looks_generated(code: str) -> bool:
    """Codes of the generated form are checked; an organisation's own codes are taken as typed."""
    return bool(CODE.match(code))


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(6))
    full = body + check_character(body)
    return f"{full[:3]}-{full[3:]}"


def new_codes(count: int, taken: set[str] | None = None) -> list[str]:
    """`count` distinct codes, none of them already used on this machine."""
    taken = set(taken or ())
    made: list[str] = []
    while len(made) < count:
        code = new_code()
        if code not in taken:
            taken.add(code)
            made.append(code)
    return made
