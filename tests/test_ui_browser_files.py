"""The browser, the file manager and what crosses between apps, driven through the real UI with real events."""

from __future__ import annotations

import pytest

from game.scenario.loader import load_scenario
from game.ui.scenes.flow import start_single_scenario
from tests.desktop_support import APPLY_ONLINE
from tests.ui_support import Ui, layout_problems


@pytest.fixture
def ui(tmp_path):
    path = tmp_path / "apply.yaml"
    path.write_text(APPLY_ONLINE, encoding="utf-8")
    loaded = load_scenario(path)
    ui = Ui(tmp_path, locale="fr-CA", library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-WEB")
    ui.driver.settle()
    ui.click("brief.start")
    yield ui
    ui.close()


def kinds(ui: Ui) -> list[str]:
    return [e["type"] for e in ui.events()]


def last(ui: Ui, kind: str) -> dict:
    return next(e for e in reversed(ui.events()) if e["type"] == kind)["payload"]


def test_taskbar_shows_each_app_and_the_persona_card(ui):
    assert ui.text("taskbar.mail") == "Courriel (1)"  # the confirmation has not arrived yet
    assert ui.text("taskbar.browser") == "Navigateur"
    assert ui.text("taskbar.files") == "Fichiers"
    ui.click("taskbar.persona")
    assert "Alex Tremblay" in ui.text("dialog.persona.text") and "H2L 1P7" in ui.text("dialog.persona.text")
    assert "inventés" in ui.text("dialog.persona.text")
    ui.key("escape")
    assert kinds(ui)[-1] == "persona_opened"


def test_search_results_mark_sponsored_and_open_the_official_site(ui):
    ui.click("taskbar.browser")
    assert ui.app.widgets.fields["browser.address"].get() == "https://www.cherche.ca/"
    ui.click("browser.search")
    ui.type("boulangerie emploi Montreal")
    ui.click("browser.search.go")
    assert last(ui, "search_made")["query"] == "q_jobs_mtl"  # most words wins, accents ignored
    ui.click("browser.back")
    ui.click("browser.search")
    ui.type("emploi boulangerie")
    ui.key("enter")
    assert ui.text("browser.result.ad.sponsored") == "Annonce"
    assert ui.app.focus.focused_id == "browser.result.ad"  # the first result, as a person would meet it
    ui.click("browser.result.mado")
    opened = last(ui, "result_opened")
    assert (opened["result"], opened["rank"], opened["trust"]) == ("mado", 2, "official")
    assert ui.app.widgets.fields["browser.address"].get() == "https://emplois.chezmado.ca/"
    assert ui.text("browser.block.0") == "Nous embauchons"
    assert ui.text("browser.block.2") == "Image : Une boulangère sourit"
    assert ui.tree.get("browser.security").speakable.startswith("Connexion sécurisée")
    assert layout_problems(ui.app) == []


def test_http_address_is_shown_as_not_secure_and_unknown_sites_are_not_part_of_the_exercise(ui):
    ui.click("taskbar.browser")
    field = ui.app.widgets.fields["browser.address"]
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("www.guichetemplois.gc.ca")
    ui.key("enter")
    assert last(ui, "page_not_found")["address"] == "www.guichetemplois.gc.ca"
    assert ui.text("browser.not_found.title") == "Cette page ne fait pas partie de l'exercice"
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("http://emplois.chezmado.ca/postuler/")
    ui.click("browser.go")
    assert last(ui, "page_visited") == {"page": "apply", "url": "https://emplois.chezmado.ca/postuler",
                                        "secure": True, "via": "address"}
    assert field is not None


def test_form_errors_show_per_field_and_focus_goes_to_the_first(ui):
    ui.click("taskbar.browser")
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("https://emplois.chezmado.ca/postuler")
    ui.key("enter")
    ui.click("browser.field.application.name")
    ui.type("Alex Tremblay")
    ui.click("browser.field.application.postal")
    ui.type("H2L1P")
    ui.click("browser.field.application.password")
    ui.type("Secret!2026")
    assert ui.tree.get("browser.field.application.password.strength").text == "Force du mot de passe : bon"
    ui.click("browser.form.application.submit")
    submitted = last(ui, "form_submitted")
    assert submitted["valid"] is False
    assert submitted["errors"]["postal"] == "invalid_postal_code"
    assert "Secret" not in str(ui.events())  # a password never reaches the log
    assert ui.text("browser.form.application.errors").startswith("Le formulaire contient")
    assert ui.text("browser.field.application.postal.error") == "Entrez un code postal canadien, par exemple H2X 1Y4."
    assert ui.tree.get("browser.field.application.postal.error.icon") is not None  # never colour alone
    assert ui.app.focus.focused_id == "browser.field.application.email"  # the first field to correct
    assert layout_problems(ui.app) == []


def test_consent_policy_opens_in_place_and_the_check_box_toggles(ui):
    ui.click("taskbar.browser")
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("https://emplois.chezmado.ca/postuler")
    ui.key("enter")
    ui.click("browser.field.application.consent.policy")
    assert "Vos données restent ici." in ui.text("dialog.policy.text")
    assert last(ui, "policy_opened") == {"form": "application", "field": "consent", "page": "privacy"}
    ui.key("escape")
    ui.click("browser.field.application.consent")
    assert last(ui, "field_changed") == {"form": "application", "field": "consent", "value": True, "length": None}
    assert "cochée" in ui.tree.get("browser.field.application.consent").speakable
    ui.click("browser.field.application.shift.night")
    assert last(ui, "field_changed")["value"] == "night"


def test_save_an_attachment_rename_it_and_upload_it(ui):
    ui.click("mail.message.cv_mail")
    ui.click("mail.save.cv_att")
    ui.click("mail.save_to.job")
    ui.click("mail.save.ok")
    saved = last(ui, "attachment_saved")
    assert (saved["file"], saved["folder"], saved["name"]) == ("f1", "job", "cv-corrige.pdf")
    assert "Recherche d'emploi" in ui.text("dialog.notice.text")
    ui.click("dialog.notice.ok")
    ui.click("taskbar.files")
    ui.click("files.folder.job")
    ui.click("files.file.f1")
    ui.click("files.rename")
    ui.click("files.name")
    ui.key("ctrl+a")
    ui.type("CV Alex Tremblay.pdf")
    ui.click("files.name.ok")
    assert last(ui, "file_renamed")["to_name"] == "CV Alex Tremblay.pdf"
    assert "CV Alex Tremblay.pdf" in ui.text("files.file.f1")
    ui.click("files.move")
    ui.click("files.move_to.documents")
    assert last(ui, "file_moved")["to_folder"] == "documents"
    ui.click("taskbar.browser")
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("emplois.chezmado.ca/postuler")
    ui.key("enter")
    ui.click("browser.field.application.cv")
    ui.click("browser.pick.f1")
    assert last(ui, "file_chosen") == {"form": "application", "field": "cv", "file": "f1",
                                       "name": "CV Alex Tremblay.pdf", "kind": "pdf"}
    assert ui.text("browser.field.application.cv.chosen") == "Fichier choisi : CV Alex Tremblay.pdf"


def test_delete_to_trash_and_restore(ui):
    ui.click("taskbar.files")
    ui.click("files.folder.downloads")
    ui.click("files.delete")  # nothing chosen yet: a clear message, no action
    assert ui.text("dialog.notice.title") == "Aucun fichier choisi"
    ui.click("dialog.notice.ok")
    ui.click("files.file.notes")
    ui.click("files.delete")
    assert last(ui, "file_deleted") == {"file": "notes", "name": "Notes.txt", "from_folder": "downloads"}
    ui.click("files.folder.trash")
    ui.click("files.file.notes")
    ui.click("files.restore")
    assert last(ui, "file_restored")["to_folder"] == "downloads"


def test_a_mail_link_to_a_site_opens_it_in_the_browser(ui):
    ui.click("mail.message.cv_mail")
    ui.click("mail.link.job_link")
    assert ui.app.scene.current == "browser"
    assert last(ui, "page_visited")["via"] == "mail"
    assert ui.tree.get("browser.form.application.submit") is not None


def test_a_mailto_link_opens_the_composer_with_the_address(ui):
    ui.click("taskbar.browser")
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("emplois.chezmado.ca")
    ui.key("enter")
    ui.click("browser.link.write_us")
    assert ui.app.scene.current == "mail"
    assert ui.app.widgets.fields["compose.to"].get() == "rh@chezmado.ca"


@pytest.mark.parametrize("scale", [100, 200])
def test_browser_and_files_fit_at_every_text_size(tmp_path, scale):
    path = tmp_path / "apply.yaml"
    path.write_text(APPLY_ONLINE, encoding="utf-8")
    loaded = load_scenario(path)
    ui = Ui(tmp_path, locale="en-CA", scale=scale, library={loaded.id: loaded})
    start_single_scenario(ui.app, loaded, "TEST-FIT")
    ui.driver.settle()
    ui.click("brief.start")
    for app_name in ("browser", "files"):
        ui.click(f"taskbar.{app_name}")
        assert layout_problems(ui.app) == [], app_name
    ui.click("taskbar.browser")
    ui.click("browser.address")
    ui.key("ctrl+a")
    ui.type("emplois.chezmado.ca/postuler")
    ui.key("enter")
    ui.click("browser.form.application.submit")  # every field with its error
    assert layout_problems(ui.app) == []
    ui.click("browser.field.application.consent")  # far down the page: scrolled into view
    assert ui.tree.get("browser.field.application.consent").visible
    ui.close()
