"""Request and response bodies of the JSON API (pydantic); the OpenAPI document is built
from these, so the documentation and the validation cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

HHMM = Annotated[
    str,
    Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["09:00"], description="HH:MM"),
]
# An end may also be the end of the day (a window "07:00-24:00", as the week grid draws it).
HHMMEnd = Annotated[
    str,
    Field(
        pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        examples=["12:00", "24:00"],
        description="HH:MM, or 24:00 for the end of the day / Tagesende",
    ),
]
TeamRef = Annotated[str, Field(min_length=1, max_length=64, examples=["auslaender-a"])]
Note = Annotated[str, Field(max_length=200)]


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would read '0' in a query string as a Unix timestamp."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
        except ValueError:
            _bad_date(value)
    return value


def _bad_date(value: str) -> date:
    raise ValueError(f"„{value}“ ist kein Datum (JJJJ-MM-TT) / not a date (YYYY-MM-DD)")


QueryDate = Annotated[date, BeforeValidator(_iso_date)]
StateName = Literal["open", "closed"]
ReasonName = Literal["hours", "holiday", "closure"]
RoleName = Literal["admin", "teamlead", "switchboard"]


class ApiModel(BaseModel):
    # Strict: JSON types as documented (no 0 for a date, no "1" for a number).
    model_config = ConfigDict(extra="forbid", strict=True)


class QueryModel(BaseModel):
    # Query strings are text: numbers and booleans are parsed from it.
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ errors


class ErrorDetail(ApiModel):
    code: str
    message_de: str
    message_en: str
    field: str | None


class ErrorResponse(ApiModel):
    error: ErrorDetail


# ------------------------------------------------------------------ status, board, overview


class TeamStatusOut(ApiModel):
    id: str
    name_de: str
    name_en: str
    state: StateName
    reason: ReasonName | None
    until: datetime | None = Field(description="next change of the state / nächste Änderung")
    next_open: datetime | None = Field(description="closed teams: next opening / nächste Öffnung")
    closure_note: str | None = Field(
        description="the closure's internal note, only if it is marked for the board / "
        "interner Vermerk, nur wenn für die Tafel freigegeben"
    )
    closure_public_reason: str | None = Field(
        description="key of the public reason the announcement gives / öffentlicher Grund"
    )
    kind: str = Field(
        "",
        description="what the board shows: open, special_opening, hours, holiday, closure / "
        "Anzeige der Tafel",
    )
    next_state_change: datetime | None = Field(
        None,
        description="next change between open and closed (a reason change alone is none) / "
        "nächster Wechsel zwischen offen und geschlossen",
    )
    transfer_number: str | None = Field(
        None, description="the team's number to transfer callers to / Teamrufnummer"
    )


class BoardOut(ApiModel):
    now: datetime
    teams: list[TeamStatusOut]


class OverviewTeamOut(TeamStatusOut):
    calls_today_inside: int
    calls_today_outside: int
    calls_today_unknown: int
    waiting: int | None = Field(description="callers waiting now; null without the live service")


class OverviewOut(ApiModel):
    now: datetime
    pbx_connected: bool | None
    last_heartbeat: datetime | None
    teams: list[OverviewTeamOut]


class MeOut(ApiModel):
    username: str
    role: RoleName
    team: str | None
    via: Literal["session", "token"]
    actor: str


# ------------------------------------------------------------------ call hours


class WindowModel(ApiModel):
    weekday: int = Field(ge=0, le=6, description="0 = Monday / Montag … 6 = Sunday / Sonntag")
    start: HHMM
    end: HHMMEnd


class HoursBody(ApiModel):
    windows: list[WindowModel] = Field(max_length=70)
    force: bool = Field(
        default=False,
        description="confirm an empty week, which closes the team for good (else 409) / "
        "leere Woche bestätigen: das Team wäre dauerhaft geschlossen",
    )


class VariantOut(ApiModel):
    id: int | None
    name: str
    first_day: date
    last_day: date
    windows: list[WindowModel]
    description: list[str]


class HoursOut(ApiModel):
    team: str
    windows: list[WindowModel]
    description: list[str]
    variants: list[VariantOut] = Field(
        default_factory=list,
        description="date ranges with a week of their own, by first day / Zeiträume mit "
        "eigenen Sprechzeiten (z. B. Sommerzeiten)",
    )


class IntervalOut(ApiModel):
    start: datetime
    end: datetime


class PreviewDayOut(ApiModel):
    day: date
    open: list[IntervalOut]
    holiday: str | None
    closures: list[str]
    openings: list[str]


class PreviewOut(ApiModel):
    team: str
    days: list[PreviewDayOut]


class PreviewQuery(QueryModel):
    start: QueryDate | None = None
    days: int = Field(default=14, ge=1, le=62)


# ------------------------------------------------------------------ closures


class ClosureOut(ApiModel):
    id: int
    team: str | None = Field(description="null: all teams / alle Teams")
    start: datetime
    end: datetime
    note: str = Field(description="internal note, never announced / interner Vermerk")
    public_reason: str = Field(description="key of [public_reasons]; '' = none / leer = keiner")
    note_on_board: bool
    created_by: str
    active: bool


class ClosureListOut(ApiModel):
    closures: list[ClosureOut]


class ClosureQuery(QueryModel):
    team: TeamRef | None = None
    include_past: bool = False


class ClosureBody(ApiModel):
    """One of: `today` (from now to the end of today or `until`: 'Bandansage heute'),
    `first_day` [+ `last_day`] (whole days; from now if the first is today), or `start` +
    `end` (exact instants). Nothing may start before now; more than 31 days needs
    `confirm_long: true`."""

    team: TeamRef | None = Field(default=None, description="null: all teams / alle Teams")
    today: bool = False
    until: str | None = Field(
        default=None,
        pattern=r"^\d{1,2}:\d{2}$",
        description="with today: end time HH:MM (default: midnight) / Ende",
        examples=["12:00"],
    )
    first_day: date | None = None
    last_day: date | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    note: str = Field(
        default="",
        max_length=200,
        examples=["Personalengpass"],
        description="internal note, never announced / interner Vermerk, nie angesagt",
    )
    public_reason: str = Field(
        default="",
        max_length=40,
        examples=["organisational"],
        description="a key of the announcement templates' [public_reasons] (announced in "
        "each caller's language); '' = no reason / öffentlicher Grund, leer = keiner",
    )
    note_on_board: bool = Field(
        default=False, description="show the note on the switchboard board / auf der Tafel"
    )
    confirm_long: bool = Field(
        default=False, description="confirm a closure of more than 31 days / bestätigen"
    )

    @model_validator(mode="after")
    def _one_form(self) -> ClosureBody:
        forms = [
            self.today,
            self.first_day is not None,
            self.start is not None or self.end is not None,
        ]
        if sum(forms) != 1:
            raise ValueError(
                "genau eine Angabe: today, first_day (+ last_day) oder start + end / "
                "exactly one of: today, first_day (+ last_day), or start + end"
            )
        if (self.start is None) != (self.end is None):
            raise ValueError("start und end gehören zusammen / start and end go together")
        if self.last_day is not None and self.first_day is None:
            raise ValueError("last_day nur mit first_day / last_day needs first_day")
        if self.until is not None and not self.today:
            raise ValueError("until nur mit today / until needs today")
        if not self.note.strip() and not self.public_reason.strip():
            raise ValueError("note oder public_reason angeben / give a note or a public reason")
        return self


class ClosureChangeBody(ApiModel):
    """New start, end or note of a closure: a future one freely, a running one only its end
    (not before now)."""

    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    note: str | None = Field(default=None, min_length=1, max_length=200)
    public_reason: str | None = Field(
        default=None, max_length=40, description="'' removes it / leer entfernt ihn"
    )
    note_on_board: bool | None = None
    confirm_long: bool = False

    @model_validator(mode="after")
    def _something(self) -> ClosureChangeBody:
        given = (self.start, self.end, self.note, self.public_reason, self.note_on_board)
        if all(value is None for value in given):
            raise ValueError(
                "start, end, note, public_reason oder note_on_board angeben / "
                "give start, end, note, public_reason or note_on_board"
            )
        return self


class EndClosureBody(ApiModel):
    at: AwareDatetime | None = Field(default=None, description="default: now / jetzt")


# ------------------------------------------------------------------ openings, pilots


class OpeningBody(ApiModel):
    team: TeamRef
    day: date
    start: HHMM
    end: HHMMEnd
    note: Note = ""


class OpeningOut(ApiModel):
    id: int
    team: str
    day: date
    start: str
    end: str
    note: str


class OpeningListOut(ApiModel):
    openings: list[OpeningOut]


class PilotBody(ApiModel):
    team: TeamRef
    start: date
    end: date | None = None
    note: Note = ""


class PilotOut(ApiModel):
    id: int
    team: str
    start: date
    end: date | None
    note: str


class PilotListOut(ApiModel):
    pilots: list[PilotOut]


# ------------------------------------------------------------------ holidays


class HolidayOut(ApiModel):
    day: date
    name: str


class TeamHolidaysOut(ApiModel):
    team: str
    enabled: bool
    ignored: list[str]


class HolidaysOut(ApiModel):
    state: str
    state_name: str
    year: int
    holidays: list[HolidayOut]
    teams: list[TeamHolidaysOut]


class HolidaysQuery(QueryModel):
    year: int | None = Field(default=None, ge=1990, le=2100)


class HolidayStateBody(ApiModel):
    state: str = Field(min_length=2, max_length=2, examples=["HE"])


class TeamHolidaysBody(ApiModel):
    enabled: bool
    ignored: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=30)


# ------------------------------------------------------------------ announcements


class PromptSlotOut(ApiModel):
    team: str
    reason: ReasonName
    lang: str
    active: Literal["tts", "recording", "none"]
    text: str
    seconds: float | None
    recording_name: str | None
    audio_url: str | None


class PromptsOut(ApiModel):
    team: str
    slots: list[PromptSlotOut]


class PromptsQuery(QueryModel):
    team: TeamRef | None = None


class RecordingOut(ApiModel):
    team: str
    reason: ReasonName
    lang: str
    active: Literal["tts", "recording", "none"]
    seconds: float | None


# ------------------------------------------------------------------ audit, evaluation


class AuditEntryOut(ApiModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any


class AuditOut(ApiModel):
    entries: list[AuditEntryOut]


class AuditQuery(QueryModel):
    limit: int = Field(default=100, ge=1, le=1000)
    entity: str | None = Field(default=None, max_length=64)


class FigureOut(ApiModel):
    title: str
    figure: dict[str, Any] = Field(description="plotly figure JSON (data, layout)")


class EvaluationOut(ApiModel):
    available: bool
    message_de: str
    message_en: str
    figures: list[FigureOut]
    # Set when the figures are of that earlier moment: calls arrived since and are being
    # added (ask again shortly); null when they are current.
    as_of: datetime | None = None


class EvaluationQuery(QueryModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    team: TeamRef | None = None
    start: QueryDate | None = Field(default=None, alias="from")
    end: QueryDate | None = Field(default=None, alias="to")


# ------------------------------------------------------------------ callbacks


class CallbackAttemptOut(ApiModel):
    attempt: int
    started: datetime
    outcome: Literal["reached", "busy", "no_answer", "failed", "staff_unreached"] | None = Field(
        description="null while the call runs"
    )


class CallbackOut(ApiModel):
    id: int
    team: str
    number: str = Field(description="the number to call (only for the team's staff)")
    dialled: str
    requested_at: datetime
    waiting_seconds: int
    expires_at: datetime
    attempts: list[CallbackAttemptOut]


class CallbackListOut(ApiModel):
    items: list[CallbackOut]


class CallbackCallOut(ApiModel):
    request_id: int
    attempt: int
    extension: str
