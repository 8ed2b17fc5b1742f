"""The web browser's rules: addresses, links, history, search, forms, through the session engine."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from game.runtime import actions as a
from game.runtime.desktop import Desktop
from game.runtime.events import EVENT_FIELDS
from game.runtime.mailbox import Rejected
from game.scenario.models import Apps
from tests.desktop_support import GOOD_VALUES, Play, write_scenario

FORM_URL = "https://emplois.chezmado.ca/postuler"
PASSWORD = GOOD_VALUES["password"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("scenario"))


@pytest.fixture
def play(loaded):
    return Play(loaded)


def visited(page: str, url: str, via: str) -> tuple[str, dict]:
    return "page_visited", {"page": page, "url": url, "secure": url.startswith("https://"), "via": via}


def at_form(play: Play) -> None:
    play.do(a.EnterAddress(FORM_URL))


def with_cv(play: Play) -> str:
    """The CV saved from the counsellor's message into Documents; its file id."""
    return play.do(a.SaveAttachment("cv_mail", "cv_att", "documents", "CV Alex Tremblay.pdf"))[0][1]["file"]


# --- where the browser starts -------------------------------------------------------------
def test_the_browser_opens_on_its_home_page(play):
    browser = play.browser
    assert browser.here.page == "search"
    assert browser.url() == "https://www.cherche.ca/"
    assert len(browser.history) == 1 and browser.index == 0
    assert play.types() == ["session_started", "scenario_started"], "opening the home page is not an action"


# --- addresses -------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", [FORM_URL, "emplois.chezmado.ca/postuler", "www.emplois.chezmado.ca/postuler/",
                                   "http://emplois.chezmado.ca/postuler", "  HTTPS://Emplois.ChezMado.ca/Postuler  "])
def test_an_address_is_found_however_it_is_typed(play, typed):
    events = play.do(a.EnterAddress(typed))
    assert events == [("address_entered", {"address": typed.strip()}), visited("apply", FORM_URL, "address")]
    assert play.browser.page.id == "apply"
    assert play.browser.url() == FORM_URL, "the address bar shows the page's own address"


def test_an_address_not_in_the_exercise_shows_a_not_found_page(play):
    events = play.do(a.EnterAddress("https://inconnu.example.ca/offres"))
    assert events == [("address_entered", {"address": "https://inconnu.example.ca/offres"}),
                      ("page_not_found", {"address": "https://inconnu.example.ca/offres", "via": "address"})]
    assert play.browser.page is None
    assert play.browser.here.address == "https://inconnu.example.ca/offres"
    assert play.browser.url() == "https://inconnu.example.ca/offres"
    # Not a dead end: back to where one was.
    assert play.do(a.GoBack())[1] == visited("search", "https://www.cherche.ca/", "back")


def test_an_empty_address_is_refused(play):
    assert play.refused(a.EnterAddress("   ")) == "empty_address"
    assert play.browser.here.page == "search"


# --- links ------------------------------------------------------------------------------------
def test_a_link_to_a_page_opens_it(play):
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    events = play.do(a.FollowLink("jobs", "to_apply"))
    assert events == [("link_followed", {"page": "jobs", "link": "to_apply", "to": "apply", "url": None}),
                      visited("apply", FORM_URL, "link")]


def test_a_link_by_address_to_a_page_of_the_exercise_opens_that_page(play):
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    events = play.do(a.FollowLink("jobs", "by_address"))
    assert events[0] == ("link_followed", {"page": "jobs", "link": "by_address", "to": None,
                                           "url": "http://emplois.chezmado.ca/postuler/"})
    assert events[1] == visited("apply", FORM_URL, "link")


def test_a_link_to_an_address_outside_the_exercise_is_not_found(play):
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    events = play.do(a.FollowLink("jobs", "gov"))
    assert events[1] == ("page_not_found", {"address": "https://www.guichetemplois.gc.ca/", "via": "link"})


def test_a_mailto_link_starts_a_message_in_the_mail_app(play):
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    events = play.do(a.FollowLink("jobs", "write_us"))
    assert events == [
        ("link_followed", {"page": "jobs", "link": "write_us", "to": None, "url": "mailto:RH@chezmado.ca?subject=Emploi"}),
        ("compose_started", {"draft": "d1", "to": ["rh@chezmado.ca"]}),
    ]
    assert play.mail.drafts["d1"].to == ["rh@chezmado.ca"]
    assert play.browser.here.page == "jobs", "the browser stays where it was"
    assert len(play.browser.history) == 2


def test_a_mailto_link_without_a_mail_app_is_refused(loaded):
    apps = loaded.scenario.apps
    desktop = Desktop(Apps(browser=apps.browser, files=apps.files), "fr-CA")
    desktop.apply(a.EnterAddress("emplois.chezmado.ca"))
    with pytest.raises(Rejected) as refused:
        desktop.apply(a.FollowLink("jobs", "write_us"))
    assert refused.value.reason == "app_not_in_scenario"


def test_links_only_on_the_page_shown(play):
    assert play.refused(a.FollowLink("jobs", "to_apply")) == "page_not_shown"
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    assert play.refused(a.FollowLink("jobs", "nowhere")) == "unknown_link"
    assert play.refused(a.FollowLink("apply", "to_apply")) == "page_not_shown"


def test_a_link_in_an_email_to_a_page_of_the_exercise_opens_the_browser_there(play):
    events = play.do(a.ClickLink("cv_mail", "job_link"))
    assert events == [("link_clicked", {"message": "cv_mail", "link": "job_link", "url": FORM_URL}),
                      visited("apply", FORM_URL, "mail")]
    assert play.browser.here.page == "apply"
    other = play.do(a.ClickLink("cv_mail", "other_link"))
    assert [t for t, _ in other] == ["link_clicked"], "an address outside the exercise does not move the browser"
    assert play.browser.here.page == "apply"


# --- history ------------------------------------------------------------------------------------
def test_back_and_forward_walk_the_history(play):
    assert play.refused(a.GoBack()) == "no_page_before"
    assert play.refused(a.GoForward()) == "no_page_after"
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    play.do(a.FollowLink("jobs", "to_apply"))
    assert play.do(a.GoBack()) == [("history_moved", {"direction": "back"}),
                                   visited("jobs", "https://emplois.chezmado.ca/", "back")]
    assert play.do(a.GoBack())[1] == visited("search", "https://www.cherche.ca/", "back")
    assert play.refused(a.GoBack()) == "no_page_before"
    assert play.do(a.GoForward()) == [("history_moved", {"direction": "forward"}),
                                      visited("jobs", "https://emplois.chezmado.ca/", "forward")]
    assert play.do(a.GoForward())[1] == visited("apply", FORM_URL, "forward")
    assert play.refused(a.GoForward()) == "no_page_after"
    assert [loc.page for loc in play.browser.history] == ["search", "jobs", "apply"]


def test_going_somewhere_new_after_going_back_drops_the_pages_ahead(play):
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    play.do(a.FollowLink("jobs", "to_apply"))
    play.do(a.GoBack())
    play.do(a.GoBack())
    play.do(a.EnterAddress("https://emplois.chezmado.ca/confidentialite"))
    assert [loc.page for loc in play.browser.history] == ["search", "privacy"]
    assert play.browser.index == 1
    assert play.refused(a.GoForward()) == "no_page_after"
    assert play.do(a.GoBack())[1][1]["page"] == "search"


def test_back_returns_to_a_not_found_page_as_not_found(play):
    play.do(a.EnterAddress("nulle-part.example.ca"))
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    assert play.do(a.GoBack())[1] == ("page_not_found", {"address": "nulle-part.example.ca", "via": "back"})


# --- search ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, query", [
    ("emploi boulangerie", "q_jobs"),
    ("Boulangerie EMPLOI", "q_jobs"),
    ("Offre d'emploi, boulangerie?", "q_jobs"),
    ("emploi boulangerie Montréal", "q_jobs_mtl"),  # all words of both: the one with most words wins
    ("EMPLOI boulangérie montreal", "q_jobs_mtl"),  # accents and case ignored, on both sides
    ("boulangerie: emploi à Montréal.", "q_jobs_mtl"),
])
def test_a_search_matches_the_query_whose_words_it_all_contains(play, text, query):
    events = play.do(a.Search(text))
    results = [r.id for r in play.browser.query(query).results]
    assert events[0] == ("search_made", {"text": text, "query": query, "results": results})
    assert events[1][0] == "page_visited"
    assert play.browser.here.query == query and play.browser.here.is_results


@pytest.mark.parametrize("text", ["emploi", "boulangerie Laval", "emplois boulangeries", "emploiboulangerie"])
def test_a_search_missing_a_word_finds_nothing(play, text):
    events = play.do(a.Search(text))
    assert events[0] == ("search_made", {"text": text, "query": None, "results": []})
    assert play.browser.here.is_results and play.browser.here.query is None
    assert play.refused(a.OpenResult("q_jobs", "mado")) == "results_not_shown"


def test_the_results_page_has_the_search_engines_address_with_the_words(play):
    events = play.do(a.Search("  emploi boulangerie  "))
    assert events[0][1]["text"] == "emploi boulangerie"
    assert events[1] == ("page_visited", {"page": None, "url": "https://www.cherche.ca/?q=emploi+boulangerie",
                                          "secure": True, "via": "search"})
    assert play.browser.url() == "https://www.cherche.ca/?q=emploi+boulangerie"
    # Searching again from the results page keeps the engine's address.
    play.do(a.Search("emploi boulangerie montréal"))
    assert play.browser.url() == "https://www.cherche.ca/?q=emploi+boulangerie+montréal"
    assert play.do(a.GoBack())[1][1]["url"] == "https://www.cherche.ca/?q=emploi+boulangerie"


def test_a_search_needs_a_search_box_and_words(play):
    assert play.refused(a.Search("   ")) == "empty_search"
    play.do(a.EnterAddress("emplois.chezmado.ca"))
    assert play.refused(a.Search("emploi boulangerie")) == "no_search_box"


def test_opening_a_result_logs_its_rank_whether_it_is_an_ad_and_how_trustworthy_it_is(play):
    play.do(a.Search("emploi boulangerie"))
    events = play.do(a.OpenResult("q_jobs", "mado"))
    assert events == [("result_opened", {"query": "q_jobs", "result": "mado", "rank": 2, "sponsored": False,
                                         "trust": "official", "url": "https://emplois.chezmado.ca/"}),
                      visited("jobs", "https://emplois.chezmado.ca/", "result")]


def test_a_result_without_a_page_is_not_found(play):
    play.do(a.Search("emploi boulangerie"))
    events = play.do(a.OpenResult("q_jobs", "ad"))
    assert events == [("result_opened", {"query": "q_jobs", "result": "ad", "rank": 1, "sponsored": True,
                                         "trust": "fraudulent", "url": "https://emplois-rapides.win/"}),
                      ("page_not_found", {"address": "https://emplois-rapides.win/", "via": "result"})]
    assert play.browser.page is None


def test_results_open_only_from_their_own_results_page(play):
    assert play.refused(a.OpenResult("q_jobs", "mado")) == "results_not_shown"
    play.do(a.Search("emploi boulangerie"))
    assert play.refused(a.OpenResult("q_jobs_mtl", "mado_mtl")) == "results_not_shown"
    assert play.refused(a.OpenResult("q_jobs", "mado_mtl")) == "unknown_result"
    play.do(a.OpenResult("q_jobs", "mado"))
    assert play.refused(a.OpenResult("q_jobs", "mado")) == "results_not_shown"
    play.do(a.GoBack())
    assert play.do(a.OpenResult("q_jobs", "mado"))[0][1]["rank"] == 2, "back on the results, they open again"


# --- filling a form -------------------------------------------------------------------------------------
def test_typing_in_a_field_logs_its_value_and_length(play):
    at_form(play)
    assert play.do(a.SetField("application", "name", "Alex")) == [
        ("field_changed", {"form": "application", "field": "name", "value": "Alex", "length": 4})]
    assert play.do(a.SetField("application", "consent", True)) == [
        ("field_changed", {"form": "application", "field": "consent", "value": True, "length": None})]
    assert play.browser.values["application"]["name"] == "Alex"


def test_fields_are_refused_when_they_cannot_be_filled(play):
    assert play.refused(a.SetField("nope", "name", "Alex")) == "unknown_form"
    assert play.refused(a.SetField("application", "name", "Alex")) == "page_not_shown"
    at_form(play)
    assert play.refused(a.SetField("application", "nope", "Alex")) == "unknown_field"
    assert play.refused(a.SetField("application", "consent", "yes")) == "invalid_value"
    assert play.refused(a.SetField("application", "news", "")) == "invalid_value"
    assert play.refused(a.SetField("application", "name", True)) == "invalid_value"
    assert play.refused(a.SetField("application", "cv", "f1")) == "use_file_picker"
    assert play.browser.values["application"]["name"] == ""


def test_values_stay_when_one_leaves_the_form_and_comes_back(play):
    at_form(play)
    play.do(a.SetField("application", "name", "Alex"))
    play.do(a.GoBack())
    assert play.refused(a.SetField("application", "name", "Sam")) == "page_not_shown"
    play.do(a.GoForward())
    assert play.browser.values["application"]["name"] == "Alex"


def test_a_password_is_never_logged_nor_kept_in_the_summary(play):
    at_form(play)
    changed = play.do(a.SetField("application", "password", PASSWORD))
    assert changed == [("field_changed", {"form": "application", "field": "password", "value": None,
                                          "length": len(PASSWORD)})]
    play.do(a.SubmitForm("application"))  # invalid: most fields are empty
    play.fill()
    play.do(a.ChooseFile("application", "cv", with_cv(play)))
    play.do(a.SubmitForm("application"))  # valid
    play.do(a.GoBack())
    # Refused actions log their fields: never a password's value.
    play.do(a.SetField("application", "password", PASSWORD + "x"))
    play.do(a.GoForward())
    assert play.refused(a.SetField("application", "password", "Autre!2027")) == "page_not_shown"
    assert play.log[-1].payload["value"] is None
    assert play.refused(a.SetField("application", "password", False)) == "page_not_shown"
    play.engine.end_scenario("ended_by_participant")
    log = json.dumps([e.to_dict() for e in play.log], ensure_ascii=False)
    for secret in (PASSWORD, "Autre!2027", "Secret"):
        assert secret not in log
    assert play.desktop.summary()["browser"]["submitted"]["application"]["password"] is None
    assert play.log[-1].payload["final"]["browser"]["submitted"]["application"]["password"] is None


# --- submitting ----------------------------------------------------------------------------------------
def test_an_empty_form_is_refused_field_by_field_without_moving(play):
    at_form(play)
    events = play.do(a.SubmitForm("application"))
    required = ["name", "email", "phone", "postal", "birth", "hours", "position", "shift", "cv", "password"]
    errors = {**{f: "required" for f in required}, "consent": "must_accept"}
    assert events == [("form_submitted", {
        "form": "application", "page": "apply", "valid": False, "invalid": [*required, "consent"], "errors": errors,
        "values": {**{f: "" for f in required}, "cv": "", "password": None, "letter": "", "news": False,
                   "consent": False}})]
    assert play.browser.here.page == "apply"
    assert play.browser.errors["application"] == errors
    assert play.browser.submitted == {}
    assert "confirmation" not in play.mail.messages


def test_each_wrong_value_gets_its_own_code(play):
    at_form(play)
    play.fill({"name": "A", "email": "alex@courriel", "phone": "555-0199", "postal": "D2L 1P7",
               "birth": "2026-02-30", "hours": "cinq", "position": "cook", "shift": "evening",
               "password": "secretsecret", "letter": "x" * 201, "consent": True})
    play.do(a.ChooseFile("application", "cv", "photo"))
    errors = play.do(a.SubmitForm("application"))[0][1]["errors"]
    assert errors == {"name": "too_short", "email": "invalid_email", "phone": "invalid_phone",
                      "postal": "invalid_postal_code", "birth": "invalid_date", "hours": "not_a_number",
                      "position": "invalid_choice", "shift": "invalid_choice", "cv": "wrong_file_kind",
                      "password": "password_needs_digit", "letter": "too_long"}
    play.fill({"hours": "5", "password": "Secret2026"})
    errors = play.do(a.SubmitForm("application"))[0][1]["errors"]
    assert errors["hours"] == "too_small" and errors["password"] == "password_needs_symbol"
    play.fill({"hours": "45,5"})
    assert play.do(a.SubmitForm("application"))[0][1]["errors"]["hours"] == "too_large"


def test_corrected_and_sent_again_the_form_is_valid_delivers_mail_and_shows_the_confirmation(play):
    at_form(play)
    play.fill({**GOOD_VALUES, "email": "alex@"})
    cv = with_cv(play)
    play.do(a.ChooseFile("application", "cv", cv))
    first = play.do(a.SubmitForm("application"))
    assert first[0][1]["valid"] is False and first[0][1]["invalid"] == ["email"]
    assert "confirmation" not in play.mail.messages and "confirmation" in play.mail.pending
    assert play.refused(a.OpenMessage("confirmation")) == "unknown_message"

    play.do(a.SetField("application", "email", GOOD_VALUES["email"]))
    play.do(a.SetField("application", "letter", "Bonjour, je suis disponible."))
    events = play.do(a.SubmitForm("application"))
    values = {**{k: v for k, v in GOOD_VALUES.items()}, "password": None, "cv": "CV Alex Tremblay.pdf",
              "letter": "Bonjour, je suis disponible.", "news": False}
    assert events == [
        ("form_submitted", {"form": "application", "page": "apply", "valid": True, "invalid": [], "errors": {},
                            "values": values}),
        ("message_delivered", {"message": "confirmation"}),
        visited("thanks", "https://emplois.chezmado.ca/merci", "submit"),
    ]
    assert play.browser.submitted == {"application": values}
    assert play.browser.errors["application"] == {}
    message = play.mail.messages["confirmation"]
    assert message.folder == "inbox" and not message.read
    assert message.time == play.log[-1].utc, "it arrives when the form is sent"
    assert "confirmation" in [m.id for m in play.mail.in_folder("inbox")]
    assert play.do(a.OpenMessage("confirmation"))[0][0] == "message_opened"


def test_a_form_sent_twice_delivers_its_mail_once(play):
    at_form(play)
    play.fill()
    play.do(a.ChooseFile("application", "cv", with_cv(play)))
    play.do(a.SubmitForm("application"))
    play.do(a.GoBack())
    play.do(a.SetField("application", "position", "baker"))
    events = play.do(a.SubmitForm("application"))
    assert [t for t, _ in events] == ["form_submitted", "page_visited"]
    assert events[0][1]["valid"] is True
    assert play.browser.submitted["application"]["position"] == "baker", "the last valid submission counts"
    assert [e.type for e in play.log].count("message_delivered") == 1


def test_a_form_is_sent_only_from_its_page(play):
    assert play.refused(a.SubmitForm("application")) == "page_not_shown"
    assert play.refused(a.SubmitForm("nope")) == "unknown_form"


# --- choosing a file to upload ---------------------------------------------------------------------------
def test_a_file_is_chosen_from_the_file_system(play):
    cv = with_cv(play)
    at_form(play)
    assert play.do(a.ChooseFile("application", "cv", cv)) == [
        ("file_chosen", {"form": "application", "field": "cv", "file": cv, "name": "CV Alex Tremblay.pdf",
                         "kind": "pdf"})]
    assert play.browser.values["application"]["cv"] == cv
    assert play.do(a.ChooseFile("application", "cv", "old_cv"))[0][1]["kind"] == "docx", "a new choice replaces it"
    assert play.browser.values["application"]["cv"] == "old_cv"


def test_a_file_in_the_trash_or_unknown_cannot_be_chosen(play):
    play.do(a.DeleteFile("old_cv"))
    at_form(play)
    assert play.refused(a.ChooseFile("application", "cv", "old_cv")) == "unknown_file"
    assert play.refused(a.ChooseFile("application", "cv", "f99")) == "unknown_file"
    assert play.refused(a.ChooseFile("application", "name", "notes")) == "unknown_field"
    assert play.refused(a.ChooseFile("application", "nope", "notes")) == "unknown_field"
    play.do(a.RestoreFile("old_cv"))
    assert play.do(a.ChooseFile("application", "cv", "old_cv"))[0][0] == "file_chosen"


def test_a_file_is_chosen_only_on_the_forms_page(play):
    assert play.refused(a.ChooseFile("application", "cv", "old_cv")) == "page_not_shown"


@pytest.mark.parametrize("file, error", [("old_cv", None), ("photo", "wrong_file_kind"), ("notes", "wrong_file_kind")])
def test_the_kinds_a_file_field_accepts_are_checked_on_submit(play, file, error):
    at_form(play)
    play.do(a.ChooseFile("application", "cv", file))
    assert play.do(a.SubmitForm("application"))[0][1]["errors"].get("cv") == error


# --- the vocabulary ------------------------------------------------------------------------------------------
def test_every_browser_event_has_exactly_the_documented_fields(play):
    play.do(a.Search("emploi boulangerie"))
    play.do(a.OpenResult("q_jobs", "ad"))
    play.do(a.GoBack())
    play.do(a.OpenResult("q_jobs", "mado"))
    play.do(a.FollowLink("jobs", "write_us"))
    play.do(a.FollowLink("jobs", "to_apply"))
    play.fill()
    play.do(a.ChooseFile("application", "cv", with_cv(play)))
    play.do(a.SubmitForm("application"))
    play.do(a.GoBack())
    play.do(a.GoForward())
    play.do(a.EnterAddress("ailleurs.example.ca"))
    play.refused(a.GoForward())
    play.refused(a.RenameFile("nope", "x.pdf"))
    play.refused(a.CreateFolder("nope", "x"))
    play.refused(a.SaveAttachment("cv_mail", "cv_att", "nope", "x.pdf"))
    seen = set()
    for event in play.log:
        seen.add(event.type)
        allowed = set(EVENT_FIELDS[event.type])
        if event.type == "action_rejected":
            assert set(event.payload) <= allowed, event.payload
        else:
            assert set(event.payload) == allowed, event.type
    assert {"search_made", "result_opened", "page_not_found", "history_moved", "link_followed", "compose_started",
            "field_changed", "file_chosen", "form_submitted", "message_delivered", "address_entered"} <= seen


def test_a_refused_action_of_any_kind_logs_only_documented_fields():
    documented = set(EVENT_FIELDS["action_rejected"])
    for cls in a.ACTIONS.values():
        names = {"as" if f.name == "as_" else f.name for f in fields(cls)}
        assert names <= documented, f"{cls.name}: {sorted(names - documented)} missing from action_rejected"


def test_a_field_marked_sensitive_is_never_logged(tmp_path):
    from tests.desktop_support import APPLY_ONLINE, edited

    text = edited(APPLY_ONLINE, "label: {fr-CA: Lettre, en-CA: Letter}, required: false,",
                  "label: {fr-CA: Lettre, en-CA: Letter}, required: false, sensitive: true,")
    play = Play(write_scenario(tmp_path, text))
    at_form(play)
    events = play.do(a.SetField("application", "letter", "NAS 046 454 286"))
    assert events == [("field_changed", {"form": "application", "field": "letter", "value": None, "length": 15})]
    play.do(a.SubmitForm("application"))
    assert "046 454 286" not in json.dumps([e.to_dict() for e in play.log])
    assert play.browser.summary()["submitted"] == {}
