"""The browser and file manager in the scenario language: each author's mistake reported at its line.

Invalid variants are made by editing the text of a valid scenario, so the expected position of each
problem is where the edit is in the file.
"""

from __future__ import annotations

import pytest

from game.scenario.browser import FIELD_KINDS, FormField
from game.scenario.files import FILE_KINDS
from game.scenario.source import Problem
from tests.desktop_support import (
    APPLY_ONLINE,
    edited,
    position,
    problems_of,
    value_position,
    write_scenario,
)

PAGES = "apply, jobs, privacy, search, thanks"


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def at(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.col


def test_the_scenario_with_every_app_loads(tmp_path):
    scenario = write_scenario(tmp_path).scenario
    assert scenario.apps.names() == ["mail", "browser", "files"]
    assert scenario.persona.email == "alex.tremblay@courriel.ca"
    browser = scenario.apps.browser
    assert browser.page_ids() == ["search", "jobs", "apply", "privacy", "thanks"]
    assert list(browser.forms()) == ["application"]
    assert browser.link_ids() == ["to_apply", "write_us", "gov", "by_address"]
    assert browser.query_ids() == ["q_jobs", "q_jobs_mtl"]
    assert browser.result_ids() == ["ad", "mado", "mado_mtl"]
    kinds = {f.kind for f in browser.forms()["application"].fields}
    assert kinds == set(FIELD_KINDS), "the form uses every kind of field"
    assert scenario.apps.files.folder_ids() == ["documents", "downloads", "desktop", "trash", "job"]
    assert scenario.apps.files.file_ids() == ["old_cv", "photo", "notes"]
    assert not scenario.apps.mail.messages[1].delivered


def test_field_and_file_kinds_are_the_same_lists_everywhere():
    assert FIELD_KINDS == FormField.model_fields["kind"].annotation.__args__
    assert FILE_KINDS == ("pdf", "docx", "xlsx", "image", "text", "zip", "exe")


# --- pages and links ---------------------------------------------------------------------------------
def test_an_unknown_home_page(tmp_path):
    text = edited(APPLY_ONLINE, "home: search", "home: accueil")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "accueil")
    assert problem.message == f"apps.browser.home: no page with id 'accueil' in this scenario (known: {PAGES})"


def test_a_link_to_an_unknown_page(tmp_path):
    text = edited(APPLY_ONLINE, "to: apply}", "to: postuler}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "postuler}")
    assert problem.message == (f"apps.browser.pages[1].blocks[5].to: no page with id 'postuler' in this scenario "
                               f"(known: {PAGES})")


def test_a_link_needs_exactly_one_target(tmp_path):
    text = edited(APPLY_ONLINE, "to: apply}", 'to: apply, url: "https://x.ca"}')
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{type: link, id: to_apply")
    assert problem.message == "apps.browser.pages[1].blocks[5]: give exactly one of 'to' (a page id) or 'url'"


def test_two_pages_with_the_same_address(tmp_path):
    text = edited(APPLY_ONLINE, "url: https://emplois.chezmado.ca/merci", "url: https://emplois.chezmado.ca/confidentialite")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "https://emplois.chezmado.ca/confidentialite", nth=2)
    assert problem.message == ("apps.browser.pages[4].url: page address 'emplois.chezmado.ca/confidentialite' "
                               "is used more than once (first at apps.browser.pages[3].url)")


def test_two_pages_with_the_same_id(tmp_path):
    text = edited(APPLY_ONLINE, "      - id: thanks\n", "      - id: privacy\n")
    problems = problems_of(tmp_path, text)
    repeat = [p for p in problems if "used more than once" in p.message]
    assert [at(p) for p in repeat] == [value_position(text, "id: privacy", nth=2)]
    assert repeat[0].message == ("apps.browser.pages[4].id: page id 'privacy' is used more than once "
                                 "(first at apps.browser.pages[3].id)")


def test_a_page_address_must_be_a_web_address(tmp_path):
    text = edited(APPLY_ONLINE, "url: https://emplois.chezmado.ca/merci", "url: emplois.chezmado.ca/merci")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "emplois.chezmado.ca/merci")
    assert problem.message.startswith("apps.browser.pages[4].url: String should match pattern")


def test_a_table_row_with_the_wrong_number_of_cells(tmp_path):
    text = edited(APPLY_ONLINE, '- [{fr-CA: Comptoir, en-CA: Counter}, {fr-CA: "20", en-CA: "20"}]',
                  "- [{fr-CA: Comptoir, en-CA: Counter}]")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "type: table")
    assert problem.message == "apps.browser.pages[1].blocks[4]: row 0 has 1 cells for 2 columns"


def test_an_unknown_block_type(tmp_path):
    text = edited(APPLY_ONLINE, "{type: image, alt:", "{type: video, alt:")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{type: video")
    assert "apps.browser.pages[1].blocks[2]" in problem.message and "video" in problem.message


# --- forms ----------------------------------------------------------------------------------------------
def test_a_consent_box_without_its_policy_page(tmp_path):
    text = edited(APPLY_ONLINE, ", policy: privacy}", "}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{id: consent")
    assert problem.message == ("apps.browser.pages[2].blocks[0].fields[12]: a consent field links to its policy "
                               "page: give 'policy'")


def test_a_consent_box_whose_policy_page_is_unknown(tmp_path):
    text = edited(APPLY_ONLINE, "policy: privacy}", "policy: vie-privee}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "vie-privee}")
    assert problem.message == (f"apps.browser.pages[2].blocks[0].fields[12].policy: no page with id 'vie-privee' "
                               f"in this scenario (known: {PAGES})")


def test_a_select_without_options(tmp_path):
    text = edited(APPLY_ONLINE, (
        "                kind: select\n"
        "                label: {fr-CA: Poste, en-CA: Job}\n"
        "                options:\n"
        "                  - {id: counter, label: {fr-CA: Comptoir, en-CA: Counter}}\n"
        "                  - {id: baker, label: {fr-CA: Boulangerie, en-CA: Bakery}}\n"),
        "                kind: select\n                label: {fr-CA: Poste, en-CA: Job}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "id: position")
    assert problem.message == "apps.browser.pages[2].blocks[0].fields[6]: a select field needs options"


def test_options_on_a_text_field(tmp_path):
    text = edited(APPLY_ONLINE, "min_length: 2, max_length: 40}",
                  "min_length: 2, max_length: 40, options: [{id: a, label: {fr-CA: A, en-CA: A}}]}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{id: name, kind: text")
    assert problem.message == "apps.browser.pages[2].blocks[0].fields[0]: only select and radio fields have options, not text"


def test_an_unknown_field_kind(tmp_path):
    text = edited(APPLY_ONLINE, "{id: phone, kind: phone,", "{id: phone, kind: telephone,")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "telephone")
    assert problem.message.startswith("apps.browser.pages[2].blocks[0].fields[2].kind: Input should be 'text'")


def test_two_fields_of_a_form_with_the_same_id(tmp_path):
    text = edited(APPLY_ONLINE, "{id: letter, kind: textarea", "{id: name, kind: textarea")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "name, kind: textarea")
    assert problem.message == ("apps.browser.pages[2].blocks[0].fields[10].id: field id 'name' is used more than "
                               "once (first at apps.browser.pages[2].blocks[0].fields[0].id)")


def test_a_form_that_goes_to_an_unknown_page(tmp_path):
    text = edited(APPLY_ONLINE, "on_submit: {page: thanks,", "on_submit: {page: merci,")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "merci,")
    assert problem.message == (f"apps.browser.pages[2].blocks[0].on_submit.page: no page with id 'merci' in this "
                               f"scenario (known: {PAGES})")


def test_a_form_can_only_deliver_a_message_that_waits(tmp_path):
    text = edited(APPLY_ONLINE, "deliver: [confirmation]", "deliver: [confirmation, cv_mail, nope]")
    problems = problems_of(tmp_path, text)
    assert [at(p) for p in problems] == [position(text, "cv_mail, nope"), position(text, "nope]")]
    assert [p.message for p in problems] == [
        f"apps.browser.pages[2].blocks[0].on_submit.deliver[{i}]: no mail message {m!r} waiting to be delivered "
        f"(give it `delivered: false`)" for i, m in ((1, "cv_mail"), (2, "nope"))]


def test_a_delivered_message_must_be_marked_as_waiting(tmp_path):
    text = edited(APPLY_ONLINE, "        delivered: false\n", "")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "confirmation]")
    assert problem.message.endswith("no mail message 'confirmation' waiting to be delivered (give it `delivered: false`)")


def test_a_search_result_opening_an_unknown_page(tmp_path):
    text = edited(APPLY_ONLINE, "page: jobs\n              title: {fr-CA: Chez Mado,", "page: emplois\n              title: {fr-CA: Chez Mado,")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "emplois\n")
    assert problem.message.startswith("apps.browser.search.queries[0].results[1].page: no page with id 'emplois'")


def test_a_search_engine_without_a_search_box(tmp_path):
    text = edited(APPLY_ONLINE, "          - {type: search}\n", "")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "search:\n      queries")
    assert problem.message == "apps.browser.search: a search engine needs a page with a `type: search` block"


@pytest.mark.parametrize("kind", ["email", "phone", "postal_code", "date"])
def test_a_form_asking_for_personal_data_needs_a_persona(tmp_path, kind):
    text = APPLY_ONLINE[:APPLY_ONLINE.index("persona:")] + APPLY_ONLINE[APPLY_ONLINE.index("apps:"):]
    for other in {"email", "phone", "postal_code", "date"} - {kind}:
        text = edited(text, f"kind: {other},", "kind: text,")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "browser:")
    assert problem.message == ("apps.browser: forms ask for personal data: give the scenario a `persona` "
                               "(participants never type their own)")


def test_a_form_without_personal_data_needs_no_persona(tmp_path):
    text = APPLY_ONLINE[:APPLY_ONLINE.index("persona:")] + APPLY_ONLINE[APPLY_ONLINE.index("apps:"):]
    for kind in ("email", "phone", "postal_code", "date"):
        text = edited(text, f"kind: {kind},", "kind: text,")
    assert write_scenario(tmp_path, text).scenario.persona is None


def test_a_persona_has_every_detail(tmp_path):
    text = edited(APPLY_ONLINE, "  phone: 514-555-0199\n", "")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "name: Alex Tremblay")
    assert problem.message == "persona.phone: missing key 'phone'"


# --- files ------------------------------------------------------------------------------------------------
def test_a_file_in_an_unknown_folder(tmp_path):
    text = edited(APPLY_ONLINE, "folder: desktop\n", "folder: bureau\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "bureau")
    assert problem.message == ("apps.files.files[1].folder: no folder 'bureau' "
                               "(folders: desktop, documents, downloads, job, trash)")


def test_two_files_with_the_same_name_in_a_folder(tmp_path):
    text = edited(APPLY_ONLINE, "name: photo.jpg\n        kind: image\n        folder: desktop",
                  "name: CV-2019.DOCX\n        kind: image\n        folder: documents")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "CV-2019.DOCX")
    assert problem.message == "apps.files.files[1].name: a file named 'CV-2019.DOCX' is already in 'documents'"


def test_the_same_file_name_in_two_folders_is_fine(tmp_path):
    text = edited(APPLY_ONLINE, "name: photo.jpg", "name: cv-2019.docx")
    assert write_scenario(tmp_path, text).scenario.apps.files.files[1].name == "cv-2019.docx"


def test_two_files_with_the_same_id(tmp_path):
    text = edited(APPLY_ONLINE, "      - id: notes\n", "      - id: photo\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == value_position(text, "id: photo", nth=2)
    assert problem.message == "apps.files.files[2].id: file id 'photo' is used more than once (first at apps.files.files[1].id)"


@pytest.mark.parametrize("file_id", ["f1", "f12"])
def test_file_ids_f1_f2_are_kept_for_files_participants_make(tmp_path, file_id):
    text = edited(APPLY_ONLINE, "      - id: notes\n", f"      - id: {file_id}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == value_position(text, f"id: {file_id}\n")
    assert problem.message == f"apps.files.files[2].id: file id '{file_id}' is kept for files participants make"


@pytest.mark.parametrize("folder_id", ["fd1", "fd12"])
def test_folder_ids_fd1_fd2_are_kept_for_folders_participants_make(tmp_path, folder_id):
    text = edited(APPLY_ONLINE, "      - id: job\n", f"      - id: {folder_id}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == value_position(text, f"id: {folder_id}\n")
    assert problem.message == f"apps.files.folders[0].id: folder id '{folder_id}' is kept for folders participants make"


def test_ids_that_only_look_like_kept_ones_are_fine(tmp_path):
    text = edited(APPLY_ONLINE, "      - id: notes\n", "      - id: f1a\n")
    text = edited(text, "      - id: job\n", "      - id: fdx\n")
    files = write_scenario(tmp_path, text).scenario.apps.files
    assert "f1a" in files.file_ids() and "fdx" in files.folder_ids()


def test_a_built_in_folder_cannot_be_declared_again(tmp_path):
    text = edited(APPLY_ONLINE, "      - id: job\n", "      - id: downloads\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == value_position(text, "id: downloads")
    assert problem.message == "apps.files.folders[0].id: folder id 'downloads' is a built-in folder"


@pytest.mark.parametrize("parent", ["nope", "trash"])
def test_a_folder_in_an_unknown_folder_or_in_the_trash(tmp_path, parent):
    text = edited(APPLY_ONLINE, "name: {fr-CA: Recherche d'emploi, en-CA: Job search}\n",
                  f"name: {{fr-CA: Recherche d'emploi, en-CA: Job search}}\n        parent: {parent}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == value_position(text, f"parent: {parent}")
    assert problem.message == f"apps.files.folders[0].parent: no folder '{parent}' to put this folder in"


def test_a_files_date_needs_its_offset(tmp_path):
    text = edited(APPLY_ONLINE, "modified: 2019-05-01T10:00:00-04:00", "modified: 2019-05-01T10:00:00")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "2019-05-01T10:00:00")
    assert problem.message == ("apps.files.files[0].modified: modified needs a UTC offset, "
                               "e.g. 2026-11-20T09:15:00-05:00")


# --- state facts ---------------------------------------------------------------------------------------------
def test_file_in_folder_with_both_a_file_and_a_name(tmp_path):
    text = edited(APPLY_ONLINE, "{file: old_cv, folder: documents}", "{file: old_cv, name: cv.docx, folder: documents}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{file: old_cv, name")
    assert problem.message == "evidence[0].facts[1].file_in_folder: give exactly one of 'file' or 'name'"


def test_file_in_folder_with_neither_a_file_nor_a_name(tmp_path):
    text = edited(APPLY_ONLINE, "{file: old_cv, folder: documents}", "{folder: documents}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "{folder: documents}")
    assert problem.message == "evidence[0].facts[1].file_in_folder: give exactly one of 'file' or 'name'"


def test_file_in_folder_naming_an_unknown_file_or_folder(tmp_path):
    text = edited(APPLY_ONLINE, "{file: old_cv, folder: documents}", "{file: cv, folder: documents}")
    text = edited(text, "{file: photo, folder: documents}", "{file: photo, folder: mes-documents}")
    problems = problems_of(tmp_path, text)
    assert [at(p) for p in problems] == [position(text, "cv, folder"), position(text, "mes-documents")]
    assert problems[0].message == ("evidence[0].facts[1].file_in_folder.file: no file with id 'cv' in this scenario "
                                   "(known: notes, old_cv, photo)")
    assert problems[1].message == ("evidence[0].facts[2].file_in_folder.folder: no folder with id "
                                   "'mes-documents' in this scenario (known: desktop, documents, downloads, job, trash)")


def test_form_value_naming_an_unknown_field(tmp_path):
    text = edited(APPLY_ONLINE, "{form: application, field: position, equals: counter}",
                  "{form: application, field: poste, equals: counter}")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "poste")
    assert problem.message == "end.all[1].form_value.field: form 'application' has no field 'poste'"


def test_form_value_naming_an_unknown_form(tmp_path):
    text = edited(APPLY_ONLINE, "{form: application, field: cv,", "{form: candidature, field: cv,")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "candidature,")
    assert problem.message == ("evidence[1].facts[1].form_value.form: no form with id 'candidature' in this scenario "
                               "(known: application)")


def test_a_state_fact_names_exactly_one_fact(tmp_path):
    text = edited(APPLY_ONLINE, "    - form_value: {form: application, field: position, equals: counter}\n",
                  "    - form_value: {form: application, field: position, equals: counter}\n"
                  "      file_in_folder: {file: old_cv, folder: documents}\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "form_value: {form: application, field: position")
    assert problem.message == "end.all[1]: give exactly one fact among: message_in_folder, file_in_folder, form_value"


# --- evidence on the new apps' events ---------------------------------------------------------------------------
def test_evidence_on_browser_events_checks_the_ids_it_names(tmp_path):
    text = edited(APPLY_ONLINE, "where: {form: application, valid: false}", "where: {form: candidature, valid: false}")
    text = edited(text, "    event: message_opened\n    where: {message: confirmation}\n",
                  "    event: result_opened\n    where: {result: pub, query: q_jobs}\n")
    problems = problems_of(tmp_path, text)
    assert [at(p) for p in problems] == [position(text, "candidature,"), position(text, "pub,")]
    assert problems[0].message == ("evidence[2].where.form: no form with id 'candidature' in this scenario "
                                   "(known: application)")
    assert problems[1].message.startswith("evidence[3].where.result: no result with id 'pub' in this scenario "
                                          "(known: ad, mado, mado_mtl)")


def test_evidence_on_an_app_the_scenario_does_not_have(tmp_path):
    start, end = APPLY_ONLINE.index("  files:\n"), APPLY_ONLINE.index("  browser:\n")
    text = APPLY_ONLINE[:start] + APPLY_ONLINE[end:]
    text = edited(text, "    - file_in_folder: {name: CV Alex Tremblay.pdf, folder: documents}\n", "")
    text = edited(text, "              - {id: cv, kind: file, label: {fr-CA: CV, en-CA: CV}, accept: [pdf, docx]}\n", "")
    text = edited(text, "      - form_value: {form: application, field: cv, equals: CV Alex Tremblay.pdf}\n", "")
    text = edited(text, "    rule: at_end\n    facts:\n      - file_in_folder: {name: cv alex tremblay.pdf, folder: documents}\n"
                        "      - file_in_folder: {file: old_cv, folder: documents}\n"
                        "      - file_in_folder: {file: photo, folder: documents}\n",
                  "    rule: happened\n    event: file_renamed\n")
    problem = only(problems_of(tmp_path, text))
    assert at(problem) == position(text, "file_renamed")
    assert problem.message == "evidence[0].event: event 'file_renamed' needs the 'files' app, which this scenario does not have"


def test_evidence_may_test_the_fields_of_refused_file_actions(tmp_path):
    text = edited(APPLY_ONLINE, "    event: message_opened\n    where: {message: confirmation}\n",
                  "    event: action_rejected\n    where: {new_name: {contains: '/'}, reason: invalid_name}\n")
    write_scenario(tmp_path, text)
