"""Form validation as real sites do it: one error code per field, computed on submit."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from game.runtime.forms import (
    field_error,
    parse_date,
    parse_number,
    password_problem,
    password_strength,
)
from game.scenario.browser import FormField, PasswordRules

LABEL = {"fr-CA": "Champ", "en-CA": "Field"}
OPTIONS = [{"id": "day", "label": {"fr-CA": "Jour", "en-CA": "Day"}},
           {"id": "night", "label": {"fr-CA": "Nuit", "en-CA": "Night"}}]


def field(kind: str, **extra) -> FormField:
    if kind in ("select", "radio"):
        extra.setdefault("options", OPTIONS)
    if kind == "consent":
        extra.setdefault("policy", "privacy")
    return FormField(id="f", kind=kind, label=LABEL, **extra)


# --- required ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["text", "email", "phone", "postal_code", "date", "number", "select", "radio",
                                  "textarea", "password", "file"])
@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_required_field_is_required(kind, empty):
    assert field_error(field(kind), empty) == "required"


@pytest.mark.parametrize("kind", ["text", "email", "phone", "postal_code", "date", "number", "select", "textarea"])
def test_an_empty_optional_field_is_fine_but_a_wrong_one_is_not(kind):
    optional = field(kind, required=False)
    assert field_error(optional, "") is None
    assert field_error(optional, "  ") is None
    if kind not in ("text", "textarea"):
        assert field_error(optional, "@@@") is not None, "optional means it may be left empty, not wrong"


def test_a_required_checkbox_must_be_ticked_and_a_consent_must_be_accepted():
    assert field_error(field("checkbox"), False) == "required"
    assert field_error(field("checkbox"), True) is None
    assert field_error(field("consent"), False) == "must_accept"
    assert field_error(field("consent"), None) == "must_accept"
    assert field_error(field("consent"), "true") == "must_accept", "only a ticked box (True) is consent"
    assert field_error(field("consent"), True) is None


def test_an_optional_checkbox_may_stay_unticked():
    assert field_error(field("checkbox", required=False), False) is None
    assert field_error(field("consent", required=False), False) is None


# --- email ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["alex@courriel.ca", "alex.tremblay+emploi@sous.domaine.quebec", "  a@b.co  "])
def test_valid_emails(text):
    assert field_error(field("email"), text) is None


@pytest.mark.parametrize("text", ["alex", "alex@", "@courriel.ca", "alex@courriel", "alex@courriel.c",
                                  "alex tremblay@courriel.ca", "alex@@courriel.ca", "a@b.ca, c@d.ca", "<a@b.ca>"])
def test_invalid_emails(text):
    assert field_error(field("email"), text) == "invalid_email"


# --- phone -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["5145550199", "514-555-0199", "(514) 555-0199", "514.555.0199", "514 555 0199",
                                  "15145550199", "1-514-555-0199", "+1 514 555-0199"])
def test_valid_phones_have_10_digits_or_11_starting_with_1(text):
    assert field_error(field("phone"), text) is None


@pytest.mark.parametrize("text", ["555-0199", "514-555-019", "25145550199", "514-555-01999", "514-CALL-NOW",
                                  "514/555/0199", "+33 1 23 45 67 89 0"])
def test_invalid_phones(text):
    assert field_error(field("phone"), text) == "invalid_phone"


# --- postal code -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["H2L 1P7", "H2L1P7", "h2l 1p7", "h2l1p7", "K1A 0B1", "T2X 1V4", " H2L 1P7 "])
def test_valid_canadian_postal_codes(text):
    assert field_error(field("postal_code"), text) is None


@pytest.mark.parametrize("text", [
    "D2L 1P7",  # D is never used
    "W2L 1P7",  # W is never first
    "Z2L 1P7",  # nor Z
    "H2O 1P7",  # O is never used
    "H2L 1U7",  # nor U
    "H2L  1P7",  # two spaces
    "H2L-1P7",
    "H2L 1P",
    "12345",
    "2HL 1P7",
])
def test_invalid_postal_codes(text):
    assert field_error(field("postal_code"), text) == "invalid_postal_code"


def test_w_and_z_are_fine_after_the_first_letter():
    assert field_error(field("postal_code"), "H2W 1Z7") is None


# --- date ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", date(2026, 11, 20)), ("2026-1-5", date(2026, 1, 5)), ("20/11/2026", date(2026, 11, 20)),
    ("5/1/2026", date(2026, 1, 5)), ("20-11-2026", date(2026, 11, 20)), ("2028-02-29", date(2028, 2, 29)),
])
def test_dates_are_read_year_first_or_day_first(text, expected):
    assert parse_date(text) == expected
    assert field_error(field("date"), text) is None


@pytest.mark.parametrize("text", ["2026-02-30", "30/02/2026", "2026-02-29", "2026-13-01", "32/01/2026", "11/20/2026",
                                  "20 novembre 2026", "2026/11/20", "26-11-20", "demain"])
def test_impossible_or_unreadable_dates_are_invalid(text):
    assert parse_date(text) is None
    assert field_error(field("date"), text) == "invalid_date"


# --- number ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [("25", 25.0), ("25,5", 25.5), ("25.5", 25.5), (" 1 000,25 ", 1000.25),
                                            ("-3", -3.0)])
def test_numbers_read_with_a_comma_or_a_point(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["vingt", "25 $", "1,000.5", "nan", "inf", "-infinity", ""])
def test_what_is_not_a_number(text):
    assert parse_number(text) is None
    if text:
        assert field_error(field("number"), text) == "not_a_number"


def test_a_number_between_its_bounds():
    hours = field("number", min=10, max=40)
    assert field_error(hours, "9,5") == "too_small"
    assert field_error(hours, "10") is None
    assert field_error(hours, "40,0") is None
    assert field_error(hours, "40,5") == "too_large"
    assert field_error(field("number"), "-1000000") is None, "no bounds, no limit"


# --- choices ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["select", "radio"])
def test_a_choice_must_be_one_of_the_options_ids(kind):
    assert field_error(field(kind), "day") is None
    assert field_error(field(kind), "Jour") == "invalid_choice", "the option's id, not its label"
    assert field_error(field(kind), "evening") == "invalid_choice"


def test_options_belong_to_select_and_radio_fields_only():
    with pytest.raises(ValidationError, match="a select field needs options"):
        FormField(id="f", kind="select", label=LABEL)
    with pytest.raises(ValidationError, match="only select and radio fields have options, not text"):
        FormField(id="f", kind="text", label=LABEL, options=OPTIONS)


# --- password --------------------------------------------------------------------------------------
def test_a_password_field_has_the_usual_rules_unless_told_otherwise():
    rules = field("password").password
    assert rules == PasswordRules(min_length=8, digit=True, upper=True, lower=True, symbol=False)


@pytest.mark.parametrize("text, code", [
    ("Ab1", "password_too_short"),
    ("Abcdefgh", "password_needs_digit"),
    ("abcdefg1", "password_needs_upper"),
    ("ABCDEFG1", "password_needs_lower"),
    ("Abcdefg1", "password_needs_symbol"),
    ("Abcdef1!", None),
    ("Abcdef1 x", None),  # a space counts as a symbol
])
def test_each_password_rule(text, code):
    rules = PasswordRules(symbol=True)
    assert password_problem(text, rules) == code
    assert field_error(field("password", password=rules.model_dump()), text) == code


def test_password_rules_can_be_relaxed():
    lenient = PasswordRules(min_length=4, digit=False, upper=False, lower=True, symbol=False)
    assert password_problem("soleil", lenient) is None
    assert password_problem("abc", lenient) == "password_too_short"
    assert password_problem("SOLEIL", lenient) == "password_needs_lower"


def test_the_rules_are_checked_in_the_order_sites_state_them():
    assert password_problem("a", PasswordRules(symbol=True)) == "password_too_short", "length first"
    assert password_problem("abcdefgh", PasswordRules(symbol=True)) == "password_needs_digit"


def test_password_strength_grows_with_length_and_kinds_of_characters():
    ladder = ["", "abc", "abcdefgh", "Abcdefg1", "Abcdefgh1234", "Abcdefgh12!x"]
    strengths = [password_strength(p) for p in ladder]
    assert strengths == [0, 1, 1, 2, 3, 4]
    assert all(0 <= s <= 4 for s in strengths)
    assert password_strength("a") == 1, "anything typed is at least weak"
    assert password_strength("Abcdefgh12!x" * 5) == 4, "never more than strong"


# --- files ------------------------------------------------------------------------------------------
def test_a_file_field_checks_the_kind_of_the_chosen_file():
    cv = field("file", accept=["pdf", "docx"])
    assert field_error(cv, "f1", "pdf") is None
    assert field_error(cv, "f1", "docx") is None
    assert field_error(cv, "f1", "image") == "wrong_file_kind"
    assert field_error(cv, "f1", None) == "wrong_file_kind"
    assert field_error(field("file"), "f1", "exe") is None, "no accept list: any kind"


# --- text length ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["text", "textarea"])
def test_text_length_limits(kind):
    name = field(kind, min_length=2, max_length=5)
    assert field_error(name, "A") == "too_short"
    assert field_error(name, " A ") == "too_short", "spaces around do not count"
    assert field_error(name, "Al") is None
    assert field_error(name, "Alexa") is None
    assert field_error(name, "Alexan") == "too_long"
