"""Participant codes and the facilitator PIN."""

from __future__ import annotations

import itertools
import os
import stat

import pytest

from game.facilitator.codes import ALPHABET, check_character, is_valid, looks_generated, new_code, new_codes
from game.facilitator.pin import FIRST_LOCK_S, FREE_TRIES, MAX_LOCK_S, FacilitatorPin, PinError
from game.sessions import PARTICIPANT_CODE


def test_codes_are_short_unambiguous_and_accepted_by_the_game():
    codes = new_codes(500)
    assert len(set(codes)) == 500
    for code in codes:
        assert is_valid(code) and looks_generated(code) and PARTICIPANT_CODE.match(code)
        assert not set(code.replace("-", "")) & set("0O1IL5S2Z8BUV")


def test_the_check_character_catches_every_single_typo_and_neighbour_swap():
    for _ in range(40):
        code = new_code()
        body = code.replace("-", "")
        for i, wrong in itertools.product(range(7), ALPHABET):
            if wrong != body[i]:
                typo = body[:i] + wrong + body[i + 1:]
                assert not is_valid(f"{typo[:3]}-{typo[3:]}"), (code, typo)
        for i in range(6):
            if body[i] != body[i + 1]:
                swapped = body[:i] + body[i + 1] + body[i] + body[i + 2:]
                assert not is_valid(f"{swapped[:3]}-{swapped[3:]}"), (code, swapped)


def test_codes_already_used_are_never_made_again():
    taken = set(new_codes(50))
    assert not set(new_codes(200, taken)) & taken
    assert check_character("AAAAAA") in ALPHABET


@pytest.fixture
def clock():
    return [1_000_000.0]


def test_the_pin_is_kept_only_as_a_salted_scrypt_hash(tmp_path, clock):
    pin = FacilitatorPin(tmp_path, clock=lambda: clock[0])
    assert not pin.is_set
    pin.set("482916")
    text = pin.path.read_text()
    assert "482916" not in text and '"salt"' in text and '"scrypt"' in text
    assert stat.S_IMODE(os.stat(pin.path).st_mode) == 0o600
    (tmp_path / "other").mkdir()
    other = FacilitatorPin(tmp_path / "other")
    other.set("482916")
    assert other.path.read_text() != text  # a salt of its own: the same PIN hashes differently
    assert pin.check("482916").ok and not pin.check("482917").ok
    with pytest.raises(PinError):
        pin.set("12a4")
    with pytest.raises(PinError):
        pin.set("123")


def test_five_wrong_tries_lock_the_pin_out_for_longer_each_time(tmp_path, clock):
    pin = FacilitatorPin(tmp_path, clock=lambda: clock[0])
    pin.set("2468")
    left = [pin.check("0000").tries_left for _ in range(FREE_TRIES - 1)]
    assert left == [4, 3, 2, 1]
    fifth = pin.check("0000")
    assert not fifth.ok and fifth.locked_for_s == FIRST_LOCK_S
    locked = pin.check("2468")  # even the right PIN is refused while locked out
    assert not locked.ok and locked.locked_for_s == pytest.approx(FIRST_LOCK_S)
    restarted = FacilitatorPin(tmp_path, clock=lambda: clock[0])  # closing the game does not reset it
    assert restarted.check("2468").locked_for_s > 0
    clock[0] += FIRST_LOCK_S + 1
    assert pin.check("1111").locked_for_s == 2 * FIRST_LOCK_S  # doubled
    clock[0] += 2 * FIRST_LOCK_S + 1
    assert pin.check("2468").ok
    assert pin.check("0000").tries_left == FREE_TRIES - 1  # a right PIN starts the count again
    for _ in range(30):
        clock[0] += MAX_LOCK_S + 1
        pin.check("0000")
    assert pin.check("0000").locked_for_s <= MAX_LOCK_S


def test_a_damaged_pin_file_is_said_in_one_line(tmp_path):
    (tmp_path / "facilitator.json").write_text("{nope")
    with pytest.raises(PinError, match="cannot read the facilitator PIN"):
        FacilitatorPin(tmp_path).check("1234")
