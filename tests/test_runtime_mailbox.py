"""The mailbox's rules: each action accepted with its event, each impossible one rejected with its reason."""

from __future__ import annotations

import copy

import pytest

from game.runtime import actions as a
from game.runtime.mailbox import ACTION_OF_EVENT, EVENT_OF_ACTION, Mailbox, Rejected
from game.scenario.loader import load_scenario

RICH = """\
id: test.rich-mailbox
version: 2
title: {fr-CA: Boîte bien remplie, en-CA: A full mailbox}
brief: {fr-CA: Classez vos courriels., en-CA: Sort your email.}
competences: ["2.1"]
estimated_minutes: 5
apps:
  mail:
    me: {name: Alex Tremblay, address: alex@chezmado.ca}
    contacts: [{name: Sophie Gagnon, address: sophie@chezmado.ca}]
    folders:
      - id: archive
        name: {fr-CA: Archives, en-CA: Archive}
    messages:
      - id: schedule
        from: {name: Sophie Gagnon, address: sophie@chezmado.ca}
        to: [{name: Alex Tremblay, address: alex@chezmado.ca}, {name: Karim Haddad, address: karim@chezmado.ca}]
        cc: [{name: Lina Roy, address: lina@chezmado.ca}, {name: Alex Tremblay, address: alex@chezmado.ca},
             {name: Karim Haddad, address: karim@chezmado.ca}]
        time: 2026-11-20T09:15:00-05:00
        subject: {fr-CA: Horaire de décembre, en-CA: December schedule}
        body: {fr-CA: Voici l'horaire., en-CA: Here is the schedule.}
        attachments:
          - {id: horaire, name: horaire.pdf, kind: pdf}
          - {id: notes, name: notes.docx, kind: docx, size_kb: 12}
      - id: prize
        from: {name: Prix Canada, address: gagnant@prix-canada.biz}
        to: [{name: Alex Tremblay, address: alex@chezmado.ca}]
        time: 2026-11-19T07:30:00-05:00
        subject: {fr-CA: Vous avez gagné!, en-CA: You won!}
        body: {fr-CA: Cliquez ici., en-CA: Click here.}
        links:
          - id: claim
            text: {fr-CA: Réclamer, en-CA: Claim}
            url: http://prix-canada.biz/claim
        flags: [phishing]
      - id: old-note
        folder: sent
        from: {name: Alex Tremblay, address: alex@chezmado.ca}
        to: [{name: Sophie Gagnon, address: sophie@chezmado.ca}]
        time: 2026-11-18T16:00:00-05:00
        read: true
        subject: {fr-CA: "RE : Congé", en-CA: "RE: Day off"}
        body: {fr-CA: Merci!, en-CA: Thanks!}
end:
  any:
    - message_in_folder: {message: schedule, folder: archive}
evidence:
  - observable: archived
    competence: "2.1"
    rule: at_end
    facts: [{message_in_folder: {message: schedule, folder: archive}}]
"""


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "rich.yaml"
    path.write_text(RICH, encoding="utf-8")
    return load_scenario(path)


@pytest.fixture(params=["fr-CA", "en-CA"])
def locale(request):
    return request.param


@pytest.fixture
def box(rich):
    return Mailbox(rich.scenario.apps.mail, "fr-CA")


def state(box: Mailbox) -> dict:
    return copy.deepcopy({"messages": box.messages, "drafts": box.drafts, "opened": box.opened,
                          "summary": box.summary()})


def rejected(box: Mailbox, action: a.Action) -> str:
    """The reason the action is refused; the mailbox must be left exactly as it was."""
    before = state(box)
    with pytest.raises(Rejected) as caught:
        box.apply(action)
    assert state(box) == before
    return caught.value.reason


# --- the initial state ----------------------------------------------------------------------
def test_initial_state_in_each_locale(rich, locale):
    box = Mailbox(rich.scenario.apps.mail, locale)
    assert box.folders == ["inbox", "sent", "junk", "trash", "archive"]
    assert [m.id for m in box.in_folder("inbox")] == ["schedule", "prize"]  # newest first
    assert [m.id for m in box.in_folder("sent")] == ["old-note"]
    assert box.unread("inbox") == 2
    assert box.messages["schedule"].subject == {"fr-CA": "Horaire de décembre", "en-CA": "December schedule"}[locale]
    assert box.messages["schedule"].cc == ["lina@chezmado.ca", "alex@chezmado.ca", "karim@chezmado.ca"]
    assert box.summary() == {"folders": {"schedule": "inbox", "prize": "inbox", "old-note": "sent"},
                             "reported": {}, "sent": []}


# --- reading ----------------------------------------------------------------------------------
def test_open_message_marks_it_read(box):
    assert box.apply(a.OpenMessage("prize")) == ("message_opened", {"message": "prize", "folder": "inbox",
                                                                    "flags": ["phishing"]})
    assert box.messages["prize"].read is True
    assert box.opened == "prize"
    assert box.unread("inbox") == 1


def test_close_message(box):
    box.apply(a.OpenMessage("schedule"))
    assert box.apply(a.CloseMessage("schedule")) == ("message_closed", {"message": "schedule"})
    assert box.opened is None


def test_open_attachment(box):
    assert box.apply(a.OpenAttachment("schedule", "notes")) == (
        "attachment_opened", {"message": "schedule", "attachment": "notes"})


def test_click_link_gives_the_real_address(box):
    assert box.apply(a.ClickLink("prize", "claim")) == (
        "link_clicked", {"message": "prize", "link": "claim", "url": "http://prix-canada.biz/claim"})


# --- writing ----------------------------------------------------------------------------------
def test_compose_then_send(box):
    assert box.apply(a.Compose()) == ("compose_started", {"draft": "d1", "to": []})
    assert box.apply(a.SetRecipients("d1", to=(" sophie@chezmado.ca ", ""), cc=("lina@chezmado.ca",))) == (
        "recipients_set", {"draft": "d1", "to": ["sophie@chezmado.ca"], "cc": ["lina@chezmado.ca"]})
    assert box.apply(a.SetSubject("d1", "Congé")) == ("subject_set", {"draft": "d1", "subject": "Congé"})
    assert box.apply(a.SetBody("d1", "Bonjour Sophie")) == (
        "body_set", {"draft": "d1", "body": "Bonjour Sophie", "length": 14})
    assert box.apply(a.Attach("d1", "horaire")) == ("attachment_added", {"draft": "d1", "attachment": "horaire"})
    assert box.apply(a.Send("d1")) == ("message_sent", {
        "draft": "d1", "kind": "new", "in_reply_to": None, "to": ["sophie@chezmado.ca"], "cc": ["lina@chezmado.ca"],
        "subject": "Congé", "body": "Bonjour Sophie", "length": 14, "attachments": ["horaire"]})
    sent = box.messages["d1"]
    assert (sent.folder, sent.sender_address, sent.read, sent.attachments) == (
        "sent", "alex@chezmado.ca", True, ["horaire"])
    assert box.summary()["sent"] == ["d1"]
    assert box.summary()["folders"]["d1"] == "sent"


def test_draft_ids_count_up(box):
    assert box.apply(a.Compose())[1]["draft"] == "d1"
    assert box.apply(a.Reply("schedule"))[1]["draft"] == "d2"
    box.apply(a.CloseDraft("d1"))
    assert box.apply(a.Forward("schedule"))[1]["draft"] == "d3"


def test_remove_attachment(box):
    box.apply(a.Compose())
    box.apply(a.Attach("d1", "horaire"))
    assert box.apply(a.RemoveAttachment("d1", "horaire")) == (
        "attachment_removed", {"draft": "d1", "attachment": "horaire"})
    assert box.drafts["d1"].attachments == []


def test_close_draft_discards_it(box):
    box.apply(a.Compose())
    assert box.apply(a.CloseDraft("d1")) == ("draft_discarded", {"draft": "d1"})
    assert "d1" not in box.drafts


# --- reply, reply all, forward --------------------------------------------------------------------
def test_reply_goes_to_the_sender_only(box):
    assert box.apply(a.Reply("schedule")) == ("reply_started", {"draft": "d1", "message": "schedule"})
    draft = box.drafts["d1"]
    assert (draft.kind, draft.in_reply_to, draft.to, draft.cc) == ("reply", "schedule", ["sophie@chezmado.ca"], [])


def test_reply_to_my_own_message_goes_to_its_recipients(box):
    box.apply(a.Reply("old-note"))
    assert box.drafts["d1"].to == ["sophie@chezmado.ca"]


def test_reply_all_excludes_me_and_repeats(box):
    assert box.apply(a.ReplyAll("schedule")) == ("reply_all_started", {"draft": "d1", "message": "schedule"})
    draft = box.drafts["d1"]
    assert draft.to == ["sophie@chezmado.ca", "karim@chezmado.ca"]
    assert draft.cc == ["lina@chezmado.ca"]
    assert "alex@chezmado.ca" not in draft.to + draft.cc


def test_forward_keeps_the_attachments_and_has_no_recipient(box):
    assert box.apply(a.Forward("schedule")) == (
        "forward_started", {"draft": "d1", "message": "schedule", "attachments": ["horaire", "notes"]})
    draft = box.drafts["d1"]
    assert (draft.kind, draft.to, draft.attachments) == ("forward", [], ["horaire", "notes"])
    box.apply(a.SetRecipients("d1", to=("karim@chezmado.ca",)))
    assert box.apply(a.Send("d1"))[1]["attachments"] == ["horaire", "notes"]


@pytest.mark.parametrize("loc, reply, forward", [
    ("fr-CA", "RE : Horaire de décembre", "TR : Horaire de décembre"),
    ("en-CA", "RE: December schedule", "FW: December schedule"),
])
def test_subject_prefixes_per_locale(rich, loc, reply, forward):
    box = Mailbox(rich.scenario.apps.mail, loc)
    box.apply(a.Reply("schedule"))
    box.apply(a.ReplyAll("schedule"))
    box.apply(a.Forward("schedule"))
    assert [box.drafts[d].subject for d in ("d1", "d2", "d3")] == [reply, reply, forward]


@pytest.mark.parametrize("loc, expected", [("fr-CA", "RE : Congé"), ("en-CA", "RE: Day off")])
def test_reply_prefix_is_not_doubled(rich, loc, expected):
    box = Mailbox(rich.scenario.apps.mail, loc)
    box.apply(a.Reply("old-note"))
    assert box.drafts["d1"].subject == expected


# --- moving, deleting, reporting -------------------------------------------------------------------
def test_move_to_folder(box):
    assert box.apply(a.MoveToFolder("schedule", "archive")) == (
        "message_moved", {"message": "schedule", "from_folder": "inbox", "to_folder": "archive"})
    assert box.summary()["folders"]["schedule"] == "archive"
    assert [m.id for m in box.in_folder("archive")] == ["schedule"]


def test_delete_moves_to_trash_and_closes_it(box):
    box.apply(a.OpenMessage("schedule"))
    assert box.apply(a.Delete("schedule")) == ("message_deleted", {"message": "schedule", "from_folder": "inbox"})
    assert box.messages["schedule"].folder == "trash"
    assert box.opened is None


def test_report_moves_to_junk(box):
    box.apply(a.OpenMessage("prize"))
    assert box.apply(a.Report("prize")) == (
        "message_reported", {"message": "prize", "as": "phishing", "from_folder": "inbox", "flags": ["phishing"]})
    assert box.messages["prize"].folder == "junk"
    assert box.summary()["reported"] == {"prize": "phishing"}
    assert box.opened is None


def test_report_as_junk(box):
    assert box.apply(a.Report("schedule", as_="junk"))[1]["as"] == "junk"


# --- every rejection ---------------------------------------------------------------------------------
def test_unknown_message(box):
    for action in (a.OpenMessage("ghost"), a.Reply("ghost"), a.ReplyAll("ghost"), a.Forward("ghost"),
                   a.MoveToFolder("ghost", "archive"), a.Delete("ghost"), a.Report("ghost"),
                   a.OpenAttachment("ghost", "horaire"), a.ClickLink("ghost", "claim")):
        assert rejected(box, action) == "unknown_message", action
    assert box._drafts_made == 0


def test_message_not_open(box):
    assert rejected(box, a.CloseMessage("schedule")) == "message_not_open"
    box.apply(a.OpenMessage("prize"))
    assert rejected(box, a.CloseMessage("schedule")) == "message_not_open"


def test_unknown_draft(box):
    for action in (a.SetRecipients("d1", to=("sophie@chezmado.ca",)), a.SetSubject("d1", "x"),
                   a.SetBody("d1", "x"), a.Attach("d1", "horaire"), a.RemoveAttachment("d1", "horaire"),
                   a.Send("d1"), a.CloseDraft("d1")):
        assert rejected(box, action) == "unknown_draft", action


def test_a_sent_or_discarded_draft_is_no_longer_a_draft(box):
    box.apply(a.Reply("schedule"))
    box.apply(a.Send("d1"))
    assert rejected(box, a.SetBody("d1", "more")) == "unknown_draft"
    assert rejected(box, a.Send("d1")) == "unknown_draft"
    assert rejected(box, a.CloseDraft("d1")) == "unknown_draft"
    box.apply(a.Compose())
    box.apply(a.CloseDraft("d2"))
    assert rejected(box, a.SetSubject("d2", "x")) == "unknown_draft"


def test_unknown_attachment(box):
    box.apply(a.Compose())
    assert rejected(box, a.Attach("d1", "virus")) == "unknown_attachment"
    assert rejected(box, a.OpenAttachment("prize", "horaire")) == "unknown_attachment"  # not on that message


def test_already_attached(box):
    box.apply(a.Forward("schedule"))
    assert rejected(box, a.Attach("d1", "horaire")) == "already_attached"


def test_not_attached(box):
    box.apply(a.Compose())
    assert rejected(box, a.RemoveAttachment("d1", "horaire")) == "not_attached"


def test_no_recipient(box):
    box.apply(a.Compose())
    assert rejected(box, a.Send("d1")) == "no_recipient"
    box.apply(a.SetRecipients("d1", to=("  ",), cc=("lina@chezmado.ca",)))
    assert rejected(box, a.Send("d1")) == "no_recipient"


@pytest.mark.parametrize("to, cc", [
    (("sophie",), ()), (("sophie@chezmado",), ()), (("sophie@chezmado.ca, karim@chezmado.ca",), ()),
    (("sophie@chezmado.ca",), ("lina at chezmado.ca",)),
])
def test_invalid_address(box, to, cc):
    box.apply(a.Compose())
    box.apply(a.SetRecipients("d1", to=to, cc=cc))
    assert rejected(box, a.Send("d1")) == "invalid_address"


def test_unknown_folder(box):
    assert rejected(box, a.MoveToFolder("schedule", "archives")) == "unknown_folder"


def test_cannot_move_to_sent(box):
    assert rejected(box, a.MoveToFolder("schedule", "sent")) == "cannot_move_to_sent"


def test_already_in_folder(box):
    assert rejected(box, a.MoveToFolder("schedule", "inbox")) == "already_in_folder"


def test_already_in_trash(box):
    box.apply(a.Delete("schedule"))
    assert rejected(box, a.Delete("schedule")) == "already_in_trash"


def test_already_reported(box):
    box.apply(a.Report("prize"))
    assert rejected(box, a.Report("prize")) == "already_reported"
    assert rejected(box, a.Report("prize", as_="junk")) == "already_reported"


def test_cannot_report_own(box):
    assert rejected(box, a.Report("old-note")) == "cannot_report_own"
    box.apply(a.Reply("schedule"))
    box.apply(a.Send("d1"))
    assert rejected(box, a.Report("d1")) == "cannot_report_own"


def test_cannot_report_own_message_moved_out_of_sent(box):
    box.apply(a.MoveToFolder("old-note", "archive"))
    assert rejected(box, a.Report("old-note")) == "cannot_report_own"


def test_unknown_link(box):
    assert rejected(box, a.ClickLink("schedule", "claim")) == "unknown_link"
    assert rejected(box, a.ClickLink("prize", "nowhere")) == "unknown_link"


def test_session_actions_are_not_mail_actions(box):
    assert rejected(box, a.OpenHelp()) == "not_a_mail_action"


# --- actions and events map both ways (resume relies on it) ------------------------------------------
def test_every_mail_action_has_one_event_and_back():
    assert set(EVENT_OF_ACTION) == {cls.name for cls in a.MAIL_ACTIONS}
    assert {ACTION_OF_EVENT[e] for e in EVENT_OF_ACTION.values()} == set(EVENT_OF_ACTION)


def test_action_from_dict_round_trips():
    for action in (a.SetRecipients("d1", to=("x@y.ca",), cc=()), a.Report("m", as_="junk"),
                   a.MoveToFolder("m", "archive"), a.ChangeAccommodation("text_scale", 150), a.Compose()):
        assert a.action_from_dict({"action": action.name, **action.fields()}) == action
