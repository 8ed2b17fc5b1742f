"""Participant codes: pseudonymous, short, unambiguous characters, and a check character for typos.

A code is 6 random characters and a check character, shown as `ABC-DEFG`. The alphabet leaves out what
is easily confused when read aloud or copied by hand (0/O, 1/I/L, 5/S, 2/Z, 8/B). The check character is
Luhn mod N over the alphabet: it catches any single wrong character and any swap of two neighbours.
No name or email is ever asked or stored with a code.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
N = len(ALPHABET)
CODE = re.compile(rf"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{4}}$")


def check_character(body: str) -> str:
    """Luhn mod N: from the right, every other character's value is doubled (digits summed in base N)."""
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // N + addend % N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(N - total % N) % N]


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
