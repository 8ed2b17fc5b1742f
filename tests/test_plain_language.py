"""Plain language: briefs, titles and the interface texts participants see are in short sentences, without jargon.

The rules and the word lists are in assets/plain-language.yaml (its comments define sentences and words):
- every scenario's title and brief, in every language: at most `max_words_per_sentence` words per sentence on
  average, and no word of that language's jargon list (unless the scenario's `allowed` names it);
- every interface text participants see (assets/translations/*.json): the same average. Facilitator screens
  are left out, by key prefix (FACILITATOR_KEYS): the settings, the facilitator menu, the sessions list, the
  participant codes, the PIN, and the buttons and notices of the stored-session view (`summary.pdf*`). The
  printed profile (`pdf.*`) is read by participants: it is checked.
"""

from __future__ import annotations

import re

import pytest
from ruamel.yaml import YAML

from game.i18n import catalogue
from game.locales import supported_locales
from game.paths import ROOT, SCENARIOS
from game.sessions import scenario_library

RULES = YAML(typ="safe").load((ROOT / "assets" / "plain-language.yaml").read_text(encoding="utf-8"))
MAX_WORDS = RULES["max_words_per_sentence"]
LIBRARY = scenario_library([SCENARIOS])
FACILITATOR_KEYS = ("settings.", "facilitator.", "sessions.", "codes.", "pin.", "summary.pdf")

SENTENCE_END = re.compile(r"[.!?:…](?=\s|$)|\n")
PLACEHOLDER = re.compile(r"\{[a-z_0-9]+\}")
LETTERS = re.compile(r"[^\W\d_]+")  # a word for the jargon list: letters only, cut at ' ’ - and the rest


def sentences(text: str) -> list[list[str]]:
    """The text's sentences, each as its words (see assets/plain-language.yaml)."""
    found = []
    for part in SENTENCE_END.split(text):
        words = [w for w in part.split() if re.search(r"\w", w)]
        if words:
            found.append(words)
    return found


def words_per_sentence(text: str) -> float:
    parts = sentences(text)
    return sum(len(p) for p in parts) / len(parts) if parts else 0.0


def jargon_in(text: str, locale: str, allowed: set[str] = frozenset()) -> list[str]:
    """Listed words the text uses, each with the plainer way to say it."""
    listed = RULES["jargon"][locale]
    found = []
    for word in LETTERS.findall(PLACEHOLDER.sub(" ", text).casefold()):
        for entry, plainer in listed.items():
            hit = word.startswith(entry[:-1]) if entry.endswith("*") else word == entry
            if hit and entry not in allowed:
                found.append(f"{word!r} (try: {plainer})")
    return found


def test_the_rules_count_as_documented():
    assert sentences("Bonjour Sophie! Peux-tu venir à 14 h?\nMerci : Alex") == [
        ["Bonjour", "Sophie"], ["Peux-tu", "venir", "à", "14", "h"], ["Merci"], ["Alex"]]
    assert words_per_sentence("Le site « Emplois » est à 5 km. Il ouvre à 9 h.") == 6.0
    assert sentences("Le site example.ca ouvre à 2 p.m. demain") == [
        ["Le", "site", "example.ca", "ouvre", "à", "2", "p.m"], ["demain"]]
    assert jargon_in("Saisissez votre identifiant dans l'interface.", "fr-CA") == [
        "'saisissez' (try: écrire)", "'identifiant' (try: nom d'utilisateur)", "'interface' (try: écran, page)"]
    assert jargon_in("Open the {url} link in the browser.", "en-CA") == []  # placeholders are not words
    assert jargon_in("Le navigateur ouvre la page.", "fr-CA") == []  # "navigateur" is the app's plain name
    assert set(RULES["jargon"]) == set(supported_locales())
    assert set(RULES["allowed"]) <= set(LIBRARY)


@pytest.mark.parametrize("locale", supported_locales())
@pytest.mark.parametrize("sid", sorted(LIBRARY))
def test_titles_and_briefs_are_short_sentences_without_jargon(sid, locale):
    scenario = LIBRARY[sid].scenario
    allowed = set(RULES["allowed"].get(sid) or [])
    for what in ("title", "brief"):
        text = getattr(scenario, what)[locale]
        average = words_per_sentence(text)
        assert average <= MAX_WORDS, (f"{sid} {what} ({locale}): {average:.1f} words per sentence "
                                      f"(at most {MAX_WORDS}); split the long sentences")
        assert jargon_in(text, locale, allowed) == [], f"{sid} {what} ({locale}): words to avoid"


@pytest.mark.parametrize("locale", supported_locales())
def test_interface_texts_participants_see_are_short_sentences(locale):
    too_long = {}
    for key, text in catalogue(locale).items():
        if key.startswith(FACILITATOR_KEYS):
            continue
        average = words_per_sentence(PLACEHOLDER.sub("x", text))  # a placeholder counts as one word
        if average > MAX_WORDS:
            too_long[key] = round(average, 1)
    assert too_long == {}, f"more than {MAX_WORDS} words per sentence on average"


def test_the_shipped_scenarios_are_all_checked():
    assert len(LIBRARY) >= 15 and "tutorial.first-steps" in LIBRARY
