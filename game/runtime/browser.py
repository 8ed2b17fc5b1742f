"""The web browser's state: history, pages, search, forms. Pure: no I/O, no clock, no pygame."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.runtime import actions as a
from game.runtime.forms import field_error
from game.runtime.mailbox import Rejected
from game.scenario.browser import BrowserApp, Form, LinkBlock, Page, SearchBox, SearchQuery
from game.scenario.matching import fold

if TYPE_CHECKING:
    from game.runtime.desktop import Desktop

Events = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Location:
    """Where the browser is: a scenario page, a search's results, or an address not in the exercise."""

    page: str | None = None
    query: str | None = None  # results of this query (None with `search_text`: nothing matched)
    search_text: str | None = None
    address: str | None = None  # not found
    search_page: str | None = None  # the page the search was made from

    @property
    def is_results(self) -> bool:
        return self.search_text is not None


def _words(text: str) -> set[str]:
    """The words of a text, lower case without accents, apart from punctuation (d'emploi: d, emploi)."""
    return set(re.findall(r"\w+", fold(text)))


def bare_address(url: str) -> str:
    """An address as people type it: without scheme, www. or a trailing slash, ignoring case."""
    text = url.strip().lower()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    return text.removeprefix("www.").rstrip("/")


class Browser:
    def __init__(self, app: BrowserApp, locale: str, desktop: "Desktop"):
        self.app = app
        self.locale = locale
        self.desktop = desktop
        self.pages: dict[str, Page] = {p.id: p for p in app.pages}
        self.forms: dict[str, Form] = app.forms()
        self.form_page = {b.id: p.id for p in app.pages for b in p.blocks if isinstance(b, Form)}
        self.history: list[Location] = [Location(page=app.home)]
        self.index = 0
        self.values: dict[str, dict[str, Any]] = {
            form.id: {f.id: f.value if f.value is not None else (False if f.kind in ("checkbox", "consent") else "")
                      for f in form.fields} for form in self.forms.values()}
        self.errors: dict[str, dict[str, str]] = {}  # per form, after the last submission
        self.submitted: dict[str, dict[str, Any]] = {}  # per form, the values of the last valid submission
        # While replaying a log: the errors the submission being replayed had. A password is never logged,
        # so its field is judged as it was then, not by the empty value the replay has.
        self.logged_errors: dict[str, str] | None = None

    # --- queries -----------------------------------------------------------------------
    @property
    def here(self) -> Location:
        return self.history[self.index]

    @property
    def page(self) -> Page | None:
        return self.pages.get(self.here.page) if self.here.page else None

    def url(self, location: Location | None = None) -> str:
        location = location or self.here
        if location.page:
            return self.pages[location.page].url
        if location.is_results:
            base = self.pages[location.search_page].url.split("?")[0] if location.search_page else "https://"
            # Shown as browsers show it: words joined by +, letters with accents kept readable.
            return f"{base}?q={'+'.join(location.search_text.split())}"
        return location.address or ""

    def query(self, query_id: str | None) -> SearchQuery | None:
        queries = self.app.search.queries if self.app.search else []
        return next((q for q in queries if q.id == query_id), None)

    def match(self, text: str) -> SearchQuery | None:
        """The query whose words all appear in the text; the one with most words wins."""
        words = _words(text)
        best = None
        for query in (self.app.search.queries if self.app.search else []):
            wanted = set().union(*(_words(w) for w in query.words))
            if wanted <= words and (best is None or len(query.words) > len(best.words)):
                best = query
        return best

    def file_kind(self, file_id: Any) -> str | None:
        files = self.desktop.files
        state = files.files.get(file_id) if files and isinstance(file_id, str) else None
        return state.kind if state and state.folder != "trash" else None

    def summary(self) -> dict[str, Any]:
        return {"url": self.url(), "page": self.here.page, "submitted": self.submitted}

    # --- moving around ------------------------------------------------------------------
    def _go(self, location: Location, via: str) -> Events:
        del self.history[self.index + 1:]
        self.history.append(location)
        self.index = len(self.history) - 1
        return self._arrived(via)

    def _arrived(self, via: str) -> Events:
        here = self.here
        if here.address is not None:
            return [("page_not_found", {"address": here.address, "via": via})]
        url = self.url()
        return [("page_visited", {"page": here.page, "url": url, "secure": url.startswith("https://"), "via": via})]

    def find_page(self, address: str) -> Page | None:
        bare = bare_address(address)
        return next((p for p in self.pages.values() if bare_address(p.url) == bare), None)

    def visit_url(self, url: str, via: str) -> Events:
        """Open an address from elsewhere (a link in an email): a page of the scenario, or not found."""
        page = self.find_page(url)
        return self._go(Location(page=page.id) if page else Location(address=url), via)

    def apply(self, action: a.Action) -> Events:
        handler = getattr(self, f"_do_{action.name}", None)
        if handler is None:
            raise Rejected("not_a_browser_action")
        return handler(action)

    def _do_enter_address(self, act: a.EnterAddress):
        address = act.address.strip()
        if not address:
            raise Rejected("empty_address")
        return [("address_entered", {"address": address}), *self.visit_url(address, "address")]

    def _do_follow_link(self, act: a.FollowLink):
        page = self.page
        if page is None or page.id != act.page:
            raise Rejected("page_not_shown")
        link = next((b for b in page.blocks if isinstance(b, LinkBlock) and b.id == act.link), None)
        if link is None:
            raise Rejected("unknown_link")
        followed = ("link_followed", {"page": page.id, "link": link.id, "to": link.to, "url": link.url})
        if link.to is not None:
            return [followed, *self._go(Location(page=link.to), "link")]
        if link.url.lower().startswith("mailto:"):
            if self.desktop.mail is None:
                raise Rejected("app_not_in_scenario")
            address = link.url[len("mailto:"):].split("?")[0]
            return [followed, self.desktop.mail.compose_to(address)]
        return [followed, *self.visit_url(link.url, "link")]

    def _do_go_back(self, act: a.GoBack):
        if self.index == 0:
            raise Rejected("no_page_before")
        self.index -= 1
        return [("history_moved", {"direction": "back"}), *self._arrived("back")]

    def _do_go_forward(self, act: a.GoForward):
        if self.index >= len(self.history) - 1:
            raise Rejected("no_page_after")
        self.index += 1
        return [("history_moved", {"direction": "forward"}), *self._arrived("forward")]

    def _do_search(self, act: a.Search):
        page = self.page
        from_page = page.id if page and any(isinstance(b, SearchBox) for b in page.blocks) else None
        if from_page is None and not self.here.is_results:
            raise Rejected("no_search_box")
        text = act.text.strip()
        if not text:
            raise Rejected("empty_search")
        found = self.match(text)
        search_page = from_page or self.here.search_page
        made = ("search_made", {"text": text, "query": found.id if found else None,
                                "results": [r.id for r in found.results] if found else []})
        location = Location(query=found.id if found else None, search_text=text, search_page=search_page)
        return [made, *self._go(location, "search")]

    def _do_open_result(self, act: a.OpenResult):
        if not self.here.is_results or self.here.query != act.query:
            raise Rejected("results_not_shown")
        query = self.query(act.query)
        rank, result = next(((i, r) for i, r in enumerate(query.results, 1) if r.id == act.result), (0, None))
        if result is None:
            raise Rejected("unknown_result")
        opened = ("result_opened", {"query": query.id, "result": result.id, "rank": rank,
                                    "sponsored": result.sponsored, "trust": result.trust, "url": result.url})
        location = Location(page=result.page) if result.page else Location(address=result.url)
        return [opened, *self._go(location, "result")]

    # --- forms ---------------------------------------------------------------------------
    def _form_here(self, form_id: str) -> Form:
        if form_id not in self.forms:
            raise Rejected("unknown_form")
        if self.here.page != self.form_page[form_id]:
            raise Rejected("page_not_shown")
        return self.forms[form_id]

    def _do_set_field(self, act: a.SetField):
        form = self._form_here(act.form)
        field = next((f for f in form.fields if f.id == act.field), None)
        if field is None:
            raise Rejected("unknown_field")
        if field.kind == "file":
            raise Rejected("use_file_picker")
        value = act.value
        if field.kind in ("checkbox", "consent"):
            if not isinstance(value, bool):
                raise Rejected("invalid_value")
        elif not isinstance(value, str):
            raise Rejected("invalid_value")
        self.values[form.id][field.id] = value
        shown = None if field.secret else value  # a password or a sensitive answer is never written to the log
        length = len(value) if isinstance(value, str) else None
        return [("field_changed", {"form": form.id, "field": field.id, "value": shown, "length": length})]

    def _do_choose_file(self, act: a.ChooseFile):
        form = self._form_here(act.form)
        field = next((f for f in form.fields if f.id == act.field), None)
        if field is None or field.kind != "file":
            raise Rejected("unknown_field")
        files = self.desktop.files
        state = files.files.get(act.file) if files else None
        if state is None or state.folder == "trash":
            raise Rejected("unknown_file")
        self.values[form.id][field.id] = state.id
        return [("file_chosen", {"form": form.id, "field": field.id, "file": state.id, "name": state.name,
                                 "kind": state.kind})]

    def _do_open_policy(self, act: a.OpenPolicy):
        form = self._form_here(act.form)
        field = next((f for f in form.fields if f.id == act.field), None)
        if field is None or field.policy is None:
            raise Rejected("unknown_field")
        return [("policy_opened", {"form": form.id, "field": field.id, "page": field.policy})]

    def is_password(self, form_id: str, field_id: str) -> bool:
        """A field whose value is never logged (a password or a field marked sensitive)."""
        form = self.forms.get(form_id)
        return form is not None and any(f.id == field_id and f.secret for f in form.fields)

    def logged_values(self, form: Form) -> dict[str, Any]:
        values = {}
        for field in form.fields:
            value = self.values[form.id][field.id]
            if field.secret:
                value = None
            elif field.kind == "file" and value:
                files = self.desktop.files
                value = files.files[value].name if files and value in files.files else value
            values[field.id] = value
        return values

    def _do_submit_form(self, act: a.SubmitForm):
        form = self._form_here(act.form)
        values = self.values[form.id]
        errors = {}
        for field in form.fields:
            if field.secret and self.logged_errors is not None:
                problem = self.logged_errors.get(field.id)
            else:
                problem = field_error(field, values[field.id], self.file_kind(values[field.id]))
            if problem:
                errors[field.id] = problem
        self.errors[form.id] = errors
        valid = not errors
        submitted = ("form_submitted", {"form": form.id, "page": self.here.page, "valid": valid,
                                        "invalid": [f.id for f in form.fields if f.id in errors], "errors": errors,
                                        "values": self.logged_values(form)})
        if not valid:
            return [submitted]
        self.submitted[form.id] = self.logged_values(form)  # no password, files by name: it goes to the log
        events: Events = [submitted]
        for message in form.on_submit.deliver:
            if self.desktop.mail is not None and message in self.desktop.mail.pending:  # not again on a resubmit
                events.append(self.desktop.mail.deliver(message))
        if form.on_submit.page is not None:
            events.extend(self._go(Location(page=form.on_submit.page), "submit"))
        return events
