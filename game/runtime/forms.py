"""Form validation as real sites do it: on submit, one error code per field. Pure functions."""

from __future__ import annotations

import math
import re
from datetime import date

from game.scenario.browser import FormField, PasswordRules

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
# Canada Post: no D, F, I, O, Q, U; no W or Z in first position.
POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]$", re.I)
SYMBOLS = re.compile(r"[^A-Za-z0-9]")


def parse_date(text: str) -> date | None:
    """2026-11-20, 20/11/2026 or 20-11-2026."""
    text = text.strip()
    for pattern, order in ((r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"), (r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$", "dmy")):
        found = re.match(pattern, text)
        if found:
            parts = dict(zip(order, map(int, found.groups())))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def parse_number(text: str) -> float | None:
    try:
        number = float(text.strip().replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # float() also reads "nan" and "inf"


def phone_digits(text: str) -> str:
    return re.sub(r"[\s\-.()+]", "", text)


def password_problem(text: str, rules: PasswordRules) -> str | None:
    if len(text) < rules.min_length:
        return "password_too_short"
    if rules.digit and not re.search(r"[0-9]", text):
        return "password_needs_digit"
    if rules.upper and not re.search(r"[A-Z]", text):
        return "password_needs_upper"
    if rules.lower and not re.search(r"[a-z]", text):
        return "password_needs_lower"
    if rules.symbol and not SYMBOLS.search(text):
        return "password_needs_symbol"
    return None


def password_strength(text: str) -> int:
    """0 (none) to 4 (strong): length and the kinds of characters, as strength meters count."""
    if not text:
        return 0
    kinds = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    score = (len(text) >= 8) + (len(text) >= 12) + (kinds >= 3) + (kinds == 4)
    return max(1, min(4, score))


def field_error(field: FormField, value: str | bool | None, file_kind: str | None = None) -> str | None:
    """The error code of one field's value, or None when it is acceptable."""
    if field.kind in ("consent", "checkbox"):
        if field.required and value is not True:
            return "must_accept" if field.kind == "consent" else "required"
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return "required" if field.required else None
    if field.kind == "email" and not EMAIL.match(text):
        return "invalid_email"
    if field.kind == "phone":
        digits = phone_digits(text)
        if not (digits.isdigit() and (len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"))):
            return "invalid_phone"
    if field.kind == "postal_code" and not POSTAL_CODE.match(text):
        return "invalid_postal_code"
    if field.kind == "date" and parse_date(text) is None:
        return "invalid_date"
    if field.kind == "number":
        number = parse_number(text)
        if number is None:
            return "not_a_number"
        if field.min is not None and number < field.min:
            return "too_small"
        if field.max is not None and number > field.max:
            return "too_large"
    if field.kind in ("select", "radio") and text not in {o.id for o in field.options}:
        return "invalid_choice"
    if field.kind == "password" and field.password is not None:
        return password_problem(text, field.password)
    if field.kind == "file" and field.accept and file_kind not in field.accept:
        return "wrong_file_kind"
    if field.kind in ("text", "textarea"):
        if field.min_length is not None and len(text) < field.min_length:
            return "too_short"
        if field.max_length is not None and len(text) > field.max_length:
            return "too_long"
    return None
