"""The generated Asterisk include: entry extensions, the routing subroutine, compiled fallbacks.

Pure: the office and `now` come in, the file's text goes out. The shape follows the dialplan
the reference traces were recorded with (tests/fixtures/asterisk22/config/extensions.conf), because
the trace-based tests and the simulator rely on its contexts, priorities' order and the
`UserEvent(CallHours, ...)` headers. Differences, each on purpose:

- the staleness limit is a literal, not `${CALLHOURS_STALE}` from `[globals]`: an include
  must not touch the including file's globals;
- the live state is also stale from `callhours/_valid_until` on (the next boundary of any
  team, written by the service): a service dying just before a closing time must not
  leave the old state trusted until the heartbeat is stale;
- the UserEvent carries `Reason:` (empty when open) after `State:`;
- the fallback is one Gosub context per team, generated from the same schedule;
- the languages played and early media come from the settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter.domain.schedule import Office, TeamSchedule
from callcenter.pbx.dialplan_blf import hints_context
from callcenter.pbx.dialplan_callback import DIALLED_VARIABLE, offer_context
from callcenter.pbx.dialplan_menu import MENU_CONTEXT, REASON_VARIABLE, TEAM_VARIABLE, menu_context
from callcenter.pbx.dialplan_overflow import (
    ANNOUNCEMENT,
    CALLBACK,
    CALLBACK_CONTEXT,
    SWITCHBOARD,
    Overflow,
    announcement_overflow_steps,
    callback_context,
    callback_overflow_steps,
    overflow_steps,
)
from callcenter.pbx.dialplan_rules import (
    CLOSED_CLOSURE,
    CLOSED_HOLIDAY,
    CLOSED_HOURS,
    OPEN,
    Horizon,
    TimeRule,
    dated_rules,
    variant_rules,
    weekly_rules,
)
from callcenter.pbx.dialplan_wait import wait_call, wait_context

ROUTE_CONTEXT = "callhours-route"
# AstDB family/key of the instant up to which the pushed states hold (see the pusher).
VALID_UNTIL = "callhours/_valid_until"
FALLBACK_PREFIX = "callhours-fallback-"
# Labels in a fallback context, by the state they return.
LABELS = {
    OPEN: "isopen",
    CLOSED_HOLIDAY: "isholiday",
    CLOSED_CLOSURE: "isclosure",
    CLOSED_HOURS: "ishours",
}
SWITCHBOARD_QUEUE_TIMEOUT_SECONDS = 60
# Notes and holiday names end up in comments; keep lines far below Asterisk's line buffer.
_NOTE_LIMIT = 120

_TEAM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CONTEXT = re.compile(r"^[A-Za-z0-9_-]{1,79}$")
_NUMBER = re.compile(r"^_?[0-9A-Za-z+*#.!\[\]-]{1,79}$")
_QUEUE = re.compile(r"^[A-Za-z0-9_.-]{1,79}$")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_TIMEZONE = re.compile(r"^[A-Za-z0-9_+/-]+$")


class DialplanError(ValueError):
    """The schedule or the options cannot be written as a valid Asterisk dialplan."""


@dataclass(frozen=True)
class DialplanOptions:
    """Everything besides the schedule that shapes the generated include."""

    context: str = "callhours-inbound"
    stale_after_seconds: int = 60
    languages: tuple[str, ...] = ("de", "en")
    early_media: bool = True
    queue_timeout_seconds: int = 30
    direct_dial_timeout_seconds: int = 20
    direct_dial: str = "PJSIP/${EXTEN}"
    # (team id, dial string) for teams whose direct lines do not use `direct_dial`.
    team_direct_dial: tuple[tuple[str, str], ...] = ()
    switchboard_numbers: tuple[str, ...] = ()
    switchboard_queue: str = ""
    timezone: str = "Europe/Berlin"
    # Issue 20: language menu (empty = none: the announcement plays `languages` at once).
    menu_languages: tuple[str, ...] = ()
    menu_timeout_seconds: int = 4
    # (team id, overflow) and (team id, Queue() timeout) where a team has its own.
    team_overflow: tuple[tuple[str, Overflow], ...] = ()
    team_queue_timeout: tuple[tuple[str, int], ...] = ()
    # Callback call-out: the Originate continues in `callback_context`, which dials the
    # customer through `outbound_context` (both `[callbacks]`, read by the service too).
    callback_context: str = CALLBACK_CONTEXT
    outbound_context: str = "from-internal"
    callback_dial_timeout_seconds: int = 30
    # The key that asks for a callback after the menu's announcement and on an overflow to
    # `callback` ("" = no offer).
    callback_key: str = ""
    # Teams whose team lines say the estimated wait before the queue (announce_position).
    announce_wait: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(_CONTEXT, self.context, "context")
        _require(_TIMEZONE, self.timezone, "time zone")
        if not self.languages:
            raise DialplanError("at least one prompt language is needed")
        for language in (*self.languages, *self.menu_languages):
            _require(_LANGUAGE, language, "language")
        if len(self.menu_languages) > 9:
            raise DialplanError("the language menu has keys 1-9: at most 9 languages")
        _require(_CONTEXT, self.outbound_context, "outbound context")
        _require(_CONTEXT, self.callback_context, "callback context")
        if self.callback_key and (
            len(self.callback_key) != 1 or self.callback_key not in "0123456789*#"
        ):
            raise DialplanError(f"callback key {self.callback_key!r} is not one phone key")
        for name, value in (
            ("stale_after_seconds", self.stale_after_seconds),
            ("queue_timeout_seconds", self.queue_timeout_seconds),
            ("direct_dial_timeout_seconds", self.direct_dial_timeout_seconds),
            ("menu_timeout_seconds", self.menu_timeout_seconds),
            ("callback_dial_timeout_seconds", self.callback_dial_timeout_seconds),
            *((f"queue timeout of {team}", sec) for team, sec in self.team_queue_timeout),
        ):
            if value <= 0:
                raise DialplanError(f"{name} must be positive, not {value}")
        for dial in (self.direct_dial, *(dial for _, dial in self.team_direct_dial)):
            _require_dial(dial)
        for number in self.switchboard_numbers:
            _require(_NUMBER, number, "switchboard number")
        if self.switchboard_numbers:
            _require(_QUEUE, self.switchboard_queue, "switchboard queue")

    @property
    def offers_on_overflow(self) -> bool:
        """Some team's queue timeout ends in the callback offer."""
        return any(overflow == CALLBACK for _, overflow in self.team_overflow)

    def direct_dial_for(self, team_id: str) -> str:
        return dict(self.team_direct_dial).get(team_id, self.direct_dial)

    def queue_timeout_for(self, team_id: str) -> int:
        return dict(self.team_queue_timeout).get(team_id, self.queue_timeout_seconds)


def _require(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise DialplanError(f"{what} {value!r} cannot be used in the dialplan")
    return value


def _require_dial(dial: str) -> str:
    # A comma would shift Dial()'s arguments, a semicolon starts a comment.
    if not dial or any(ch in dial for ch in ",;\r\n\t "):
        raise DialplanError(f"dial string {dial!r} cannot be used in the dialplan")
    return dial


def _comment(text: str) -> str:
    """Free text made safe for a `;` comment: one line, no `;--`/`--;` block-comment marks."""
    flat = " ".join(text.replace(";", ",").replace("\\", "/").split())
    while "--" in flat:
        flat = flat.replace("--", "-")
    return flat if len(flat) <= _NOTE_LIMIT else flat[: _NOTE_LIMIT - 1] + "…"


def generate_dialplan(office: Office, options: DialplanOptions, now: datetime) -> str:
    """The whole `extensions_callhours.conf` for the office as of `now` (aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise DialplanError(f"now {now.isoformat()} has no time zone")
    if isinstance(office.tz, ZoneInfo) and office.tz.key != options.timezone:
        raise DialplanError(
            f"the office's time zone {office.tz.key} differs from the dialplan's {options.timezone}"
        )
    local_now = now.astimezone(office.tz)
    horizon = Horizon.starting(local_now.date())
    sections = [
        _header(options, local_now, horizon),
        _route(options),
        *(_fallback(office.schedule_for(team_id), options, horizon) for team_id in office.team_ids),
        _entries(office, options),
        *(
            [
                menu_context(
                    options.menu_languages,
                    options.languages,
                    options.menu_timeout_seconds,
                    options.early_media,
                    callback_offer=bool(options.callback_key),
                )
            ]
            if options.menu_languages
            else []
        ),
        *(
            [offer_context(options.callback_key, options.early_media)]
            if options.callback_key and (options.menu_languages or options.offers_on_overflow)
            else []
        ),
        *(
            [wait_context(options.languages, options.stale_after_seconds, options.early_media)]
            if set(options.announce_wait) & set(office.team_ids)
            else []
        ),
        hints_context(office.team_ids),
        callback_context(
            options.callback_context,
            options.outbound_context,
            options.callback_dial_timeout_seconds,
        ),
    ]
    return "\n".join(sections)


def _header(options: DialplanOptions, now: datetime, horizon: Horizon) -> str:
    lines = [
        "; extensions_callhours.conf: GENERATED by callcenter, do not edit.",
        "; Automatisch erzeugt, nicht von Hand bearbeiten.",
        ";",
        f"; Generated at {now.isoformat(timespec='seconds')} ({options.timezone}).",
        f"; Dated rules cover {horizon.first.isoformat()} to {horizon.last.isoformat()};",
        ";   GotoIfTime has no year field, so regenerate this file daily and after every",
        ";   schedule change:",
        ";     callcenter pbx dialplan -o /etc/asterisk/extensions_callhours.conf",
        ";",
        "; Include it once: in extensions.conf",
        ";     #include extensions_callhours.conf",
        "; and in the context your trunk delivers calls to",
        f";     include => {options.context}",
        ";",
        "; Asterisk reads a new file on `dialplan reload`: the service sends it over AMI",
        ";   (Action: Command, Command: dialplan reload); by hand:",
        ";     asterisk -rx 'dialplan reload'",
        ";",
        "; Live state (AstDB, written by the service with DBPut):",
        ";   callhours/<team>     = open | closed:hours | closed:holiday | closed:closure",
        ";   callhours/_heartbeat = Unix time of the service's last heartbeat",
        ";   callhours/<team>/wait_minutes = estimated wait said before the queue (teams with",
        ";     announce_position; 0 = say nothing)",
        ";   callhours/_valid_until = Unix time of the next boundary of any team: the",
        ";     states hold until then; missing = no limit (a service of an older version)",
        f"; Missing state or heartbeat, a heartbeat older than {options.stale_after_seconds} s,",
        ";   or the time at or past _valid_until:",
        f";   the team's [{FALLBACK_PREFIX}<team>] decides from the compiled schedule.",
        "",
    ]
    return "\n".join(lines)


def _playback(options: DialplanOptions) -> str:
    files = "&".join(
        f"callhours/${{team}}/closed-${{reason}}-{language}" for language in options.languages
    )
    return f"Playback({files},noanswer)" if options.early_media else f"Playback({files})"


def _route(options: DialplanOptions) -> str:
    stale = options.stale_after_seconds
    play = (
        [
            f" same => n,Set({TEAM_VARIABLE}=${{team}})",
            f" same => n,Set({REASON_VARIABLE}=${{reason}})",
            f" same => n,Set({DIALLED_VARIABLE}=${{ARG3}})",
            f" same => n,Goto({MENU_CONTEXT},s,1)",
        ]
        if options.menu_languages
        else [f" same => n,{_playback(options)}"]
    )
    announce = (
        [" same => n,Progress()"] if options.early_media else [" same => n,Answer()"]
    ) + play
    media = (
        "; early media (Progress + Playback noanswer: the caller is not charged) and hangs up"
        if options.early_media
        else "; after Answer() (this carrier has no early media) and hangs up"
    )
    lines = [
        f"; Gosub({ROUTE_CONTEXT},s,1(team,linekind,dialled)) -> GOSUB_RETVAL = open.",
        "; linekind is team or direct. Closed: plays callhours/<team>/closed-<reason>-<lang>",
        f"{media} with cause 16;",
        "; it does not return then. Every decision is an AMI UserEvent CallHours.",
        f"[{ROUTE_CONTEXT}]",
        "exten => s,1,Set(LOCAL(team)=${ARG1})",
        " same => n,Set(LOCAL(state)=${DB(callhours/${team})})",
        " same => n,Set(LOCAL(hb)=${DB(callhours/_heartbeat)})",
        " same => n,Set(LOCAL(source)=live)",
        ' same => n,GotoIf($["${state}" = "" | "${hb}" = "" | '
        f"$[${{EPOCH}} - 0${{hb}}] > {stale}]?fallback)",
        "; The states hold until callhours/_valid_until. A missing key sets no limit, so a",
        "; service of an older version (which never writes it) keeps working with this file;",
        '; "${until}" != "" guards the comparison: $[${EPOCH} >= ] is a syntax error.',
        f" same => n,Set(LOCAL(until)=${{DB({VALID_UNTIL})}})",
        ' same => n,GotoIf($["${until}" != "" & ${EPOCH} >= 0${until}]?fallback)',
        " same => n(decided),Set(LOCAL(reason)=${CUT(state,:,2)})",
        " same => n,UserEvent(CallHours,Team: ${team},Line: ${ARG2},Dialled: ${ARG3},"
        "State: ${state},Reason: ${reason},Source: ${source})",
        ' same => n,GotoIf($["${state:0:4}" = "open"]?isopen)',
        *announce,
        " same => n,Hangup(16)",
        " same => n(isopen),Return(open)",
        " same => n(fallback),Set(LOCAL(source)=fallback)",
        f" same => n,Gosub({FALLBACK_PREFIX}${{team}},s,1)",
        " same => n,Set(LOCAL(state)=${GOSUB_RETVAL})",
        " same => n,Goto(decided)",
        "",
    ]
    return "\n".join(lines)


def _rule_line(rule: TimeRule, timezone: str) -> str:
    line = f" same => n,GotoIfTime({rule.condition(timezone)}?{LABELS[rule.state]})"
    notes = [rule.day.isoformat()] if rule.day else []
    if rule.note:
        notes.append(_comment(rule.note))
    return f"{line} ; {' '.join(notes)}" if notes else line


def _rule_block(title: str, rules: Iterable[TimeRule], timezone: str) -> list[str]:
    lines = [_rule_line(rule, timezone) for rule in rules]
    return [f"; {title}", *lines] if lines else []


def _fallback(schedule: TeamSchedule, options: DialplanOptions, horizon: Horizon) -> str:
    team = _require(_TEAM_ID, schedule.team.id, "team id")
    dated = dated_rules(schedule, horizon)
    variants = variant_rules(schedule.team, horizon)
    # Only a team with a variant in the horizon needs the label (files stay as they were).
    hours_label = [f" same => n({LABELS[CLOSED_HOURS]}),Return({CLOSED_HOURS})"] if variants else []
    tz = options.timezone
    lines = [
        f"; Fallback for team {team}: Gosub target, returns {OPEN} | {CLOSED_HOURS} |",
        f"; {CLOSED_HOLIDAY} | {CLOSED_CLOSURE}. First matching rule wins.",
        f"[{FALLBACK_PREFIX}{team}]",
        f"exten => s,1,NoOp(callhours fallback {team})",
        *_rule_block("closures (dated)", (r for r in dated if r.state == CLOSED_CLOSURE), tz),
        *_rule_block("special openings (dated)", (r for r in dated if r.state == OPEN), tz),
        *_rule_block(
            "public holidays (dated)", (r for r in dated if r.state == CLOSED_HOLIDAY), tz
        ),
        *_rule_block("date-range variants of the week (dated)", variants, tz),
        *_rule_block("weekly call hours", weekly_rules(schedule.team.windows), tz),
        f" same => n,Return({CLOSED_HOURS})",
        f" same => n({LABELS[OPEN]}),Return({OPEN})",
        f" same => n({LABELS[CLOSED_HOLIDAY]}),Return({CLOSED_HOLIDAY})",
        f" same => n({LABELS[CLOSED_CLOSURE]}),Return({CLOSED_CLOSURE})",
        *hours_label,
        "",
    ]
    return "\n".join(lines)


def _entry(number: str, note: str, body: list[str]) -> list[str]:
    _require(_NUMBER, number, "line number")
    return [f"exten => {number},1,NoOp({note})", *body]


def _after_queue(office: Office, options: DialplanOptions, team_id: str, queue: str) -> list[str]:
    overflow = dict(options.team_overflow).get(team_id, "")
    if not overflow:
        return [" same => n,Hangup()"]
    if overflow == SWITCHBOARD:
        if not options.switchboard_queue:
            raise DialplanError(f"team {team_id} overflows to the switchboard, which has no queue")
        target = _require(_QUEUE, options.switchboard_queue, "switchboard queue")
        return overflow_steps(queue, overflow, target, SWITCHBOARD_QUEUE_TIMEOUT_SECONDS)
    other_id = overflow.removeprefix("team:")
    if overflow.startswith("team:") and other_id != team_id and other_id in office.team_ids:
        other = office.schedule_for(other_id).team
        target = _require(_QUEUE, other.queue or other.id, "queue")
        return overflow_steps(queue, overflow, target, options.queue_timeout_for(other_id))
    if overflow == CALLBACK:
        if not options.callback_key:
            raise DialplanError(f"team {team_id} overflows to a callback offer without a key")
        return callback_overflow_steps(queue, team_id, options.languages[0])
    if overflow == ANNOUNCEMENT:
        return announcement_overflow_steps(queue, team_id, options.languages)
    raise DialplanError(f"overflow {overflow!r} of team {team_id} cannot be generated")


def _entries(office: Office, options: DialplanOptions) -> str:
    lines = [
        f"; Entry extensions: include => {options.context} in the trunk's context.",
        f"[{options.context}]",
    ]
    seen: dict[str, str] = {}
    announce = frozenset(options.announce_wait)

    def claim(number: str, owner: str) -> None:
        if number in seen:
            raise DialplanError(f"number {number} is used by {seen[number]} and {owner}")
        seen[number] = owner

    for team in office.teams:
        queue = _require(_QUEUE, team.queue or team.id, "queue")
        for number in team.team_lines:
            claim(number, f"team {team.id}")
            lines += _entry(
                number,
                f"callhours team line {team.id}",
                [
                    f" same => n,Gosub({ROUTE_CONTEXT},s,1({team.id},team,${{EXTEN}}))",
                    *([f" same => n,{wait_call(team.id)}"] if team.id in announce else []),
                    f" same => n,Queue({queue},t,,,{options.queue_timeout_for(team.id)})",
                    *_after_queue(office, options, team.id, queue),
                ],
            )
        dial = options.direct_dial_for(team.id)
        for number in team.direct_lines:
            claim(number, f"team {team.id}")
            lines += _entry(
                number,
                f"callhours direct line {team.id}",
                [
                    f" same => n,Gosub({ROUTE_CONTEXT},s,1({team.id},direct,${{EXTEN}}))",
                    f" same => n,Dial({dial},{options.direct_dial_timeout_seconds})",
                    " same => n,Hangup()",
                ],
            )
    for number in options.switchboard_numbers:
        claim(number, "the switchboard")
        lines += _entry(
            number,
            "callhours switchboard",
            [
                " same => n,Answer()",
                f" same => n,Queue({options.switchboard_queue},t,,,"
                f"{SWITCHBOARD_QUEUE_TIMEOUT_SECONDS})",
                " same => n,Hangup()",
            ],
        )
    lines.append("")
    return "\n".join(lines)
