"""Evidence rules and end conditions: a fixed, typed vocabulary over events. Never code."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Scalar = Union[str, int, float, bool]
ObservableId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CompetenceId = Annotated[str, Field(pattern=r"^[1-5]\.[1-9]$", description="DigComp 2.2 competence, e.g. 2.1")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Test(Strict):
    """One test on an event field; exactly one operator is given."""

    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    includes: Scalar | None = Field(default=None, description="A list field contains this value")
    excludes: Scalar | None = Field(default=None, description="A list field does not contain this value")
    contains: str | None = Field(default=None, description="Text contains this, ignoring case and accents")
    contains_any: list[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> "Test":
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            ops = ", ".join(f.alias or n for n, f in type(self).model_fields.items())
            raise ValueError(f"give exactly one operator among: {ops}")
        return self

    @property
    def operator(self) -> tuple[str, Any]:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None:
                return name.rstrip("_"), value
        raise AssertionError("validated to have one operator")


FieldTest = Union[Scalar, Test]


class EventMatch(Strict):
    """Events of one type whose fields pass every test in `where`."""

    event: str = Field(description="Event type, e.g. message_sent")
    where: dict[str, FieldTest] = {}


class _Rule(Strict):
    observable: ObservableId
    competence: CompetenceId
    description: str | None = None


class Happened(_Rule, EventMatch):
    rule: Literal["happened"]


class NotHappened(_Rule, EventMatch):
    rule: Literal["not_happened"]


class Count(_Rule, EventMatch):
    rule: Literal["count"]


class Before(_Rule):
    """1 when the first matching `first` event comes before the first matching `then` event."""

    rule: Literal["before"]
    first: EventMatch
    then: EventMatch


class Duration(_Rule):
    """Milliseconds from the first `start` event to the first `end` event after it."""

    rule: Literal["duration"]
    start: EventMatch
    end: EventMatch


class MessageInFolder(Strict):
    message: str
    folder: str


class FileInFolder(Strict):
    """A file (by id, or by name ignoring case) is in a folder, not in the trash."""

    file: str | None = None
    name: str | None = None
    folder: str

    @model_validator(mode="after")
    def _file_or_name(self) -> "FileInFolder":
        if (self.file is None) == (self.name is None):
            raise ValueError("give exactly one of 'file' or 'name'")
        return self


class FormValue(Strict):
    """The value a form field had when the form was last submitted without errors."""

    form: str
    field: str
    equals: Scalar


STATE_FACTS = ("message_in_folder", "file_in_folder", "form_value")


class StateCondition(Strict):
    """A fact about the apps' state: checked live for end conditions, and at scenario end for evidence.

    Exactly one of its keys is given.
    """

    message_in_folder: MessageInFolder | None = None
    file_in_folder: FileInFolder | None = None
    form_value: FormValue | None = None

    @model_validator(mode="after")
    def _one_fact(self) -> "StateCondition":
        given = [name for name in STATE_FACTS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one fact among: {', '.join(STATE_FACTS)}")
        return self


class AtEnd(_Rule):
    """How many of these facts hold when the scenario ends."""

    rule: Literal["at_end"]
    facts: list[StateCondition] = Field(min_length=1)


EvidenceRule = Annotated[
    Union[Happened, NotHappened, Count, Before, Duration, AtEnd],
    Field(discriminator="rule"),
]


# The tags show up in validation error locations: they must not be words a scenario uses as
# keys (a tag "event" made errors inside an end condition point at its `event:` key).
_EVENT_TAG, _STATE_TAG = "event match", "state fact"


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        return _STATE_TAG if any(fact in value for fact in STATE_FACTS) else _EVENT_TAG
    return _STATE_TAG if isinstance(value, StateCondition) else _EVENT_TAG


EndCondition = Annotated[
    Union[Annotated[EventMatch, Tag(_EVENT_TAG)], Annotated[StateCondition, Tag(_STATE_TAG)]],
    Discriminator(_condition_kind),
]


class EndConditions(Strict):
    """The scenario is completed when all (or any) of these hold."""

    all: list[EndCondition] | None = None
    any: list[EndCondition] | None = None

    @model_validator(mode="after")
    def _one_list(self) -> "EndConditions":
        if (self.all is None) == (self.any is None):
            raise ValueError("give exactly one of 'all' or 'any'")
        if not (self.all or self.any):
            raise ValueError("give at least one end condition")
        return self

    @property
    def conditions(self) -> list[EventMatch | StateCondition]:
        return list(self.all or self.any or [])
