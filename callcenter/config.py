"""Typed settings from one TOML file, validated once at start-up and passed down.

Errors name the file, the key path and the problem. Secrets never live in the TOML:
the AMI secret comes from an environment variable or a file, resolved here.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, tzinfo
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from callcenter.domain.errors import ScheduleError
from callcenter.domain.schedule import (
    Closure,
    HolidayCalendar,
    Office,
    Pilot,
    SpecialOpening,
    Team,
    WeekVariant,
    Window,
    windows_from_spec,
)
from callcenter.domain.timeparse import parse_time_range
from callcenter.holiday_calendar import GERMAN_STATES

if TYPE_CHECKING:
    from callcenter.evaluation.inputs import EvaluationSettings

EXAMPLE_CONFIG_NAME = "callcenter.example.toml"
DEFAULT_DATA_DIR = Path("~/.local/share/callcenter")

TeamId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
PhoneNumber = Annotated[str, Field(pattern=r"^_?[0-9+*#XZNx.!\[\]-]{2,32}$")]


class ConfigError(Exception):
    """A configuration problem; the message names file, key path and problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficeSettings(_Strict):
    name: str = "Behörde"
    timezone: str = "Europe/Berlin"
    holiday_state: str = "HE"
    data_dir: Path = DEFAULT_DATA_DIR
    appointment_url: str = ""
    contact_email: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unbekannte Zeitzone „{value}“ (z. B. Europe/Berlin)") from None
        return value

    @field_validator("holiday_state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in GERMAN_STATES:
            raise ValueError(
                f"unbekanntes Bundesland „{value}“; erlaubt: {', '.join(GERMAN_STATES)}"
            )
        return code


class DatabaseSettings(_Strict):
    # Empty: a SQLite file in the data directory.
    url: str = ""
    # While the database is unreachable, call records go to the spool; the writer tries the
    # database again after retry_seconds, doubling up to retry_max_seconds. A few seconds
    # keep the replay after an outage prompt on a LAN.
    retry_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=5.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _retry_order(self) -> DatabaseSettings:
        if self.retry_max_seconds < self.retry_seconds:
            raise ValueError("retry_max_seconds must be at least retry_seconds")
        return self


class AmiSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=5038, ge=1, le=65535)
    username: str = "callcenter"
    secret_env: str = "CALLCENTER_AMI_SECRET"
    secret_file: Path | None = None
    md5_login: bool = False
    action_timeout_seconds: float = Field(default=10.0, gt=0)
    ping_interval_seconds: float = Field(default=20.0, gt=0)
    heartbeat_interval_seconds: float = Field(default=5.0, gt=0)
    stale_after_seconds: int = Field(default=60, gt=0)
    # After a lost connection the client waits reconnect_initial_seconds, doubling (with
    # jitter) up to reconnect_max_seconds: a PBX back after a restart is found within that.
    reconnect_initial_seconds: float = Field(default=0.5, gt=0)
    reconnect_max_seconds: float = Field(default=5.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _reconnect_order(self) -> AmiSettings:
        if self.reconnect_max_seconds < self.reconnect_initial_seconds:
            raise ValueError("reconnect_max_seconds must be at least reconnect_initial_seconds")
        return self


class PrivacySettings(_Strict):
    # Relative paths are taken inside the data directory.
    key_file: Path = Path("pseudonym.key")
    retention_days: int = Field(default=90, ge=1, le=3650)
    # Whole call records (not only their identifiers) are deleted after this many days;
    # None keeps them for the evaluation for ever.
    delete_calls_after_days: int | None = Field(default=None, ge=1, le=36500)


class PbxSettings(_Strict):
    """How the generated dialplan include routes calls (see `callcenter pbx dialplan`)."""

    # Context holding the entry extensions; include it in the context your trunk delivers to.
    context: str = Field(default="callhours-inbound", pattern=r"^[A-Za-z0-9_-]+$")
    # Where `callcenter pbx dialplan` writes the include (relative = in the data directory).
    dialplan_file: Path = Path("extensions_callhours.conf")
    # Queue(...) timeout for team lines, Dial(...) timeout for direct lines, in seconds.
    queue_timeout_seconds: int = Field(default=30, ge=5, le=3600)
    direct_dial_timeout_seconds: int = Field(default=20, ge=5, le=600)
    # Dial string for a member's direct line; ${EXTEN} is the dialled number. Per team too.
    direct_dial: str = "PJSIP/${EXTEN}"
    # Play announcements as early media (Progress + Playback noanswer: the caller is not
    # charged). false: Answer() first, for carriers without early media.
    early_media: bool = True
    # The zone the PBX writes its files' wall times in (cdr-csv/Master.csv); every import
    # of PBX files reads them in it unless --timezone says otherwise. Asterisk writes the
    # machine's local time, and PBX machines often run in UTC.
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_pbx_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unbekannte Zeitzone „{value}“ (z. B. UTC)") from None
        return value


class PromptSettings(_Strict):
    # Where the PBX finds `callhours/<team>/closed-<reason>-<lang>.wav`; relative = in the data
    # directory. On a real Asterisk: /var/lib/asterisk/sounds (or /usr/share/asterisk/sounds).
    sounds_dir: Path = Path("sounds")
    # Folder with the text templates (<lang>.toml); empty = the ivr_prompts/ shipped with us.
    templates_dir: Path | None = None
    # Languages played to callers, in this order (the dialplan plays them one after another).
    languages: tuple[str, ...] = ("de", "en")
    # Say a closure's public reason (chosen from ivr_prompts' [public_reasons]) in the
    # closure announcement. The internal note is never spoken, whatever this says.
    # (`include_closure_note`, its name before, is still read.)
    speak_public_reason: bool = Field(
        default=True,
        validation_alias=AliasChoices("speak_public_reason", "include_closure_note"),
    )

    @field_validator("languages")
    @classmethod
    def _some_language(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('mindestens eine Sprache angeben, z. B. ["de", "en"]')
        return value


_MENU_LANGUAGE = r"^[a-z]{2,3}$"


class CallerSettings(_Strict):
    """What a caller can do besides listening (issue 20): the language menu by key and the
    callback request. The language menu is off by default: the plain announcement (German
    then English) stays what an office gets until it switches the menu on."""

    # Menu order: the first language is key 1, the second key 2, … (at most 9).
    languages: tuple[str, ...] = ("de", "en")
    # Outside the hours: menu by key first (Background + WaitExten), then the chosen language.
    menu: bool = False
    # Seconds WaitExten() waits for a key after the menu; no key: German then English.
    menu_timeout_seconds: int = Field(default=4, ge=1, le=30)
    # The key that asks for a callback (Read() after the announcement / on queue timeout).
    callback_key: str = Field(default="1", pattern=r"^[0-9*#]$")
    # How long requests stay open and how the call-out reaches staff and caller: [callbacks].

    @field_validator("languages")
    @classmethod
    def _menu_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('mindestens eine Sprache angeben, z. B. ["de", "en"]')
        if len(value) > 9:
            raise ValueError(f"höchstens 9 Sprachen im Menü (Tasten 1–9), nicht {len(value)}")
        if len(set(value)) != len(value):
            raise ValueError("jede Sprache nur einmal im Menü")
        for lang in value:
            if not re.fullmatch(_MENU_LANGUAGE, lang):
                raise ValueError(f"„{lang}“ ist kein Sprachcode (z. B. de, en, tr)")
        return value


class SwitchboardSettings(_Strict):
    numbers: tuple[PhoneNumber, ...] = ()
    queue: str = ""


class ServiceSettings(_Strict):
    # The control socket of `serve` (and `demo`): fast CLI commands hand their arguments to
    # the running service there. Relative paths lie in the data directory; "" turns it off.
    # Read without pydantic by callcenter.control.socket_path: keep the two in step.
    control_socket: str = "control.sock"


class WebSettings(_Strict):
    """The web application (admin pages, switchboard board, JSON API)."""

    # Loopback by default: put a TLS reverse proxy in front for the office network.
    host: str = Field(default="127.0.0.1", min_length=1)
    # 0 = any free port (tests); the URL is logged at start.
    port: int = Field(default=8080, ge=0, le=65535)
    # "auto": Secure cookies when base_url or the request is https; true/false force it.
    secure_cookies: bool | Literal["auto"] = "auto"
    # A login lasts this long (a working day), then the user signs in again.
    session_minutes: int = Field(default=480, ge=5, le=7 * 24 * 60)
    # Failed logins of one user name before each further attempt waits, the wait doubling
    # per failure (1 s, 2 s, 4 s …) up to login_max_delay_seconds: never a lock a stranger
    # can hold, and a browser that signed in as that user before is exempt.
    login_attempts: int = Field(default=5, ge=1, le=100)
    login_max_delay_seconds: int = Field(default=300, ge=1, le=3600)
    # Failures are remembered this long (all three limits).
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Failed logins per client address, and in total, within the window before a pause.
    login_address_attempts: int = Field(default=30, ge=1, le=100_000)
    login_global_attempts: int = Field(default=200, ge=1, le=1_000_000)
    # Password checks (argon2, CPU and 64 MiB each) at once, and logins waiting for one;
    # more waiting are refused at once (429), so a flood cannot slow anything else.
    login_hash_workers: int = Field(default=2, ge=1, le=32)
    login_hash_queue: int = Field(default=8, ge=0, le=1000)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client.
    trusted_proxies: tuple[str, ...] = ()
    # The address users open (behind a proxy), e.g. "https://sprechzeiten.behoerde.de".
    base_url: str = ""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    f"„{entry}“ ist keine IP-Adresse oder kein Netz wie 10.0.0.0/8"
                ) from None
        return tuple(entry.strip() for entry in value)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        cleaned = value.strip().rstrip("/")
        if cleaned and not cleaned.startswith(("http://", "https://")):
            raise ValueError(
                f"„{value}“ ist keine Adresse wie https://sprechzeiten.behoerde.de "
                "(muss mit http:// oder https:// beginnen)"
            )
        return cleaned


class EvaluationConfig(_Strict):
    """Thresholds of the pilot evaluation (METRICS.md); defaults as `EvaluationSettings`."""

    # Servicelevel: angenommen innerhalb so vieler Sekunden (115-Versprechen: 75 % in 30 s);
    # mehr als 10 Minuten Wartezeit misst keinen Service mehr.
    service_level_seconds: float = Field(default=30.0, gt=0, le=600)
    # Ziel-Servicelevel als Anteil (0.75 = 75 %): Maßstab der Personalbedarfsrechnung.
    target_service_level: float = 0.75
    # Wer binnen so vieler Sekunden in der Warteschlange auflegt, gilt als Kurzabbruch
    # (verwählt, umentschieden); eine Minute ist schon echte Ungeduld.
    short_abandon_seconds: float = Field(default=5.0, ge=0, le=60)
    # true: Kurzabbrüche zählen beim Servicelevel und der Abbruchquote weder dafür noch dagegen.
    exclude_short_abandons: bool = True
    # Ein Anruf ist ein neues Anliegen, wenn derselbe Anrufer das Team so viele Tage nicht
    # angerufen hat; mehr als 90 Tage überschreitet die Aufbewahrung der Pseudonyme meist.
    repeat_window_days: int = Field(default=7, ge=1, le=90)
    # Wer die Ansage hörte, „kam später durch“, wenn er binnen so vieler Tage angenommen wurde.
    displaced_horizon_days: int = Field(default=7, ge=1, le=90)
    # Nacharbeit je Gespräch in Sekunden, zur Gesprächszeit addiert (Personalbedarf).
    wrap_up_seconds: float = Field(default=0.0, ge=0, le=3600)
    # Vorgeschlagene Sprechzeitfenster liegen in [earliest, latest) Uhr und sind mindestens
    # min_window_hours lang (keine Ein-Stunden-Schnipsel).
    earliest_window_hour: int = Field(default=7, ge=0, le=23)
    latest_window_hour: int = Field(default=18, ge=1, le=24)
    min_window_hours: int = Field(default=2, ge=1, le=24)
    # Ziehungen der Rangfolge beim Ausrollen (mindestens 2000 werden gezogen); die
    # Pilotintervalle sind t-Intervalle über Kalenderwochen und brauchen keine Zufallszahlen.
    bootstrap_samples: int = Field(default=400, ge=50, le=20_000)

    @field_validator("target_service_level", mode="before")
    @classmethod
    def _share(cls, value: object) -> object:
        example = "als Anteil zwischen 0 und 1 angeben, z. B. 0.75 für 75 %"
        if isinstance(value, str) and "%" in value:
            raise ValueError(f"„{value}“: {example}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"„{value}“ ist keine Zahl; {example}")
        if not 0 < value < 1:
            raise ValueError(f"{value} liegt nicht zwischen 0 und 1; {example}")
        return float(value)

    # Checked on the later field so the message names it (earlier fields are in info.data).
    @field_validator("latest_window_hour")
    @classmethod
    def _after_earliest(cls, value: int, info: ValidationInfo) -> int:
        earliest = info.data.get("earliest_window_hour")
        if earliest is not None and value <= earliest:
            raise ValueError(
                f"{value} Uhr liegt nicht nach earliest_window_hour ({earliest} Uhr); "
                "das späteste Fensterende muss nach dem frühesten Beginn liegen"
            )
        return value

    @field_validator("min_window_hours")
    @classmethod
    def _fits_the_day(cls, value: int, info: ValidationInfo) -> int:
        earliest = info.data.get("earliest_window_hour")
        latest = info.data.get("latest_window_hour")
        if earliest is not None and latest is not None and value > latest - earliest:
            raise ValueError(
                f"{value} Stunden passen nicht zwischen earliest_window_hour ({earliest} Uhr) "
                f"und latest_window_hour ({latest} Uhr)"
            )
        return value

    def to_settings(self) -> EvaluationSettings:
        """The evaluation's own settings object (the rest keeps its documented defaults)."""
        # Imported here: the evaluation's model is no part of what every CLI command loads.
        from callcenter.evaluation.inputs import EvaluationSettings

        return EvaluationSettings(**self.model_dump())


class VariantSettings(_Strict):
    # Another weekly pattern for a date range, e.g. "Sommerzeiten" in the school holidays.
    name: str = Field(min_length=1)
    first_day: date
    last_day: date
    hours: tuple[str, ...] = ()


class TeamSettings(_Strict):
    id: TeamId
    name_de: str = Field(min_length=1)
    name_en: str = ""
    queue: str = ""
    team_lines: tuple[PhoneNumber, ...] = ()
    direct_lines: tuple[PhoneNumber, ...] = ()
    hours: tuple[str, ...] = ()
    holidays: bool = True
    ignored_holidays: tuple[str, ...] = ()
    # Dial string for this team's direct lines; empty = pbx.direct_dial.
    direct_dial: str = ""
    # On queue timeout: "" (hang up), "zentrale" (switchboard queue), "team:<id>",
    # "callback" (offer a callback) or "announcement" (the closed-hours announcement).
    overflow: str = Field(
        default="", pattern=r"^(|zentrale|callback|announcement|team:[a-z0-9][a-z0-9_-]*)$"
    )
    # Queue() timeout of this team's lines; empty = pbx.queue_timeout_seconds.
    queue_timeout_seconds: int | None = Field(default=None, ge=5, le=3600)
    # Tell waiting callers their position and the estimated wait, every so many seconds.
    announce_position: bool = False
    announce_frequency_seconds: int = Field(default=60, ge=15, le=600)
    variants: tuple[VariantSettings, ...] = ()


class ClosureSettings(_Strict):
    team: TeamId | None = None  # None: every team
    first_day: date
    last_day: date | None = None
    note: str = ""  # internal, never spoken
    public_reason: str = ""  # a key of ivr_prompts' [public_reasons], spoken


class OpeningSettings(_Strict):
    team: TeamId
    day: date
    hours: str
    note: str = ""


class PilotSettings(_Strict):
    team: TeamId
    start: date
    end: date | None = None
    note: str = ""


class CallbackSettings(_Strict):
    """Callback requests (issue 20, service side): how long they stay open (then their
    number is erased), and how "Anrufen" reaches the staff member's phone first."""

    retention_days: int = Field(default=7, ge=1, le=90)
    originate_timeout_seconds: int = Field(default=30, ge=5, le=120)
    # `Local/<extension>@<agents_context>` is the staff leg of the Originate.
    agents_context: str = Field(default="agents", pattern=r"^[A-Za-z0-9_-]+$")
    # The include's context the Originate continues in once the staff phone answered; the
    # generator writes it under this name, so dialplan and Originate cannot disagree.
    callback_context: str = Field(default="callhours-callback", pattern=r"^[A-Za-z0-9_-]+$")
    # The context that context dials the caller through (the PBX's outbound context).
    outbound_context: str = Field(default="from-internal", pattern=r"^[A-Za-z0-9_-]+$")
    # Staff extension per web user name, and per team for users without their own.
    extensions: dict[str, str] = {}
    team_extensions: dict[str, str] = {}

    def extension_for(self, user: str, team: str) -> str | None:
        return self.extensions.get(user) or self.team_extensions.get(team)


class Settings(_Strict):
    """The whole configuration. `source` is the file it came from (for messages)."""

    source: Path = Path("<defaults>")
    office: OfficeSettings = OfficeSettings()
    database: DatabaseSettings = DatabaseSettings()
    ami: AmiSettings = AmiSettings()
    privacy: PrivacySettings = PrivacySettings()
    prompts: PromptSettings = PromptSettings()
    pbx: PbxSettings = PbxSettings()
    switchboard: SwitchboardSettings = SwitchboardSettings()
    callers: CallerSettings = CallerSettings()
    service: ServiceSettings = ServiceSettings()
    web: WebSettings = WebSettings()
    evaluation: EvaluationConfig = EvaluationConfig()
    callbacks: CallbackSettings = CallbackSettings()
    teams: tuple[TeamSettings, ...] = Field(min_length=1)
    closures: tuple[ClosureSettings, ...] = ()
    openings: tuple[OpeningSettings, ...] = ()
    pilots: tuple[PilotSettings, ...] = ()
    ami_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _unique_team_ids(self) -> Settings:
        seen: set[str] = set()
        for team in self.teams:
            if team.id in seen:
                raise ValueError(f"Team-ID „{team.id}“ kommt mehrfach vor")
            seen.add(team.id)
        for team in self.teams:
            target = team.overflow.removeprefix("team:")
            if team.overflow.startswith("team:") and (target not in seen or target == team.id):
                raise ValueError(
                    f"teams.{team.id}.overflow: „{team.overflow}“ nennt kein anderes Team"
                )
            if team.overflow == "zentrale" and not self.switchboard.queue:
                raise ValueError(
                    f"teams.{team.id}.overflow = „zentrale“ braucht [switchboard] queue"
                )
        return self

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.office.timezone)

    @property
    def pbx_tz(self) -> tzinfo:
        """The zone of the wall times in the PBX's files (`[pbx] timezone`)."""
        return ZoneInfo(self.pbx.timezone)

    @property
    def data_dir(self) -> Path:
        return self.office.data_dir.expanduser()

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'callcenter.sqlite3'}"

    @property
    def sounds_dir(self) -> Path:
        path = self.prompts.sounds_dir.expanduser()
        return path if path.is_absolute() else self.data_dir / path

    @property
    def dialplan_file(self) -> Path:
        path = self.pbx.dialplan_file.expanduser()
        return path if path.is_absolute() else self.data_dir / path

    @property
    def offers_callback(self) -> bool:
        """The include offers a callback: after the menu's announcement, or on a team's
        queue overflow to `callback`."""
        return self.callers.menu or any(team.overflow == "callback" for team in self.teams)

    def direct_dial_for(self, team_id: str) -> str:
        for team in self.teams:
            if team.id == team_id and team.direct_dial:
                return team.direct_dial
        return self.pbx.direct_dial

    @property
    def key_file(self) -> Path:
        path = self.privacy.key_file.expanduser()
        return path if path.is_absolute() else self.data_dir / path

    def office_seed(self, calendar: HolidayCalendar) -> Office:
        """The schedule the TOML seeds into an empty database (validated by the domain)."""
        tz = self.tz
        try:
            teams = tuple(self._team(index, team) for index, team in enumerate(self.teams))
            closures = tuple(
                Closure.whole_days(
                    c.team,
                    c.first_day,
                    c.last_day or c.first_day,
                    tz,
                    c.note,
                    public_reason=c.public_reason,
                )
                for c in self.closures
            )
            openings = tuple(
                SpecialOpening(
                    o.team, o.day, *parse_time_range(o.hours, f"openings[{i}].hours"), note=o.note
                )
                for i, o in enumerate(self.openings)
            )
            pilots = tuple(Pilot(p.team, p.start, p.end, p.note) for p in self.pilots)
            return Office(tz, calendar, teams, closures, openings, pilots)
        except ScheduleError as exc:
            raise ConfigError(f"{self.source}: {exc}") from None

    def _team(self, index: int, team: TeamSettings) -> Team:
        where = f"teams[{index}] ({team.id})"
        windows = _windows(team.hours, where)
        variants = tuple(
            self._variant(variant, f"{where}.variants[{number}]")
            for number, variant in enumerate(team.variants)
        )
        return Team(
            id=team.id,
            name_de=team.name_de,
            name_en=team.name_en or team.name_de,
            windows=windows,
            holidays_enabled=team.holidays,
            ignored_holidays=frozenset(team.ignored_holidays),
            queue=team.queue or team.id,
            team_lines=team.team_lines,
            direct_lines=team.direct_lines,
            variants=variants,
        )

    def _variant(self, variant: VariantSettings, where: str) -> WeekVariant:
        windows = _windows(variant.hours, where)
        try:
            return WeekVariant(variant.name, variant.first_day, variant.last_day, windows)
        except ScheduleError as exc:
            raise ConfigError(f"{self.source}: {where}: {exc}") from None


def _windows(specs: Sequence[str], where: str) -> tuple[Window, ...]:
    """The windows of hour specs such as "Mo-Do 09:00-12:00", a bad one named by its key."""
    windows: list[Window] = []
    for number, spec in enumerate(specs):
        windows.extend(windows_from_spec(spec, f"{where}.hours[{number}]"))
    return tuple(windows)


def example_config_text() -> str:
    return resources.files("callcenter").joinpath(EXAMPLE_CONFIG_NAME).read_text("utf-8")


def _key_path(location: tuple[int | str, ...], raw: Mapping[str, Any]) -> str:
    parts: list[str] = []
    node: Any = raw
    for item in location:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                team_id = node[item].get("id") or node[item].get("team")
                if team_id:
                    label = f"[{item}] ({team_id})"
            parts.append(label)
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + item)
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(oberste Ebene)"


def _resolve_secret(ami: Mapping[str, Any], environ: Mapping[str, str], source: Path) -> str | None:
    if "secret" in ami:
        raise ConfigError(
            f"{source}: ami.secret: das AMI-Passwort gehört nicht in die TOML-Datei; "
            "setzen Sie ami.secret_env (Umgebungsvariable) oder ami.secret_file"
        )
    secret_file = ami.get("secret_file")
    if secret_file:
        path = Path(str(secret_file)).expanduser()
        try:
            return path.read_text("utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{source}: ami.secret_file: {path} nicht lesbar ({exc.strerror})"
            ) from None
    return environ.get(str(ami.get("secret_env", "CALLCENTER_AMI_SECRET")))


def parse_settings(
    text: str,
    source: Path,
    environ: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
) -> Settings:
    """Settings from TOML text; ConfigError names file, key path and problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: kein gültiges TOML: {exc}") from None
    secret = _resolve_secret(raw.get("ami", {}), environ or {}, source)
    if data_dir is not None:
        raw.setdefault("office", {})["data_dir"] = str(data_dir)
    try:
        settings = Settings.model_validate({**raw, "source": source, "ami_secret": secret})
    except ValidationError as exc:
        problems = [
            f"{source}: {_key_path(tuple(err['loc']), raw)}: {_message(err)}"
            for err in exc.errors()
        ]
        raise ConfigError("\n".join(problems)) from None
    return settings


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unbekannter Schlüssel (Tippfehler?)"
    if kind == "missing":
        return "Pflichtangabe fehlt"
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def load_settings(
    path: Path | None,
    environ: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
) -> Settings:
    """Settings from a file, or from the packaged example configuration when path is None."""
    if path is None:
        return parse_settings(example_config_text(), Path(EXAMPLE_CONFIG_NAME), environ, data_dir)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: Konfigurationsdatei nicht lesbar ({exc.strerror})") from None
    return parse_settings(text, path, environ, data_dir)
