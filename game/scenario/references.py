"""Checks that need the whole scenario: ids unique, every reference names something that exists."""

from __future__ import annotations

import re
from typing import Iterator

from game.runtime.events import EVENT_APP, EVENT_FIELDS
from game.scenario.models import Scenario
from game.scenario.rules import AtEnd, Before, Duration, EventMatch, StateCondition, Test

Loc = tuple[str | int, ...]
DRAFT_ID = re.compile(r"^d[0-9]+$")
Finding = tuple[Loc, str, bool]  # where, message, points at the key rather than the value


def check_references(scenario: Scenario) -> list[Finding]:
    return list(_findings(scenario))


def _known_ids(scenario: Scenario) -> dict[str, set[str]]:
    mail, browser, files = scenario.apps.mail, scenario.apps.browser, scenario.apps.files
    return {
        "message": {m.id for m in mail.messages} if mail else set(),
        "folder": set(mail.folder_ids()) if mail else set(),
        "attachment": set(mail.attachment_ids()) if mail else set(),
        "link": set(mail.link_ids()) if mail else set(),
        "page": set(browser.page_ids()) if browser else set(),
        "page_link": set(browser.link_ids()) if browser else set(),
        "form": set(browser.forms()) if browser else set(),
        "query": set(browser.query_ids()) if browser else set(),
        "result": set(browser.result_ids()) if browser else set(),
        "file": set(files.file_ids()) if files else set(),
        "file_folder": set(files.folder_ids()) if files else set(),
        "bug": {bug.id for bug in scenario.apps.qa_game.bugs} if scenario.apps.qa_game else set(),
        "checklist_item": ({item.id for item in scenario.apps.bug_tracker.checklist}
                           if scenario.apps.bug_tracker else set()),
    }


def _repeats(kind: str, what: str, items: list[tuple[Loc, str]]) -> Iterator[Finding]:
    """Every use of a value after its first, pointing at the repeat and naming the first."""
    first: dict[str, Loc] = {}
    for loc, value in items:
        if value in first:
            yield loc, f"{kind} {what} {value!r} is used more than once (first at {_dotted(first[value])})", False
        else:
            first[value] = loc


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _findings(scenario: Scenario) -> Iterator[Finding]:
    mail = scenario.apps.mail
    known = _known_ids(scenario)
    if mail is not None:
        base: Loc = ("apps", "mail")
        for i, folder in enumerate(mail.folders):
            if folder.id in ("inbox", "sent", "junk", "trash"):
                yield base + ("folders", i, "id"), f"folder id {folder.id!r} is a built-in folder", False
        # Each repeat is reported where it is written, so the author finds it.
        placed: dict[str, list[tuple[Loc, str]]] = {
            "folder": [(("folders", i, "id"), f.id) for i, f in enumerate(mail.folders)],
            "message": [(("messages", i, "id"), m.id) for i, m in enumerate(mail.messages)],
            "attachment": [(("messages", i, "attachments", j, "id"), x.id)
                           for i, m in enumerate(mail.messages) for j, x in enumerate(m.attachments)],
            "link": [(("messages", i, "links", j, "id"), x.id)
                     for i, m in enumerate(mail.messages) for j, x in enumerate(m.links)],
        }
        for kind, items in placed.items():
            yield from _repeats(kind, "id", [(base + loc, value) for loc, value in items])
        for i, message in enumerate(mail.messages):
            if DRAFT_ID.match(message.id):
                yield (base + ("messages", i, "id"),
                       f"message id {message.id!r} is kept for messages the participant writes (d1, d2, ...)", False)
            if message.folder not in known["folder"]:
                yield base + ("messages", i, "folder"), _unknown("folder", message.folder, known), False
    if not scenario.apps.names():
        yield ("apps",), "a scenario needs at least one app (mail, browser or files)", True
    if scenario.start_app is not None and scenario.start_app not in scenario.apps.names():
        yield ("start_app",), f"start_app {scenario.start_app!r} is not among the scenario's apps", False
    yield from _browser_findings(scenario, known)
    yield from _qa_findings(scenario)
    yield from _files_findings(scenario)
    yield from _measurement_findings(scenario)
    if scenario.persona is None and scenario.apps.browser is not None and any(
            f.kind in ("email", "phone", "postal_code", "date") for form in scenario.apps.browser.forms().values()
            for f in form.fields):
        yield ("apps", "browser"), ("forms ask for personal data: give the scenario a `persona` "
                                    "(participants never type their own)"), True
    yield from _repeats("observable", "name",
                        [(("evidence", i, "observable"), rule.observable) for i, rule in enumerate(scenario.evidence)])
    for i, rule in enumerate(scenario.evidence):
        loc: Loc = ("evidence", i)
        if rule.competence not in scenario.competences:
            yield (loc + ("competence",), f"competence {rule.competence!r} is not among the scenario's competences "
                                          f"({', '.join(scenario.competences)})", False)
        if isinstance(rule, EventMatch):
            yield from _check_match(rule, loc, scenario, known)
        elif isinstance(rule, Before):
            yield from _check_match(rule.first, loc + ("first",), scenario, known)
            yield from _check_match(rule.then, loc + ("then",), scenario, known)
        elif isinstance(rule, Duration):
            yield from _check_match(rule.start, loc + ("start",), scenario, known)
            yield from _check_match(rule.end, loc + ("end",), scenario, known)
        elif isinstance(rule, AtEnd):
            for j, fact in enumerate(rule.facts):
                yield from _check_fact(fact, loc + ("facts", j), known, scenario)
    key = "all" if scenario.end.all is not None else "any"
    for i, condition in enumerate(scenario.end.conditions):
        loc = ("end", key, i)
        if isinstance(condition, StateCondition):
            yield from _check_fact(condition, loc, known, scenario)
        else:
            yield from _check_match(condition, loc, scenario, known)


KIND_WORDS = {"file_folder": "folder", "page_link": "page link", "bug": "seeded bug",
              "checklist_item": "checklist item"}


def _unknown(kind: str, value: object, known: dict[str, set[str]]) -> str:
    choices = ", ".join(sorted(known[kind])) or "none"
    return f"no {KIND_WORDS.get(kind, kind)} with id {value!r} in this scenario (known: {choices})"


def _check_fact(fact: StateCondition, loc: Loc, known: dict[str, set[str]],
                scenario: Scenario | None = None) -> Iterator[Finding]:
    if fact.message_in_folder is not None:
        spec = fact.message_in_folder
        where = loc + ("message_in_folder",)
        if spec.message not in known["message"]:
            yield where + ("message",), _unknown("message", spec.message, known), False
        if spec.folder not in known["folder"]:
            yield where + ("folder",), _unknown("folder", spec.folder, known), False
    elif fact.file_in_folder is not None:
        spec = fact.file_in_folder
        where = loc + ("file_in_folder",)
        if spec.file is not None and spec.file not in known["file"]:
            yield where + ("file",), _unknown("file", spec.file, known), False
        if spec.folder not in known["file_folder"]:
            yield where + ("folder",), _unknown("file_folder", spec.folder, known), False
    elif fact.form_value is not None:
        spec = fact.form_value
        where = loc + ("form_value",)
        forms = scenario.apps.browser.forms() if scenario and scenario.apps.browser else {}
        if spec.form not in forms:
            yield where + ("form",), _unknown("form", spec.form, known), False
        elif spec.field not in {f.id for f in forms[spec.form].fields}:
            yield where + ("field",), f"form {spec.form!r} has no field {spec.field!r}", False


def _check_match(match: EventMatch, loc: Loc, scenario: Scenario, known: dict[str, set[str]]) -> Iterator[Finding]:
    fields = EVENT_FIELDS.get(match.event)
    if fields is None:
        yield loc + ("event",), f"unknown event {match.event!r} (see docs/data-dictionary.md)", False
        return
    app = EVENT_APP[match.event]
    if app is not None and app not in scenario.apps.names():
        yield loc + ("event",), f"event {match.event!r} needs the {app!r} app, which this scenario does not have", False
    for name, test in match.where.items():
        where = loc + ("where", name)
        if "." in name:  # inside a field (values.email): the outer field must exist
            outer = name.split(".")[0]
            if outer not in fields:
                yield where, f"event {match.event!r} has no field {outer!r} (fields: {', '.join(sorted(fields))})", True
            continue
        if name not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            yield where, f"event {match.event!r} has no field {name!r} (fields: {allowed})", True
            continue
        kind = fields[name]
        if kind is None:
            continue
        for value in _named_values(test):
            if not isinstance(value, str):
                yield where, f"write the {kind} id as text, in quotes: '{value}'", False
            elif value not in known[kind]:
                yield where, _unknown(kind, value, known), False


def _named_values(test: object) -> list[object]:
    if not isinstance(test, Test):
        return [test]
    op, value = test.operator
    if op in ("equals", "not_equals", "includes", "excludes"):
        return [value]
    if op in ("in", "not_in"):
        return list(value)
    return []


CREATED_FILE = re.compile(r"^f[0-9]+$")
CREATED_FOLDER = re.compile(r"^fd[0-9]+$")


def _bare_url(url: str) -> str:
    from game.runtime.browser import bare_address

    return bare_address(url)


def _files_findings(scenario: Scenario) -> Iterator[Finding]:
    files = scenario.apps.files
    if files is None:
        return
    base: Loc = ("apps", "files")
    folders = set(files.folder_ids())
    for i, folder in enumerate(files.folders):
        if folder.id in ("documents", "downloads", "desktop", "trash"):
            yield base + ("folders", i, "id"), f"folder id {folder.id!r} is a built-in folder", False
        if CREATED_FOLDER.match(folder.id):
            yield base + ("folders", i, "id"), f"folder id {folder.id!r} is kept for folders participants make", False
        if folder.parent not in folders or folder.parent == "trash":
            yield base + ("folders", i, "parent"), f"no folder {folder.parent!r} to put this folder in", False
        seen_parents, parent = {folder.id}, folder.parent
        parents = {f.id: f.parent for f in files.folders}
        while parent in parents:
            if parent in seen_parents:
                yield base + ("folders", i, "parent"), f"folder {folder.id!r} ends up inside itself", False
                break
            seen_parents.add(parent)
            parent = parents[parent]
    yield from _repeats("folder", "id", [(base + ("folders", i, "id"), f.id) for i, f in enumerate(files.folders)])
    yield from _repeats("file", "id", [(base + ("files", i, "id"), f.id) for i, f in enumerate(files.files)])
    seen: dict[tuple[str, str], int] = {}
    for i, spec in enumerate(files.files):
        if CREATED_FILE.match(spec.id):
            yield base + ("files", i, "id"), f"file id {spec.id!r} is kept for files participants make", False
        if spec.folder not in folders:
            yield base + ("files", i, "folder"), f"no folder {spec.folder!r} (folders: {', '.join(sorted(folders))})", False
        key = (spec.folder, spec.name.casefold())
        if key in seen:
            yield base + ("files", i, "name"), f"a file named {spec.name!r} is already in {spec.folder!r}", False
        seen[key] = i


def _browser_findings(scenario: Scenario, known: dict[str, set[str]]) -> Iterator[Finding]:
    browser = scenario.apps.browser
    if browser is None:
        return
    base: Loc = ("apps", "browser")
    pages = set(browser.page_ids())
    if browser.home not in pages:
        yield base + ("home",), _unknown("page", browser.home, known), False
    yield from _repeats("page", "id", [(base + ("pages", i, "id"), p.id) for i, p in enumerate(browser.pages)])
    # Addresses that differ only by http(s), www. or a final slash are one address to a person.
    yield from _repeats("page", "address", [(base + ("pages", i, "url"), _bare_url(p.url))
                                            for i, p in enumerate(browser.pages)])
    block_ids: list[tuple[Loc, str]] = []
    mail = scenario.apps.mail
    later = {m.id for m in mail.messages if not m.delivered} if mail else set()
    for i, page in enumerate(browser.pages):
        for j, block in enumerate(page.blocks):
            loc = base + ("pages", i, "blocks", j)
            kind = getattr(block, "type", "")
            if kind == "link":
                block_ids.append((loc + ("id",), block.id))
                if block.to is not None and block.to not in pages:
                    yield loc + ("to",), _unknown("page", block.to, known), False
                if block.url and block.url.lower().startswith("mailto:") and mail is None:
                    yield loc + ("url",), "a mailto: link needs the mail app in this scenario", False
            elif kind == "form":
                block_ids.append((loc + ("id",), block.id))
                yield from _repeats("field", "id", [(loc + ("fields", k, "id"), f.id)
                                                    for k, f in enumerate(block.fields)])
                for k, field in enumerate(block.fields):
                    if field.kind == "file" and scenario.apps.files is None:
                        yield (loc + ("fields", k, "kind"),
                               "a file field needs the files app (the picker shows its files)", False)
                    if field.policy is not None and field.policy not in pages:
                        yield loc + ("fields", k, "policy"), _unknown("page", field.policy, known), False
                if block.on_submit.page is not None and block.on_submit.page not in pages:
                    yield loc + ("on_submit", "page"), _unknown("page", block.on_submit.page, known), False
                for k, message in enumerate(block.on_submit.deliver):
                    if message not in later:
                        yield (loc + ("on_submit", "deliver", k),
                               f"no mail message {message!r} waiting to be delivered (give it `delivered: false`)",
                               False)
    yield from _repeats("link or form", "id", block_ids)
    if browser.search is not None:
        queries = browser.search.queries
        yield from _repeats("query", "id", [(base + ("search", "queries", i, "id"), q.id)
                                            for i, q in enumerate(queries)])
        yield from _repeats("result", "id", [(base + ("search", "queries", i, "results", j, "id"), r.id)
                                             for i, q in enumerate(queries) for j, r in enumerate(q.results)])
        for i, query in enumerate(queries):
            for j, result in enumerate(query.results):
                if result.page is not None and result.page not in pages:
                    yield (base + ("search", "queries", i, "results", j, "page"),
                           _unknown("page", result.page, known), False)
        if not any(getattr(b, "type", "") == "search" for p in browser.pages for b in p.blocks):
            yield base + ("search",), "a search engine needs a page with a `type: search` block", True


def _qa_findings(scenario: Scenario) -> Iterator[Finding]:
    game, tracker = scenario.apps.qa_game, scenario.apps.bug_tracker
    if tracker is not None and game is None:
        yield ("apps", "bug_tracker"), "a bug tracker needs the game under test (apps.qa_game)", True
    if game is None:
        return
    from game.qa.bugs import check_bugs
    from game.runtime.qa_game import bundled_levels, levels_for

    known_levels = [level.id for level in bundled_levels()]
    for i, level_id in enumerate(game.levels):
        if level_id not in known_levels:
            yield ("apps", "qa_game", "levels", i), f"no level {level_id!r} (levels: {', '.join(known_levels)})", False
    if any(level_id not in known_levels for level_id in game.levels):
        return
    for loc, message in check_bugs(game.bugs, levels_for(game)):
        yield ("apps", "qa_game", "bugs", *loc), message, False
    bug_ids = {bug.id for bug in game.bugs}
    for i, item in enumerate(tracker.checklist if tracker else []):
        if item.bug is not None and item.bug not in bug_ids:
            yield (("apps", "bug_tracker", "checklist", i, "bug"),
                   f"no seeded bug {item.bug!r} (bugs: {', '.join(sorted(bug_ids)) or 'none'})", False)


def _measurement_findings(scenario: Scenario) -> Iterator[Finding]:
    from game.scenario.measurement import QA_VALUES

    measurement = scenario.measurement
    if measurement is None:
        return
    names = {rule.observable for rule in scenario.evidence}
    derived = set(QA_VALUES) if scenario.apps.qa_game is not None else set()
    for loc, term in measurement.item_score.terms():
        if term.observable not in names | derived:
            known = ", ".join(sorted(names | derived))
            yield (("measurement", "item_score", *loc), f"no observable {term.observable!r} in this scenario's "
                   f"evidence (observables: {known})", False)
    informs = measurement.competences or scenario.competences
    for i, code in enumerate(measurement.competences or []):
        if code not in scenario.competences:
            yield (("measurement", "competences", i),
                   f"competence {code!r} is not among the scenario's competences", False)
    areas = sorted({code.split(".")[0] for code in informs})
    if len(areas) > 1:
        yield (("measurement",) + (("competences",) if measurement.competences else ()),
               f"the item score must inform one DigComp area, not {len(areas)} ({', '.join(areas)}): "
               "list the competences it informs under measurement.competences", True)
    if scenario.id in measurement.overlaps:
        yield ("measurement", "overlaps"), "a scenario does not overlap itself", False
