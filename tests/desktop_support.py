"""A scenario using mail, browser and files together, and a small driver for the session engine.

The scenario is written into the test's folder and loaded by the real loader, so the tests see
what an author's file gives. Tests that need a variant edit the text with `edited`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.runtime import actions as a
from game.runtime.clock import ManualClock
from game.runtime.events import Event
from game.runtime.session import Outcome, SessionEngine
from game.scenario.loader import LoadedScenario, ScenarioError, load_scenario
from game.scenario.source import Problem

SCENARIO_ID = "jobs.apply-online"

# Alex receives their CV from a counsellor, saves it, renames it and sends it through a bakery's
# application form; the bakery's confirmation arrives by mail. Every block and field kind is used.
APPLY_ONLINE = """\
id: jobs.apply-online
version: 1
title:
  fr-CA: Postuler en ligne
  en-CA: Apply online
brief:
  fr-CA: Envoyez votre CV à la boulangerie par son formulaire.
  en-CA: Send your CV to the bakery through its form.
competences: ["1.1", "2.1", "3.1"]
estimated_minutes: 10
persona:
  name: Alex Tremblay
  email: alex.tremblay@courriel.ca
  phone: 514-555-0199
  address: 1234 rue Ontario Est, Montréal (Québec) H2L 1P7
  birth_date: "1998-04-12"
apps:
  mail:
    me: {name: Alex Tremblay, address: alex.tremblay@courriel.ca}
    messages:
      - id: cv_mail
        from: {name: Nadia Roy, address: nadia.roy@carrefour-emploi.ca}
        to: [{name: Alex Tremblay, address: alex.tremblay@courriel.ca}]
        time: 2026-11-20T09:15:00-05:00
        subject: {fr-CA: Votre CV corrigé, en-CA: Your corrected CV}
        body: {fr-CA: Voici votre CV corrigé., en-CA: Here is your corrected CV.}
        attachments:
          - {id: cv_att, name: cv-corrige.pdf, kind: pdf, size_kb: 90}
        links:
          - {id: job_link, text: {fr-CA: L'offre, en-CA: The posting}, url: "https://emplois.chezmado.ca/postuler"}
          - {id: other_link, text: {fr-CA: Autre, en-CA: Other}, url: "https://ailleurs.example.ca/"}
      - id: confirmation
        delivered: false
        from: {name: Chez Mado RH, address: rh@chezmado.ca}
        to: [{name: Alex Tremblay, address: alex.tremblay@courriel.ca}]
        time: 2026-11-20T10:00:00-05:00
        subject: {fr-CA: Candidature reçue, en-CA: Application received}
        body: {fr-CA: Merci pour votre candidature., en-CA: Thank you for applying.}
  files:
    folders:
      - id: job
        name: {fr-CA: Recherche d'emploi, en-CA: Job search}
    files:
      - id: old_cv
        name: cv-2019.docx
        kind: docx
        modified: 2019-05-01T10:00:00-04:00
      - id: photo
        name: photo.jpg
        kind: image
        folder: desktop
        modified: 2026-10-01T10:00:00-04:00
      - id: notes
        name: Notes.txt
        kind: text
        folder: downloads
        modified: 2026-10-02T10:00:00-04:00
        content: {fr-CA: Appeler Nadia, en-CA: Call Nadia}
  browser:
    home: search
    pages:
      - id: search
        url: https://www.cherche.ca/
        title: {fr-CA: Cherche, en-CA: Search}
        blocks:
          - {type: heading, text: {fr-CA: Cherche, en-CA: Search}}
          - {type: search}
      - id: jobs
        url: https://emplois.chezmado.ca/
        title: {fr-CA: Emplois chez Mado, en-CA: Jobs at Mado}
        blocks:
          - {type: heading, text: {fr-CA: Nous embauchons, en-CA: We are hiring}}
          - {type: paragraph, text: {fr-CA: Viens travailler avec nous., en-CA: Come work with us.}}
          - {type: image, alt: {fr-CA: Une boulangère sourit, en-CA: A baker smiles}}
          - type: list
            items: [{fr-CA: Comptoir, en-CA: Counter}, {fr-CA: Boulangerie, en-CA: Bakery}]
          - type: table
            columns: [{fr-CA: Poste, en-CA: Job}, {fr-CA: Heures, en-CA: Hours}]
            rows:
              - [{fr-CA: Comptoir, en-CA: Counter}, {fr-CA: "20", en-CA: "20"}]
          - {type: link, id: to_apply, text: {fr-CA: Postuler, en-CA: Apply}, to: apply}
          - {type: link, id: write_us, text: {fr-CA: Nous écrire, en-CA: Write to us}, url: "mailto:RH@chezmado.ca?subject=Emploi"}
          - {type: link, id: gov, text: {fr-CA: Guichet, en-CA: Job bank}, url: "https://www.guichetemplois.gc.ca/"}
          - {type: link, id: by_address, text: {fr-CA: Formulaire, en-CA: Form}, url: "http://emplois.chezmado.ca/postuler/"}
      - id: apply
        url: https://emplois.chezmado.ca/postuler
        title: {fr-CA: Postuler, en-CA: Apply}
        blocks:
          - type: form
            id: application
            submit: {fr-CA: Envoyer, en-CA: Send}
            on_submit: {page: thanks, deliver: [confirmation]}
            fields:
              - {id: name, kind: text, label: {fr-CA: Nom, en-CA: Name}, min_length: 2, max_length: 40}
              - {id: email, kind: email, label: {fr-CA: Courriel, en-CA: Email}}
              - {id: phone, kind: phone, label: {fr-CA: Téléphone, en-CA: Phone}}
              - {id: postal, kind: postal_code, label: {fr-CA: Code postal, en-CA: Postal code}}
              - {id: birth, kind: date, label: {fr-CA: Naissance, en-CA: Birth date}}
              - {id: hours, kind: number, label: {fr-CA: Heures, en-CA: Hours}, min: 10, max: 40}
              - id: position
                kind: select
                label: {fr-CA: Poste, en-CA: Job}
                options:
                  - {id: counter, label: {fr-CA: Comptoir, en-CA: Counter}}
                  - {id: baker, label: {fr-CA: Boulangerie, en-CA: Bakery}}
              - id: shift
                kind: radio
                label: {fr-CA: Quart, en-CA: Shift}
                options:
                  - {id: day, label: {fr-CA: Jour, en-CA: Day}}
                  - {id: night, label: {fr-CA: Nuit, en-CA: Night}}
              - {id: cv, kind: file, label: {fr-CA: CV, en-CA: CV}, accept: [pdf, docx]}
              - {id: password, kind: password, label: {fr-CA: Mot de passe, en-CA: Password}, password: {symbol: true}}
              - {id: letter, kind: textarea, label: {fr-CA: Lettre, en-CA: Letter}, required: false, max_length: 200}
              - {id: news, kind: checkbox, label: {fr-CA: Infolettre, en-CA: Newsletter}, required: false}
              - {id: consent, kind: consent, label: {fr-CA: J'accepte, en-CA: I agree}, policy: privacy}
      - id: privacy
        url: https://emplois.chezmado.ca/confidentialite
        title: {fr-CA: Confidentialité, en-CA: Privacy}
        blocks:
          - {type: paragraph, text: {fr-CA: Vos données restent ici., en-CA: Your data stays here.}}
      - id: thanks
        url: https://emplois.chezmado.ca/merci
        title: {fr-CA: Merci, en-CA: Thanks}
        blocks:
          - {type: heading, text: {fr-CA: Merci!, en-CA: Thank you!}}
    search:
      queries:
        - id: q_jobs
          words: [emploi, boulangerie]
          results:
            - id: ad
              sponsored: true
              trust: fraudulent
              title: {fr-CA: Emplois payants, en-CA: Well paid jobs}
              url: https://emplois-rapides.win/
              snippet: {fr-CA: Gagnez gros, en-CA: Earn big}
            - id: mado
              trust: official
              page: jobs
              title: {fr-CA: Chez Mado, en-CA: Chez Mado}
              url: https://emplois.chezmado.ca/
              snippet: {fr-CA: Nous embauchons, en-CA: We are hiring}
        - id: q_jobs_mtl
          words: [emploi, boulangerie, Montréal]
          results:
            - id: mado_mtl
              page: jobs
              title: {fr-CA: Chez Mado Montréal, en-CA: Chez Mado Montreal}
              url: https://emplois.chezmado.ca/
              snippet: {fr-CA: Montréal, en-CA: Montreal}
end:
  all:
    - file_in_folder: {name: CV Alex Tremblay.pdf, folder: documents}
    - form_value: {form: application, field: position, equals: counter}
    - event: message_opened
      where: {message: confirmation}
evidence:
  - observable: cv_saved_in_documents
    competence: "1.1"
    rule: at_end
    facts:
      - file_in_folder: {name: cv alex tremblay.pdf, folder: documents}
      - file_in_folder: {file: old_cv, folder: documents}
      - file_in_folder: {file: photo, folder: documents}
  - observable: applied_for_counter
    competence: "3.1"
    rule: at_end
    facts:
      - form_value: {form: application, field: position, equals: counter}
      - form_value: {form: application, field: cv, equals: CV Alex Tremblay.pdf}
      - form_value: {form: application, field: consent, equals: true}
      - form_value: {form: application, field: password, equals: Secret!2026}
  - observable: tries_before_valid
    competence: "3.1"
    rule: count
    event: form_submitted
    where: {form: application, valid: false}
  - observable: read_confirmation
    competence: "2.1"
    rule: happened
    event: message_opened
    where: {message: confirmation}
"""

# Values that pass every field of the application form.
GOOD_VALUES: dict[str, str | bool] = {
    "name": "Alex Tremblay", "email": "alex.tremblay@courriel.ca", "phone": "514-555-0199",
    "postal": "H2L 1P7", "birth": "1998-04-12", "hours": "25", "position": "counter", "shift": "day",
    "password": "Secret!2026", "consent": True,
}


def edited(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) >= count, f"the scenario no longer contains {old!r}"
    return text.replace(old, new, count)


def position(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """Line and column (from 1) where the nth occurrence of `needle` starts."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def value_position(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """Where the value of `key: value` starts (the nth occurrence of the needle)."""
    line, col = position(text, needle, nth)
    return line, col + needle.index(": ") + 2


def write_scenario(folder: Path, text: str = APPLY_ONLINE, name: str = "apply-online.yaml") -> LoadedScenario:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def problems_of(folder: Path, text: str) -> list[Problem]:
    path = folder / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


Pair = tuple[str, dict[str, Any]]


class Play:
    """A session engine on one scenario, with a manual clock and every event kept."""

    def __init__(self, loaded: LoadedScenario, locale: str = "fr-CA", start: bool = True):
        self.clock = ManualClock()
        self.log: list[Event] = []
        self.engine = SessionEngine(scenarios=[loaded], clock=self.clock, sink=self.log.append,
                                    participant="TEST-1", locale=locale, session_id="S-TEST")
        if start:
            self.engine.start()
            self.engine.start_scenario()

    @property
    def desktop(self):
        return self.engine.current.desktop

    @property
    def browser(self):
        return self.desktop.browser

    @property
    def files(self):
        return self.desktop.files

    @property
    def mail(self):
        return self.desktop.mail

    def apply(self, action: a.Action) -> Outcome:
        self.clock.advance(1000)
        return self.engine.apply(action)

    def do(self, action: a.Action) -> list[Pair]:
        """Apply an action that must be accepted; its events as (type, payload)."""
        outcome = self.apply(action)
        assert outcome.accepted, f"{action} was refused: {outcome.reason}"
        return [(e.type, e.payload) for e in outcome.events]

    def refused(self, action: a.Action) -> str:
        """Apply an action that must be refused; the reason, after checking what was logged."""
        before = len(self.log)
        outcome = self.apply(action)
        assert not outcome.accepted, f"{action} was accepted"
        assert [e.type for e in self.log[before:]] == ["action_rejected"]
        assert self.log[-1].payload["reason"] == outcome.reason
        assert self.log[-1].payload["action"] == action.name
        return outcome.reason

    def types(self) -> list[str]:
        return [e.type for e in self.log]

    def fill(self, values: dict[str, str | bool] | None = None, form: str = "application") -> None:
        for field, value in (GOOD_VALUES if values is None else values).items():
            self.do(a.SetField(form, field, value))
