"""The web browser's pages, search engine and forms, as scenario authors write them under `apps.browser`."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from game.scenario.files import FileKind
from game.scenario.mail import Id, Strict
from game.scenario.texts import LocaleText

FIELD_KINDS = ("text", "email", "phone", "postal_code", "date", "number", "select", "radio", "checkbox",
               "textarea", "password", "file", "consent")


class Option(Strict):
    id: str = Id
    label: LocaleText


class PasswordRules(Strict):
    """The rules a site states next to a password field (and checks on submit)."""

    min_length: int = Field(default=8, ge=1, le=64)
    digit: bool = True
    upper: bool = True
    lower: bool = True
    symbol: bool = False


class FormField(Strict):
    id: str = Id
    kind: Literal["text", "email", "phone", "postal_code", "date", "number", "select", "radio", "checkbox",
                  "textarea", "password", "file", "consent"]
    label: LocaleText
    required: bool = True
    help: LocaleText | None = Field(default=None, description="A hint shown under the field")
    options: list[Option] = Field(default=[], description="Choices of a select or radio field")
    min: float | None = Field(default=None, description="Smallest number accepted (number fields)")
    max: float | None = Field(default=None, description="Largest number accepted (number fields)")
    min_length: int | None = None
    max_length: int | None = None
    password: PasswordRules | None = Field(default=None, description="Stated rules of a password field")
    policy: str | None = Field(default=None, description="Page id of the policy a consent box links to")
    accept: list[FileKind] = Field(default=[], description="File kinds a file field accepts (empty: any)")
    value: str | bool | None = Field(default=None, description="Initial value (a settings page's current choice)")
    sensitive: bool = Field(default=False, description="Never log what is typed (a SIN, a bank account): only "
                                                       "its length and whether it was valid, as for passwords")

    @property
    def secret(self) -> bool:
        """What is typed here never reaches the log or the learning record store."""
        return self.kind == "password" or self.sensitive

    @model_validator(mode="after")
    def _fits_kind(self) -> "FormField":
        if self.kind in ("select", "radio") and not self.options:
            raise ValueError(f"a {self.kind} field needs options")
        if self.kind not in ("select", "radio") and self.options:
            raise ValueError(f"only select and radio fields have options, not {self.kind}")
        if self.kind == "password" and self.password is None:
            object.__setattr__(self, "password", PasswordRules())
        if self.kind == "consent" and self.policy is None:
            raise ValueError("a consent field links to its policy page: give 'policy'")
        return self


class OnSubmit(Strict):
    page: str | None = Field(default=None, description="Page shown after a submission without errors")
    deliver: list[str] = Field(default=[], description="Mail message ids that arrive in the inbox then")


class Heading(Strict):
    type: Literal["heading"]
    text: LocaleText
    level: Literal[1, 2] = 1


class Paragraph(Strict):
    type: Literal["paragraph"]
    text: LocaleText


class Image(Strict):
    type: Literal["image"]
    alt: LocaleText = Field(description="What the image shows, read aloud and shown in its place")


class LinkBlock(Strict):
    type: Literal["link"]
    id: str = Id
    text: LocaleText
    to: str | None = Field(default=None, description="Page id this link opens")
    url: str | None = Field(default=None, description="Or an address: mailto:someone@example.ca, another page's url")

    @model_validator(mode="after")
    def _one_target(self) -> "LinkBlock":
        if (self.to is None) == (self.url is None):
            raise ValueError("give exactly one of 'to' (a page id) or 'url'")
        return self


class ListBlock(Strict):
    type: Literal["list"]
    items: list[LocaleText] = Field(min_length=1)
    ordered: bool = False


class Table(Strict):
    type: Literal["table"]
    columns: list[LocaleText] = Field(min_length=1)
    rows: list[list[LocaleText]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_fit(self) -> "Table":
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cells for {len(self.columns)} columns")
        return self


class Form(Strict):
    type: Literal["form"]
    id: str = Id
    fields: list[FormField] = Field(min_length=1)
    submit: LocaleText
    on_submit: OnSubmit = OnSubmit()


class SearchBox(Strict):
    type: Literal["search"]


Block = Annotated[Union[Heading, Paragraph, Image, LinkBlock, ListBlock, Table, Form, SearchBox],
                  Field(discriminator="type")]


class Page(Strict):
    id: str = Id
    url: str = Field(pattern=r"^https?://[^\s/]+(/\S*)?$", description="Address shown in the address bar")
    title: LocaleText
    blocks: list[Block] = Field(min_length=1)


class SearchResult(Strict):
    id: str = Id
    title: LocaleText
    url: str
    snippet: LocaleText
    sponsored: bool = False
    trust: Literal["official", "reliable", "unreliable", "fraudulent"] = "reliable"
    page: str | None = Field(default=None, description="Page id opened by this result (none: not in the exercise)")


class SearchQuery(Strict):
    id: str = Id
    words: list[str] = Field(min_length=1, description="A search matches when it contains all these words")
    results: list[SearchResult] = Field(min_length=1)


class SearchEngine(Strict):
    queries: list[SearchQuery] = Field(min_length=1)


class BrowserApp(Strict):
    home: str = Field(description="Page id the browser opens on")
    pages: list[Page] = Field(min_length=1)
    search: SearchEngine | None = None

    def page_ids(self) -> list[str]:
        return [p.id for p in self.pages]

    def forms(self) -> dict[str, Form]:
        return {b.id: b for p in self.pages for b in p.blocks if isinstance(b, Form)}

    def link_ids(self) -> list[str]:
        return [b.id for p in self.pages for b in p.blocks if isinstance(b, LinkBlock)]

    def result_ids(self) -> list[str]:
        return [r.id for q in (self.search.queries if self.search else []) for r in q.results]

    def query_ids(self) -> list[str]:
        return [q.id for q in (self.search.queries if self.search else [])]
