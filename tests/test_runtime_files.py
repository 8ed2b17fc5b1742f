"""The file manager's rules: open, rename, move, copy, delete, restore, new folders, saved attachments."""

from __future__ import annotations

import pytest

from game.runtime import actions as a
from game.runtime.desktop import Desktop
from game.runtime.files import FileSystem
from game.runtime.mailbox import Rejected
from game.scenario.models import Apps
from tests.desktop_support import APPLY_ONLINE, Play, edited, write_scenario


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("scenario"))


@pytest.fixture
def play(loaded):
    return Play(loaded)


def folder_of(play: Play, file: str) -> str:
    return play.files.files[file].folder


# --- the initial state ---------------------------------------------------------------------------
def test_the_file_system_starts_with_the_built_in_folders_and_the_scenarios_files(play):
    fs = play.files
    assert list(fs.folders) == ["documents", "downloads", "desktop", "trash", "job"]
    assert fs.folders["job"].parent == "documents"
    assert fs.folder_name("job") == "Recherche d'emploi"
    assert [f.id for f in fs.in_folder("documents")] == ["old_cv"]
    assert [f.name for f in fs.in_folder("downloads")] == ["Notes.txt"]
    assert fs.files["old_cv"].modified == "2019-05-01T10:00:00-04:00"
    assert [f.id for f in fs.subfolders("documents")] == ["job"]
    assert fs.summary() == {
        "files": {"old_cv": {"name": "cv-2019.docx", "folder": "documents"},
                  "photo": {"name": "photo.jpg", "folder": "desktop"},
                  "notes": {"name": "Notes.txt", "folder": "downloads"}},
        "folders": {"documents": {"parent": None}, "downloads": {"parent": None}, "desktop": {"parent": None},
                    "trash": {"parent": None}, "job": {"parent": "documents"}},
    }


def test_a_folders_name_follows_the_locale(loaded):
    assert FileSystem(loaded.scenario.apps.files, "en-CA").folder_name("job") == "Job search"


def test_files_in_a_folder_are_sorted_by_name_ignoring_case(play):
    play.do(a.MoveFile("notes", "documents"))
    play.do(a.MoveFile("photo", "documents"))
    assert [f.name for f in play.files.in_folder("documents")] == ["cv-2019.docx", "Notes.txt", "photo.jpg"]


# --- open --------------------------------------------------------------------------------------------
def test_opening_a_file(play):
    assert play.do(a.OpenFile("notes")) == [("file_opened", {"file": "notes", "name": "Notes.txt",
                                                             "folder": "downloads"})]
    assert play.refused(a.OpenFile("nope")) == "unknown_file"
    play.do(a.DeleteFile("notes"))
    assert play.refused(a.OpenFile("notes")) == "in_trash"


# --- rename ----------------------------------------------------------------------------------------
def test_renaming_a_file(play):
    assert play.do(a.RenameFile("old_cv", "  CV Alex 2019.docx ")) == [
        ("file_renamed", {"file": "old_cv", "from_name": "cv-2019.docx", "to_name": "CV Alex 2019.docx",
                          "folder": "documents"})]
    assert play.files.files["old_cv"].name == "CV Alex 2019.docx"


def test_a_file_may_be_renamed_to_its_own_name_in_another_case(play):
    assert play.do(a.RenameFile("notes", "NOTES.TXT"))[0][1]["to_name"] == "NOTES.TXT"


@pytest.mark.parametrize("name, reason", [
    ("", "empty_name"), ("   ", "empty_name"),
    *[(f"cv{c}2019.docx", "invalid_name") for c in '/\\:*?"<>|'],
    (".", "invalid_name"), ("..", "invalid_name"),
])
def test_names_a_file_cannot_have(play, name, reason):
    assert play.refused(a.RenameFile("old_cv", name)) == reason
    assert play.files.files["old_cv"].name == "cv-2019.docx"


def test_two_files_of_a_folder_cannot_share_a_name_whatever_the_case(play):
    play.do(a.MoveFile("photo", "downloads"))
    assert play.refused(a.RenameFile("photo", "notes.TXT")) == "name_taken"
    play.do(a.MoveFile("photo", "desktop"))
    assert play.do(a.RenameFile("photo", "notes.TXT"))[0][0] == "file_renamed", "another folder: no clash"


def test_renaming_refused_for_unknown_files_and_files_in_the_trash(play):
    assert play.refused(a.RenameFile("nope", "x.txt")) == "unknown_file"
    play.do(a.DeleteFile("notes"))
    assert play.refused(a.RenameFile("notes", "x.txt")) == "in_trash"


# --- move ------------------------------------------------------------------------------------------------
def test_moving_a_file(play):
    assert play.do(a.MoveFile("notes", "job")) == [
        ("file_moved", {"file": "notes", "name": "Notes.txt", "from_folder": "downloads", "to_folder": "job"})]
    assert folder_of(play, "notes") == "job"
    folder = play.do(a.CreateFolder("job", "Lettres"))[0][1]["folder"]
    assert play.do(a.MoveFile("notes", folder))[0][1]["to_folder"] == folder


def test_moves_that_are_refused(play):
    assert play.refused(a.MoveFile("nope", "documents")) == "unknown_file"
    assert play.refused(a.MoveFile("notes", "nope")) == "unknown_folder"
    assert play.refused(a.MoveFile("notes", "trash")) == "use_delete"
    assert play.refused(a.MoveFile("notes", "downloads")) == "already_in_folder"
    play.do(a.CopyFile("notes", "documents"))
    assert play.refused(a.MoveFile("notes", "documents")) == "name_taken"
    assert folder_of(play, "notes") == "downloads"


# --- copy -----------------------------------------------------------------------------------------------------
def test_a_copy_in_another_folder_keeps_the_name_and_gets_the_next_id(play):
    events = play.do(a.CopyFile("notes", "documents"))
    assert events == [("file_copied", {"file": "notes", "copy": "f1", "name": "Notes.txt",
                                       "to_folder": "documents"})]
    copy, original = play.files.files["f1"], play.files.files["notes"]
    assert (copy.kind, copy.size_kb, copy.content) == (original.kind, original.size_kb, original.content)
    assert copy.folder == "documents" and original.folder == "downloads"
    assert copy.modified == play.log[-1].utc, "a copy is dated when it is made"
    assert play.do(a.CopyFile("notes", "desktop"))[0][1]["copy"] == "f2"


def test_a_copy_in_the_same_folder_is_named_as_a_copy_in_french(play):
    assert play.do(a.CopyFile("old_cv", "documents"))[0][1]["name"] == "cv-2019 - copie.docx"
    assert play.do(a.CopyFile("old_cv", "documents"))[0][1]["name"] == "cv-2019 - copie (2).docx"
    assert play.do(a.CopyFile("old_cv", "documents"))[0][1]["name"] == "cv-2019 - copie (3).docx"
    assert len(play.files.in_folder("documents")) == 4


def test_a_copy_in_the_same_folder_is_named_as_a_copy_in_english(loaded):
    play = Play(loaded, locale="en-CA")
    assert play.do(a.CopyFile("old_cv", "documents"))[0][1]["name"] == "cv-2019 - copy.docx"
    assert play.do(a.CopyFile("old_cv", "documents"))[0][1]["name"] == "cv-2019 - copy (2).docx"


def test_the_copy_suffix_goes_before_the_extension_and_at_the_end_without_one(loaded):
    fs = FileSystem(loaded.scenario.apps.files, "fr-CA")
    fs.add_file("LISEZMOI", "text", 1, "documents", None)
    copied = fs.apply(a.CopyFile("f1", "documents"))
    assert copied[0][1]["name"] == "LISEZMOI - copie"
    fs.add_file("archive.tar.gz", "zip", 1, "documents", None)
    assert fs.apply(a.CopyFile("f3", "documents"))[0][1]["name"] == "archive.tar - copie.gz"


def test_copies_that_are_refused(play):
    assert play.refused(a.CopyFile("nope", "documents")) == "unknown_file"
    assert play.refused(a.CopyFile("notes", "nope")) == "unknown_folder"
    assert play.refused(a.CopyFile("notes", "trash")) == "in_trash"
    play.do(a.DeleteFile("notes"))
    assert play.refused(a.CopyFile("notes", "documents")) == "in_trash"
    assert "f1" not in play.files.files


# --- delete and restore ------------------------------------------------------------------------------------
def test_a_deleted_file_goes_to_the_trash_and_is_restored_where_it_was(play):
    assert play.do(a.DeleteFile("notes")) == [("file_deleted", {"file": "notes", "name": "Notes.txt",
                                                                "from_folder": "downloads"})]
    assert folder_of(play, "notes") == "trash"
    assert play.refused(a.DeleteFile("notes")) == "already_in_trash"
    assert play.do(a.RestoreFile("notes")) == [("file_restored", {"file": "notes", "name": "Notes.txt",
                                                                  "to_folder": "downloads"})]
    assert folder_of(play, "notes") == "downloads"
    assert play.refused(a.RestoreFile("notes")) == "not_in_trash"


def test_restore_follows_the_last_folder_a_file_was_deleted_from(play):
    play.do(a.MoveFile("notes", "job"))
    play.do(a.DeleteFile("notes"))
    assert play.do(a.RestoreFile("notes"))[0][1]["to_folder"] == "job"


def test_restore_is_refused_when_the_name_was_taken_meanwhile(play):
    play.do(a.DeleteFile("notes"))
    play.do(a.SaveAttachment("cv_mail", "cv_att", "downloads", "notes.txt"))
    assert play.refused(a.RestoreFile("notes")) == "name_taken"
    assert folder_of(play, "notes") == "trash"


def test_a_file_that_starts_in_the_trash_is_restored_to_documents(tmp_path):
    text = edited(APPLY_ONLINE, "      - id: photo\n", (
        "      - id: old_letter\n        name: lettre.docx\n        kind: docx\n        folder: trash\n"
        "        modified: 2020-01-01T10:00:00-05:00\n      - id: photo\n"))
    play = Play(write_scenario(tmp_path, text))
    assert play.refused(a.OpenFile("old_letter")) == "in_trash"
    assert play.do(a.RestoreFile("old_letter"))[0][1]["to_folder"] == "documents"


def test_delete_and_restore_of_unknown_files(play):
    assert play.refused(a.DeleteFile("nope")) == "unknown_file"
    assert play.refused(a.RestoreFile("nope")) == "unknown_file"


# --- new folders ----------------------------------------------------------------------------------------------
def test_new_folders_get_ids_fd1_fd2_and_may_nest(play):
    assert play.do(a.CreateFolder("documents", "  Candidatures ")) == [
        ("folder_created", {"folder": "fd1", "name": "Candidatures", "parent": "documents"})]
    assert play.do(a.CreateFolder("fd1", "Boulangeries"))[0][1] == {"folder": "fd2", "name": "Boulangeries",
                                                                     "parent": "fd1"}
    assert play.files.folder_name("fd2") == "Boulangeries"
    assert [f.id for f in play.files.subfolders("documents")] == ["job", "fd1"]
    assert play.files.summary()["folders"]["fd2"] == {"parent": "fd1"}


def test_a_folder_name_is_taken_among_its_siblings_whatever_the_case(play):
    play.do(a.CreateFolder("documents", "Candidatures"))
    assert play.refused(a.CreateFolder("documents", "CANDIDATURES")) == "name_taken"
    assert play.refused(a.CreateFolder("documents", "recherche d'emploi")) == "name_taken", "the scenario's folder"
    assert play.do(a.CreateFolder("desktop", "Candidatures"))[0][0] == "folder_created", "another parent: no clash"


def test_the_scenarios_folder_names_are_compared_in_the_sessions_locale(loaded):
    play = Play(loaded, locale="en-CA")
    assert play.refused(a.CreateFolder("documents", "job SEARCH")) == "name_taken"
    assert play.do(a.CreateFolder("documents", "Recherche d'emploi"))[0][0] == "folder_created"


@pytest.mark.parametrize("name, reason", [("", "empty_name"), ("  ", "empty_name"), ("a/b", "invalid_name"),
                                          ("a:b", "invalid_name"), ("?", "invalid_name"), ("..", "invalid_name"),
                                          (".", "invalid_name")])
def test_names_a_folder_cannot_have(play, name, reason):
    assert play.refused(a.CreateFolder("documents", name)) == reason
    assert "fd1" not in play.files.folders


def test_folders_are_made_only_in_folders_that_exist_and_never_in_the_trash(play):
    assert play.refused(a.CreateFolder("nope", "X")) == "unknown_folder"
    assert play.refused(a.CreateFolder("trash", "X")) == "in_trash"


# --- saving an attachment: mail to files ------------------------------------------------------------------------
def test_saving_an_attachment_makes_a_file_of_its_kind(play):
    assert play.do(a.SaveAttachment("cv_mail", "cv_att", "documents", " CV Alex Tremblay.pdf ")) == [
        ("attachment_saved", {"message": "cv_mail", "attachment": "cv_att", "file": "f1",
                              "name": "CV Alex Tremblay.pdf", "folder": "documents"})]
    saved = play.files.files["f1"]
    assert (saved.kind, saved.size_kb, saved.folder) == ("pdf", 90, "documents")
    assert saved.modified == play.log[-1].utc
    assert play.do(a.SaveAttachment("cv_mail", "cv_att", "desktop", "cv.pdf"))[0][1]["file"] == "f2"
    assert play.do(a.CopyFile("f2", "desktop"))[0][1]["copy"] == "f3", "one sequence of ids for new files"


def test_saving_an_attachment_is_refused_when_it_cannot_be_done(play):
    assert play.refused(a.SaveAttachment("nope", "cv_att", "documents", "cv.pdf")) == "unknown_message"
    assert play.refused(a.SaveAttachment("confirmation", "cv_att", "documents", "cv.pdf")) == "unknown_message"
    assert play.refused(a.SaveAttachment("cv_mail", "nope", "documents", "cv.pdf")) == "unknown_attachment"
    assert play.refused(a.SaveAttachment("cv_mail", "cv_att", "nope", "cv.pdf")) == "unknown_folder"
    assert play.refused(a.SaveAttachment("cv_mail", "cv_att", "trash", "cv.pdf")) == "in_trash"
    assert play.refused(a.SaveAttachment("cv_mail", "cv_att", "documents", "CV-2019.DOCX")) == "name_taken"
    assert play.refused(a.SaveAttachment("cv_mail", "cv_att", "documents", "cv?.pdf")) == "invalid_name"
    assert play.refused(a.SaveAttachment("cv_mail", "cv_att", "documents", " ")) == "empty_name"
    assert play.files.summary()["files"].keys() == {"old_cv", "photo", "notes"}


def test_saving_an_attachment_needs_both_mail_and_files(loaded):
    apps = loaded.scenario.apps
    for desktop in (Desktop(Apps(mail=apps.mail, browser=apps.browser), "fr-CA"),
                    Desktop(Apps(files=apps.files), "fr-CA")):
        with pytest.raises(Rejected) as refused:
            desktop.apply(a.SaveAttachment("cv_mail", "cv_att", "documents", "cv.pdf"))
        assert refused.value.reason == "app_not_in_scenario"


def test_file_actions_need_the_files_app(loaded):
    desktop = Desktop(Apps(mail=loaded.scenario.apps.mail), "fr-CA")
    for action in (a.OpenFile("notes"), a.CreateFolder("documents", "X"), a.EnterAddress("x.ca")):
        with pytest.raises(Rejected) as refused:
            desktop.apply(action)
        assert refused.value.reason == "app_not_in_scenario"
