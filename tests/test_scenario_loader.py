"""The scenario language: every kind of mistake an author can make is reported as path:line:col.

Invalid variants are made by editing the text of the bundled sample, so the expected position of
each problem is computed from where the edit is in the file.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from game.locales import supported_locales
from game.paths import SCENARIOS
from game.scenario.loader import LoadedScenario, ScenarioError, find_scenario, load_scenario, scenario_files
from game.scenario.source import MAX_DEPTH, MAX_FILE_BYTES, Problem, read_source
from game.scenario.walkthrough import Click, load_walkthrough

SAMPLE = SCENARIOS / "mail" / "confirm-meeting.yaml"


# --- helpers -------------------------------------------------------------------------
@pytest.fixture
def sample_text() -> str:
    # The sample without what follows its evidence (difficulty and measurement, both optional), so rules
    # appended land in `evidence`.
    text = SAMPLE.read_text(encoding="utf-8")
    assert "\ndifficulty: foundation\nmeasurement:" in text, "the sample's layout changed"
    return text.split("difficulty: foundation\n")[0]


def edited(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) >= count, f"the sample no longer contains {old!r}"
    return text.replace(old, new, count)


def position(text: str, needle: str, nth: int = 1, after: bool = False) -> tuple[int, int]:
    """Line and column (from 1) where the nth occurrence of `needle` starts (or ends, with after=True)."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    if after:
        index += len(needle)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def problems_of(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> list[Problem]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems, "a ScenarioError always lists its problems"
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def at(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.col


# --- the valid sample ----------------------------------------------------------------------
def test_the_sample_loads_with_the_sha256_of_its_bytes():
    loaded = load_scenario(SAMPLE)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.id == "mail.confirm-meeting"
    assert loaded.path == SAMPLE
    assert loaded.content_hash == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    mail = loaded.scenario.apps.mail
    assert [m.id for m in mail.messages] == ["meeting", "newsletter"]
    assert mail.folder_ids() == ["inbox", "sent", "junk", "trash"]
    assert [r.observable for r in loaded.scenario.evidence] == [
        "replied_to_manager", "reply_confirms_attendance", "reply_is_polite", "message_read_first",
        "time_to_reply_ms"]


def test_a_copy_loads_and_its_hash_follows_its_text(tmp_path, sample_text):
    copy = tmp_path / "copy.yaml"
    copy.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_scenario(copy).content_hash == load_scenario(SAMPLE).content_hash
    copy.write_text(sample_text + "# one more comment\n", encoding="utf-8")
    assert load_scenario(copy).content_hash != load_scenario(SAMPLE).content_hash


def test_supported_locales_are_the_translation_catalogues_default_first():
    assert supported_locales() == ("fr-CA", "en-CA")


def test_problem_prints_as_path_line_col_message():
    assert str(Problem("scenarios/x.yaml", 12, 5, "id: bad")) == "scenarios/x.yaml:12:5: id: bad"


# --- keys ---------------------------------------------------------------------------
def test_misspelled_key_is_named_with_a_suggestion_at_the_key(tmp_path, sample_text):
    text = edited(sample_text, "        read: true\n", "        raed: true\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "raed:") == (56, 9)
    assert problem.message == "apps.mail.messages[1].raed: unknown key 'raed' (did you mean 'read'?)"
    assert str(problem) == f"{tmp_path / 'bad.yaml'}:56:9: {problem.message}"


def test_misspelled_required_key_is_reported_as_unknown_and_missing(tmp_path, sample_text):
    text = edited(sample_text, "estimated_minutes: 4", "estimated_minute: 4")
    problems = problems_of(tmp_path, text)
    unknown = [p for p in problems if "unknown key" in p.message]
    assert len(unknown) == 1
    assert at(unknown[0]) == position(text, "estimated_minute:")
    assert unknown[0].message.endswith("unknown key 'estimated_minute' (did you mean 'estimated_minutes'?)")
    assert any(p.message == "estimated_minutes: missing key 'estimated_minutes'" for p in problems)


def test_misspelled_operator_in_a_where_test_is_the_only_problem(tmp_path, sample_text):
    text = edited(sample_text, "to: {includes: sophie", "to: {include: sophie")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "include:")
    assert problem.message == "evidence[0].where.to.include: unknown key 'include' (did you mean 'includes'?)"


def test_unknown_key_inside_an_end_condition_points_at_that_key(tmp_path, sample_text):
    text = edited(sample_text, "      where:\n        in_reply_to: meeting\nevidence:",
                  "      wher:\n        in_reply_to: meeting\nevidence:")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "wher:")
    assert problem.message == "end.all[0].wher: unknown key 'wher' (did you mean 'where'?)"


def test_missing_required_key_at_top_level_points_at_the_mapping(tmp_path, sample_text):
    text = edited(sample_text, "estimated_minutes: 4\n", "")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "id: mail") == (2, 1)
    assert problem.message == "estimated_minutes: missing key 'estimated_minutes'"


def test_missing_required_key_in_a_message_points_at_that_message(tmp_path, sample_text):
    text = edited(sample_text, "        to: [{name: Alex Tremblay, address: alex.tremblay@chezmado.ca}]\n"
                               "        time: 2026-11-19", "        time: 2026-11-19")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "id: newsletter")
    assert problem.message == "apps.mail.messages[1].to: missing key 'to'"


def test_duplicate_key_is_refused_at_the_second_key(tmp_path, sample_text):
    text = edited(sample_text, "version: 1\n", "version: 1\nversion: 2\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "version: 2") == (4, 1)
    assert problem.message == "duplicate key 'version'"


# --- values -------------------------------------------------------------------------
def test_wrong_type_is_reported_at_the_value(tmp_path, sample_text):
    text = edited(sample_text, "estimated_minutes: 4", "estimated_minutes: four")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "four") == (15, 20)
    assert problem.message.startswith("estimated_minutes: Input should be a valid integer")


def test_wrong_type_deep_in_a_message(tmp_path, sample_text):
    text = edited(sample_text, "        read: true", "        read: maybe")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "maybe")
    assert problem.message.startswith("apps.mail.messages[1].read: Input should be a valid boolean")


def test_wrong_type_of_an_end_condition_field(tmp_path, sample_text):
    text = edited(sample_text, "      where:\n        in_reply_to: meeting\nevidence:",
                  "      where: meeting\nevidence:")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "meeting\nevidence:")
    assert problem.message == "end.all[0].where: Input should be a valid dictionary"


def test_time_without_utc_offset(tmp_path, sample_text):
    text = edited(sample_text, "time: 2026-11-19T07:30:00-05:00", "time: 2026-11-19T07:30:00")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "2026-11-19T07:30:00")
    assert "time needs a UTC offset" in problem.message


def test_bad_id_pattern(tmp_path, sample_text):
    text = edited(sample_text, "id: mail.confirm-meeting", "id: Mail_Confirm")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == (2, 5)
    assert problem.message.startswith("id: String should match pattern")


def test_bad_message_id_pattern(tmp_path, sample_text):
    text = edited(sample_text, "      - id: newsletter", "      - id: News Letter")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "News Letter")
    assert problem.message.startswith("apps.mail.messages[1].id: String should match pattern")


def test_invalid_email_address(tmp_path, sample_text):
    text = edited(sample_text, "address: nouvelles@quartier-info.ca", "address: nouvelles-at-quartier")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "nouvelles-at-quartier")
    assert problem.message.startswith("apps.mail.messages[1].from.address: String should match pattern")


# --- texts in every locale ----------------------------------------------------------------
def test_missing_translation_points_at_the_text(tmp_path, sample_text):
    text = edited(sample_text, "  en-CA: Confirm a meeting\n", "")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "fr-CA: Confirmer") == (5, 3)
    assert problem.message == "title: missing translation for en-CA"


def test_blank_translation_counts_as_missing(tmp_path, sample_text):
    text = edited(sample_text, "en-CA: News from your neighbourhood", "en-CA: '  '")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "fr-CA: Les nouvelles")
    assert problem.message == "apps.mail.messages[1].subject: missing translation for en-CA"


def test_unknown_locale_points_at_its_key(tmp_path, sample_text):
    text = edited(sample_text, "  en-CA: Confirm a meeting\n", "  en-CA: Confirm a meeting\n  fr-FR: Confirmer\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "fr-FR:") == (7, 3)
    assert problem.message == "title: unknown locale 'fr-FR' (supported: fr-CA, en-CA)"


# --- references across the scenario -------------------------------------------------------
def test_message_in_an_unknown_folder(tmp_path, sample_text):
    text = edited(sample_text, "        read: true\n", "        read: true\n        folder: archive\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "archive") == (57, 17)
    assert problem.message == ("apps.mail.messages[1].folder: no folder with id 'archive' in this scenario "
                               "(known: inbox, junk, sent, trash)")


def test_folder_the_author_adds_is_known(tmp_path, sample_text):
    text = edited(sample_text, "    messages:\n",
                  "    folders:\n      - id: archive\n        name: {fr-CA: Archives, en-CA: Archive}\n    messages:\n")
    text = edited(text, "        read: true\n", "        read: true\n        folder: archive\n")
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).scenario.apps.mail.messages[1].folder == "archive"


def test_folder_named_like_a_built_in_one(tmp_path, sample_text):
    text = edited(sample_text, "    messages:\n",
                  "    folders:\n      - id: junk\n        name: {fr-CA: Pourriel, en-CA: Junk}\n    messages:\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "junk\n")
    assert problem.message == "apps.mail.folders[0].id: folder id 'junk' is a built-in folder"


def test_evidence_rule_naming_an_unknown_event_type(tmp_path, sample_text):
    text = edited(sample_text, "    rule: happened\n    event: message_sent\n",
                  "    rule: happened\n    event: message_sendt\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "message_sendt") == (72, 12)
    assert problem.message == "evidence[0].event: unknown event 'message_sendt' (see docs/data-dictionary.md)"


def test_where_field_the_event_does_not_have_points_at_the_key(tmp_path, sample_text):
    text = edited(sample_text, "      in_reply_to: meeting\n      to:", "      in_reply_too: meeting\n      to:")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "in_reply_too:") == (74, 7)
    assert problem.message == ("evidence[0].where.in_reply_too: event 'message_sent' has no field 'in_reply_too' "
                               "(fields: attachments, body, cc, draft, in_reply_to, kind, length, subject, to)")


def test_where_filter_naming_a_nonexistent_message(tmp_path, sample_text):
    text = edited(sample_text, "start: {event: message_opened, where: {message: meeting}}",
                  "start: {event: message_opened, where: {message: meetin}}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "meetin}") == (98, 53)
    assert problem.message == ("evidence[4].start.where.message: no message with id 'meetin' in this scenario "
                               "(known: meeting, newsletter)")


def test_where_filter_with_in_naming_a_nonexistent_message(tmp_path, sample_text):
    text = edited(sample_text, "first: {event: message_opened, where: {message: meeting}}",
                  "first: {event: message_opened, where: {message: {in: [meeting, nope]}}}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{in: [meeting, nope]}")
    assert problem.message == ("evidence[3].first.where.message: no message with id 'nope' in this scenario "
                               "(known: meeting, newsletter)")


RULE = """  - observable: extra
    competence: "2.1"
    rule: happened
    event: {event}
    where: {{{field}: {value}}}
"""


@pytest.mark.parametrize("event, field, value, kind, known", [
    ("message_moved", "to_folder", "archive", "folder", "inbox, junk, sent, trash"),
    ("attachment_opened", "attachment", "horaire", "attachment", "none"),
    ("link_clicked", "link", "claim", "link", "none"),
    ("message_deleted", "message", "ghost", "message", "meeting, newsletter"),
])
def test_where_filter_naming_a_nonexistent_object(tmp_path, sample_text, event, field, value, kind, known):
    text = sample_text + RULE.format(event=event, field=field, value=value)
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, f"{value}}}")
    assert problem.message == (f"evidence[5].where.{field}: no {kind} with id {value!r} in this scenario "
                               f"(known: {known})")


def test_where_filters_naming_existing_attachment_and_link_are_accepted(tmp_path, sample_text):
    text = edited(sample_text, "          en-CA: Christmas market on Saturday at the park. Everyone welcome!\n",
                  "          en-CA: Christmas market on Saturday at the park. Everyone welcome!\n"
                  "        attachments:\n          - {id: programme, name: programme.pdf, kind: pdf}\n"
                  "        links:\n          - {id: site, text: {fr-CA: Site, en-CA: Site}, url: 'https://q.ca'}\n")
    text += RULE.format(event="attachment_opened", field="attachment", value="programme")
    text += RULE.format(event="link_clicked", field="link", value="site").replace("extra", "extra2")
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_scenario(path).scenario.evidence) == 7


def test_end_condition_message_in_folder_naming_an_unknown_folder(tmp_path, sample_text):
    text = edited(sample_text, "end:\n  all:\n",
                  "end:\n  all:\n    - message_in_folder: {message: newsletter, folder: archive}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "archive}") == (65, 56)
    assert problem.message == ("end.all[0].message_in_folder.folder: no folder with id 'archive' in this scenario "
                               "(known: inbox, junk, sent, trash)")


def test_end_condition_message_in_folder_naming_an_unknown_message(tmp_path, sample_text):
    text = edited(sample_text, "end:\n  all:\n",
                  "end:\n  all:\n    - message_in_folder: {message: newsleter, folder: trash}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "newsleter")
    assert problem.message.startswith("end.all[0].message_in_folder.message: no message with id 'newsleter'")


def test_end_needs_exactly_one_of_all_or_any(tmp_path, sample_text):
    text = edited(sample_text, "end:\n  all:\n", "end:\n  any: [{event: help_opened}]\n  all:\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "any:")
    assert problem.message == "end: give exactly one of 'all' or 'any'"


def test_duplicate_message_ids_point_at_the_repeat(tmp_path, sample_text):
    text = edited(sample_text, "      - id: newsletter", "      - id: meeting")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "- id: ", nth=2, after=True) == (52, 13)
    assert problem.message == ("apps.mail.messages[1].id: message id 'meeting' is used more than once "
                               "(first at apps.mail.messages[0].id)")


def test_duplicate_observable_names_point_at_the_repeat(tmp_path, sample_text):
    text = edited(sample_text, "  - observable: reply_is_polite", "  - observable: replied_to_manager")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "- observable: ", nth=3, after=True) == (83, 17)
    assert problem.message == ("evidence[2].observable: observable name 'replied_to_manager' is used more than once "
                               "(first at evidence[0].observable)")


def test_test_with_two_operators_is_one_problem_at_the_test(tmp_path, sample_text):
    text = edited(sample_text, "to: {includes: sophie.gagnon@chezmado.ca}",
                  "to: {includes: sophie.gagnon@chezmado.ca, excludes: karim.haddad@chezmado.ca}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{includes:") == (75, 11)
    assert problem.message.startswith("evidence[0].where.to: give exactly one operator among: equals, not_equals, in,")


def test_test_with_no_operator(tmp_path, sample_text):
    text = edited(sample_text, "to: {includes: sophie.gagnon@chezmado.ca}", "to: {}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{}")
    assert "give exactly one operator" in problem.message


def test_unknown_rule_kind_points_at_the_rule(tmp_path, sample_text):
    text = edited(sample_text, "    rule: before", "    rule: befor")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "befor\n") == (92, 11)
    assert problem.message.startswith("evidence[3].rule: Input tag 'befor' found using 'rule' does not match")
    assert "'happened', 'not_happened', 'count', 'before', 'duration', 'at_end'" in problem.message


def test_competence_outside_digcomp(tmp_path, sample_text):
    text = edited(sample_text, 'competences: ["2.1", "2.5"]', 'competences: ["2.1", "6.1"]')
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, '"6.1"')
    assert problem.message.startswith("competences[1]: String should match pattern")


def test_problems_are_all_reported_in_file_order(tmp_path, sample_text):
    text = edited(sample_text, "version: 1", "version: 0")
    text = edited(text, "        read: true\n", "        raed: true\n")
    problems = problems_of(tmp_path, text)
    assert [at(p) for p in problems] == [position(text, "0\n"), position(text, "raed:")]


# --- the YAML itself ---------------------------------------------------------------------
def test_yaml_syntax_error_with_its_position(tmp_path, sample_text):
    text = edited(sample_text, "version: 1", "version: 1: 2")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == (3, 11)
    assert problem.message == "YAML syntax: mapping values are not allowed here"


def test_tab_indentation_is_a_syntax_error(tmp_path):
    problem = only(problems_of(tmp_path, "id: a.b\n\tversion: 1\n"))
    assert at(problem) == (2, 1)
    assert problem.message.startswith("YAML syntax:")


def test_python_tag_is_refused(tmp_path, sample_text):
    text = edited(sample_text, "version: 1", "version: !!python/object/apply:os.system ['echo pwned']")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "!!python") == (3, 10)
    assert problem.message == "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in scenario files"


def test_python_tag_on_a_key_is_refused(tmp_path, sample_text):
    text = edited(sample_text, "version: 1\n", "version: 1\n!!python/name:os.system : 1\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "!!python") == (4, 1)
    assert "is not allowed in scenario files" in problem.message


def test_local_tag_is_refused(tmp_path, sample_text):
    text = edited(sample_text, "estimated_minutes: 4", "estimated_minutes: !minutes 4")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "!minutes")
    assert problem.message == "tag '!minutes' is not allowed in scenario files"


def test_merge_key_is_refused(tmp_path, sample_text):
    text = edited(sample_text, "    me: {name: Alex Tremblay, address: alex.tremblay@chezmado.ca}",
                  "    me: &me {name: Alex Tremblay, address: alex.tremblay@chezmado.ca}")
    text = edited(text, "      - {name: Sophie Gagnon, address: sophie.gagnon@chezmado.ca}",
                  "      - {<<: *me, name: Sophie Gagnon}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "<<") == (20, 10)
    assert problem.message == "merge keys (<<) are not allowed in scenario files"


def test_a_few_aliases_are_allowed(tmp_path, sample_text):
    text = edited(sample_text, "    me: {name: Alex Tremblay, address: alex.tremblay@chezmado.ca}",
                  "    me: &me {name: Alex Tremblay, address: alex.tremblay@chezmado.ca}")
    text = text.replace("to: [{name: Alex Tremblay, address: alex.tremblay@chezmado.ca}]", "to: [*me]")
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.scenario.apps.mail.messages[1].to[0].address == "alex.tremblay@chezmado.ca"


def test_billion_laughs_is_refused_in_under_a_second(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\nid: lol.lol\n"
    started = time.perf_counter()
    problem = only(problems_of(tmp_path, text))
    assert time.perf_counter() - started < 1.0
    assert problem.message == "too many aliases (more than 100)"
    assert problem.line <= 9


def test_deep_nesting_is_refused_quickly(tmp_path):
    depth = 200_000
    text = "id: " + "[" * depth + "]" * depth + "\n"
    started = time.perf_counter()
    problem = only(problems_of(tmp_path, text))
    assert time.perf_counter() - started < 3.0
    assert problem.message == f"nested too deeply (more than {MAX_DEPTH} levels)"
    assert at(problem) == (1, 5 + MAX_DEPTH)


def test_file_over_one_megabyte_is_refused_before_parsing(tmp_path, sample_text):
    text = sample_text + "# " + "x" * MAX_FILE_BYTES + "\n"
    problem = only(problems_of(tmp_path, text))
    size = len(text.encode("utf-8"))
    assert at(problem) == (1, 1)
    assert problem.message == f"file too large ({size} bytes, at most {MAX_FILE_BYTES})"


def test_non_utf8_file_points_at_the_bad_byte(tmp_path, sample_text):
    raw = edited(sample_text, "  fr-CA: Confirmer une rencontre", "  fr-CA: Confirmer une r\xe9union").encode("latin-1",
                                                                                                          "replace")
    problem = only(problems_of(tmp_path, raw))
    assert problem.message.startswith("not UTF-8 text (byte ")
    first_bad = next(i for i, b in enumerate(raw) if b >= 0x80)
    before = raw[:first_bad]
    assert at(problem) == (before.count(b"\n") + 1, first_bad - before.rfind(b"\n"))


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path, text):
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == (1, 1)
    assert problem.message in ("file is empty", "a scenario file must be a mapping of keys")
    if text != "---\n":
        assert problem.message == "file is empty"


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n"])
def test_file_that_is_not_a_mapping(tmp_path, text):
    problem = only(problems_of(tmp_path, text))
    assert (at(problem), problem.message) == ((1, 1), "a scenario file must be a mapping of keys")


def test_missing_file(tmp_path):
    problem = only(problems_of_path(tmp_path / "nope.yaml"))
    assert at(problem) == (1, 1)
    assert problem.message.startswith("cannot read file:")


def problems_of_path(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


# --- the source reader keeps positions ---------------------------------------------------------
def test_source_keeps_positions_of_keys_and_values(sample_text):
    source = read_source("x.yaml", sample_text)
    assert source.position(("estimated_minutes",)) == (15, 20)
    assert source.position(("estimated_minutes",), key=True) == (15, 1)
    assert source.position(("apps", "mail", "messages", 1, "id")) == (52, 13)
    # A path that goes beyond the data stops at the deepest part that exists.
    assert source.position(("apps", "mail", "messages", 1, "nothing", 3)) == source.position(
        ("apps", "mail", "messages", 1))


def test_scalars_are_plain_data(tmp_path):
    source = read_source("x.yaml", "a: 0x1F\nb: 1_000\nc: .inf\nd: ~\ne: true\nf: 2026-01-05\ng: '7'\n")
    assert source.data == {"a": 31, "b": 1000, "c": float("inf"), "d": None, "e": True, "f": "2026-01-05", "g": "7"}


# --- finding scenarios ---------------------------------------------------------------------
def test_scenario_files_skip_walkthroughs(tmp_path, sample_text):
    (tmp_path / "a.yaml").write_text(sample_text, encoding="utf-8")
    (tmp_path / "a.walkthrough.yaml").write_text("scenario: mail.confirm-meeting\nsteps: [{wait: 1}]\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text(sample_text, encoding="utf-8")
    assert scenario_files([tmp_path]) == [tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml"]


def test_find_scenario_by_id_or_path(tmp_path):
    assert find_scenario("mail.confirm-meeting", [SCENARIOS]).path == SAMPLE
    assert find_scenario(str(SAMPLE), []).id == "mail.confirm-meeting"
    with pytest.raises(ScenarioError) as caught:
        find_scenario("mail.nothing-here", [SCENARIOS])
    assert "no scenario with id 'mail.nothing-here'" in caught.value.problems[0].message


# --- walkthroughs ------------------------------------------------------------------------------
WALKTHROUGH = """scenario: mail.confirm-meeting
steps:
  - click: taskbar.mail
  - click: mail.message.meeting
  - click: mail.reply
  - click: compose.body
  - type: {fr-CA: "Bonjour Sophie, oui je serai là. Merci!", en-CA: "Hello Sophie, yes I will be there. Thanks!"}
  - key: ctrl+enter
  - wait: 500
  - click: compose.send
expect:
  outcome: completed
  observables: {replied_to_manager: 1, reply_is_polite: 1}
"""


def test_walkthrough_loads_against_its_scenario(tmp_path):
    path = tmp_path / "confirm-meeting.walkthrough.yaml"
    path.write_text(WALKTHROUGH, encoding="utf-8")
    walkthrough = load_walkthrough(path, load_scenario(SAMPLE))
    assert isinstance(walkthrough.steps[1], Click) and walkthrough.steps[1].click == "mail.message.meeting"
    assert walkthrough.expect.observables == {"replied_to_manager": 1, "reply_is_polite": 1}


@pytest.mark.parametrize("old, new, needle, message", [
    ("click: mail.message.meeting", "click: mail.message.meting", "mail.message.meting",
     "steps[1].click: no element 'mail.message.meting' in this scenario"),
    ("  - wait: 500", "  - jump: 500", "jump", "steps[6]: a step is one of click, type, key, hold, release, wait"),
    ("key: ctrl+enter", "key: ctrl+enterr", "ctrl+enterr", "steps[5].key: String should match pattern"),
    ("scenario: mail.confirm-meeting", "scenario: mail.other", "mail.other",
     "scenario: walkthrough is for 'mail.other' but sits beside 'mail.confirm-meeting'"),
    ("reply_is_polite: 1", "reply_is_nice: 1", "reply_is_nice",
     "expect.observables: no observable 'reply_is_nice' in the scenario"),
])
def test_walkthrough_problems(tmp_path, old, new, needle, message):
    text = edited(WALKTHROUGH, old, new)
    path = tmp_path / "confirm-meeting.walkthrough.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_walkthrough(path, load_scenario(SAMPLE))
    problem = only(caught.value.problems)
    assert problem.message.startswith(message)
    assert at(problem) == position(text, needle)


# --- references found by reviewing the runtime ------------------------------------------
def test_message_id_like_a_draft_is_refused(tmp_path, sample_text):
    text = edited(sample_text, "- id: newsletter", "- id: d1")
    problem = only(problems_of(tmp_path, text))
    assert (problem.line, problem.col) == position(text, "d1", after=False)
    assert "kept for messages the participant writes" in problem.message


def test_numeric_message_id_in_a_filter_must_be_quoted(tmp_path, sample_text):
    text = edited(sample_text, "- id: newsletter", "- id: '2024'")
    text = edited(text, "first: {event: message_opened, where: {message: meeting}}",
                  "first: {event: message_opened, where: {message: 2024}}")
    problem = only(problems_of(tmp_path, text))
    assert (problem.line, problem.col) == position(text, "2024}}")
    assert "write the message id as text, in quotes: '2024'" in problem.message


def test_evidence_competence_must_be_targeted_by_the_scenario(tmp_path, sample_text):
    text = edited(sample_text, 'competence: "2.5"', 'competence: "4.2"')
    problem = only(problems_of(tmp_path, text))
    assert (problem.line, problem.col) == position(text, '"4.2"')
    assert "competence '4.2' is not among the scenario's competences (2.1, 2.5)" in problem.message
