"""Asterisk CDR CSV (`cdr-csv/Master.csv`) -> call records.

cdr_csv writes no header and one row per CDR, in this column order (cdr.conf `[csv]`):
accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start,
answer, end, duration, billsec, disposition, amaflags, then `uniqueid` (loguniqueid=yes)
and `userfield` (loguserfield=yes) = 18 columns, and with `newcdrcolumns=yes` also
peeraccount, linkedid, sequence = 21 columns. We need the uniqueid to recognise rows
again, so 18 or 21 columns are accepted.

A call has several rows: one per party A channel and per dial attempt (ringall: an
ANSWERED row for the member who answered, a NO ANSWER row for each other member, all
with the caller's uniqueid). Without the linkedid column the rows of one call are found
from the channels: the two halves of a Local channel (`…;1`/`…;2`), rows of the same
channel that overlap in time, and member legs whose channel is another row's dstchannel.
The call's id is then the smallest uniqueid of those rows, which is the linked id (the
caller `;1` channel's) only when that channel has a row of its own: in the base setup
only answered calls have one. So the record also keeps the routed channel's uniqueid
(`inbound_id`, the `;2` leg that ran Queue()/Dial(): queue_log's callid and the live
record's routed channel), by which storage finds the live record of the same call
(callcenter.storage.imported). Only the `linkedid` column (cdr.conf [csv]
`newcdrcolumns=yes`) names the call itself on every row; the README recommends it.

What a CDR cannot say: the PBX's open/closed decision (state, reason, live/fallback stay
empty), and whether an unanswered queue call was abandoned or timed out. The latter is
judged from the call's length against the timeout in Queue()'s own arguments.
cdr.conf `unanswered=no` (the default) writes no row at all for calls nobody was dialled
for, such as announcements; those calls are simply not in the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.number_plan import Target
from callcenter.imports.common import CallImportSetup, ParsedCalls, display_name
from callcenter.imports.errors import ProblemList
from callcenter.imports.reading import csv_records, read_text
from callcenter.pbx.translate import member_of_channel

COLUMNS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
)
NEW_COLUMNS = ("peeraccount", "linkedid", "sequence")
DISPOSITIONS = frozenset({"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"})
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The dialplan ends a finished announcement with Hangup(); a caller who hangs up first
# leaves the CDR at the Playback.
_ANNOUNCEMENT_END_APPS = frozenset({"hangup"})
_ANNOUNCEMENT_APPS = frozenset({"playback", "background", "progress"})
# What the routed channel runs last: the routing's own applications (a `Hangup` row is
# the dialplan segment after Queue()/Dial() returned, cdr.conf `unanswered=yes`).
_ROUTED_APPS = frozenset({"queue", "dial", *_ANNOUNCEMENT_APPS, *_ANNOUNCEMENT_END_APPS})
# Asterisk's whole seconds: a call that lasted the timeout may be reported 1 s shorter.
_TIMEOUT_SLACK_SECONDS = 1


@dataclass(frozen=True)
class CdrRow:
    line: int
    src: str
    dst: str
    clid: str
    channel: str
    dstchannel: str
    lastapp: str
    lastdata: str
    start: datetime
    answer: datetime | None
    end: datetime
    billsec: int
    disposition: str
    uniqueid: str
    linkedid: str | None

    @property
    def base(self) -> str:
        return _base(self.channel)

    @property
    def app(self) -> str:
        return self.lastapp.strip().lower()


def _base(channel: str) -> str:
    """A Local channel's two halves (`…;1`, `…;2`) are one channel here."""
    head, sep, tail = channel.rpartition(";")
    return head if sep and tail.isdigit() else channel


def _uniqueid_order(uniqueid: str) -> tuple[int, int, str]:
    seconds, _, sequence = uniqueid.partition(".")
    if seconds.isdigit() and sequence.isdigit():
        return (int(seconds), int(sequence), "")
    return (0, 0, uniqueid)


# -- parsing ---------------------------------------------------------------------------


def _parse_rows(path: Path, tz: tzinfo, problems: ProblemList) -> list[CdrRow]:
    text = read_text(path, problems, fallback="latin-1")
    rows: list[CdrRow] = []
    width: int | None = None
    seen: dict[tuple[str, ...], int] = {}
    for record in csv_records(text, problems):
        fields = [field.strip() for field in record.fields]
        if width is None:
            if fields and fields[0].lower() == "accountcode":
                continue  # a header someone added; cdr_csv itself writes none
            width = len(fields)
            if width not in (len(COLUMNS), len(COLUMNS) + len(NEW_COLUMNS)):
                raise problems.fail(
                    record.line,
                    None,
                    f"{width} Spalten; erwartet werden 18 (cdr.conf [csv] mit loguniqueid "
                    "und loguserfield) oder 21 (zusätzlich newcdrcolumns)",
                    f"{width} columns; expected 18 (cdr.conf [csv] with loguniqueid and "
                    "loguserfield) or 21 (plus newcdrcolumns)",
                )
        if len(fields) != width:
            problems.add(
                record.line,
                None,
                f"{len(fields)} Spalten statt {width} wie in den Zeilen davor",
                f"{len(fields)} columns instead of {width} as in the lines before",
            )
            continue
        key = tuple(fields)
        if key in seen:
            problems.add(
                record.line,
                None,
                f"doppelte Zeile (gleich Zeile {seen[key]})",
                f"duplicate row (same as line {seen[key]})",
            )
            continue
        seen[key] = record.line
        row = _row(record.line, fields, tz, problems)
        if row is not None:
            rows.append(row)
    if width is None:
        raise problems.fail(0, None, "keine Datenzeilen", "no data rows")
    problems.raise_if_any()
    return rows


def _row(line: int, fields: list[str], tz: tzinfo, problems: ProblemList) -> CdrRow | None:
    value = dict(zip(COLUMNS + NEW_COLUMNS, fields, strict=False))
    before = len(problems.items)

    def instant(name: str, optional: bool = False) -> datetime | None:
        text = value[name]
        if not text and optional:
            return None
        try:
            # cdr_csv writes the PBX's local wall time (or UTC with usegmtime=yes).
            return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=tz)
        except ValueError:
            problems.add(
                line,
                name,
                f"„{text}“ ist kein Zeitpunkt der Form JJJJ-MM-TT HH:MM:SS",
                f"'{text}' is not a time of the form YYYY-MM-DD HH:MM:SS",
            )
            return None

    def seconds(name: str) -> int:
        text = value[name]
        if not text.isdigit():
            problems.add(
                line,
                name,
                f"„{text}“ ist keine Sekundenzahl",
                f"'{text}' is not a number of seconds",
            )
            return 0
        return int(text)

    start = instant("start")
    answer = instant("answer", optional=True)
    end = instant("end")
    seconds("duration")
    billsec = seconds("billsec")
    if value["disposition"] not in DISPOSITIONS:
        problems.add(
            line,
            "disposition",
            f"„{value['disposition']}“ ist kein CDR-Status ({', '.join(sorted(DISPOSITIONS))})",
            f"'{value['disposition']}' is not a CDR disposition",
        )
    if not value["uniqueid"]:
        problems.add(line, "uniqueid", "fehlt (cdr.conf: loguniqueid=yes)", "missing")
    if start is not None and end is not None and end < start:
        problems.add(line, "end", "liegt vor „start“", "is before 'start'")
    if len(problems.items) > before or start is None or end is None:
        return None
    return CdrRow(
        line=line,
        src=value["src"],
        dst=value["dst"],
        clid=value["clid"],
        channel=value["channel"],
        dstchannel=value["dstchannel"],
        lastapp=value["lastapp"],
        lastdata=value["lastdata"],
        start=start,
        answer=answer,
        end=end,
        billsec=billsec,
        disposition=value["disposition"],
        uniqueid=value["uniqueid"],
        linkedid=value.get("linkedid") or None,
    )


# -- grouping rows into calls --------------------------------------------------------------


class _Groups:
    """Union-find over row indices."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def find(self, index: int) -> int:
        while self._parent[index] != index:
            self._parent[index] = self._parent[self._parent[index]]
            index = self._parent[index]
        return index

    def union(self, first: int, second: int) -> None:
        self._parent[self.find(first)] = self.find(second)


def group_calls(rows: Sequence[CdrRow]) -> list[list[CdrRow]]:
    """The rows of each call, by linkedid when the file has it, else by channels (see top)."""
    if rows and all(row.linkedid for row in rows):
        by_linked: dict[str, list[CdrRow]] = defaultdict(list)
        for row in rows:
            by_linked[row.linkedid or ""].append(row)
        return list(by_linked.values())
    groups = _Groups(len(rows))
    by_uniqueid: dict[str, int] = {}
    by_base: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.uniqueid in by_uniqueid:
            groups.union(index, by_uniqueid[row.uniqueid])
        by_uniqueid.setdefault(row.uniqueid, index)
        by_base[row.base].append(index)
    # Channel names are unique only while the channel is up (Local counters restart with
    # Asterisk), so same-named rows belong together only when their times overlap.
    for indices in by_base.values():
        _union_overlapping(rows, indices, groups)
    for index, row in enumerate(rows):
        if row.dstchannel:
            for other in by_base.get(_base(row.dstchannel), ()):
                if _overlap(row, rows[other]):
                    groups.union(index, other)
    collected: dict[int, list[CdrRow]] = defaultdict(list)
    for index, row in enumerate(rows):
        collected[groups.find(index)].append(row)
    return list(collected.values())


def _overlap(first: CdrRow, second: CdrRow) -> bool:
    return first.start <= second.end and second.start <= first.end


def _union_overlapping(rows: Sequence[CdrRow], indices: list[int], groups: _Groups) -> None:
    ordered = sorted(indices, key=lambda i: rows[i].start)
    current = ordered[0]
    reach = rows[current].end
    for index in ordered[1:]:
        if rows[index].start <= reach:
            groups.union(index, current)
            reach = max(reach, rows[index].end)
        else:
            current, reach = index, rows[index].end


# -- one call's rows -> a record -------------------------------------------------------------


@dataclass(frozen=True)
class _Conversation:
    at: datetime
    talk: int
    member: str
    team_part: bool


def _target(row: CdrRow, setup: CallImportSetup) -> Target | None:
    if row.app == "queue":
        found = setup.plan.queue(row.lastdata.split(",")[0])
        if found is not None:
            return found
    return setup.plan.number(row.dst)


def _argument_seconds(lastdata: str, position: int) -> int | None:
    arguments = lastdata.split(",")
    if len(arguments) > position and arguments[position].strip().isdigit():
        return int(arguments[position])
    return None


def _caller_number(row: CdrRow) -> str:
    if row.src:
        return row.src
    # `"Name" <number>`: only the number is used (and only to make the pseudonym).
    _, _, rest = row.clid.rpartition("<")
    return rest.rstrip(">") if rest else ""


def call_record(rows: Sequence[CdrRow], setup: CallImportSetup) -> CallRecord | None:
    """The record of one call's rows; None when it reached no team (or not `setup.team`)."""
    member_bases = {_base(row.dstchannel) for row in rows if row.dstchannel}
    legs = sorted(
        (row for row in rows if row.base not in member_bases), key=lambda r: (r.start, r.line)
    )
    members = {row.base: row for row in rows if row.base in member_bases and row.answer}
    targets = [(row, _target(row, setup)) for row in legs]
    team_rows = [(row, t) for row, t in targets if t is not None and t.team is not None]
    if not team_rows:
        return None
    first, first_target = team_rows[0]
    # The routed channel: the team row of the leg that ran Queue()/Dial() or the prompts,
    # not the other half of a Local channel (lastapp AppDial2, or what its caller ran).
    inbound = next((row for row, _ in team_rows if row.app in _ROUTED_APPS), first)
    team = first_target.team
    assert team is not None
    if setup.team is not None and team != setup.team:
        return None
    own = [row for row, t in team_rows if t.team == team]
    switchboard_first = any(
        t is not None and t.is_switchboard and row.start <= first.start for row, t in targets
    )
    started = min(row.start for row in rows)
    ended = max(row.end for row in legs)
    conversations = sorted(_conversations(legs, own, members), key=lambda c: c.at)
    team_answer = next((c for c in conversations if c.team_part), None)
    talk = sum(c.talk for c in conversations)
    if team_answer is not None:
        before = sum(c.talk for c in conversations if c.at < team_answer.at)
        wait = (team_answer.at - started).total_seconds() - before
    else:
        wait = (ended - started).total_seconds() - talk
    return CallRecord(
        linked_id=rows[0].linkedid or min((row.uniqueid for row in rows), key=_uniqueid_order),
        team=team,
        line_kind=LineKind.SWITCHBOARD if switchboard_first else first_target.kind,
        dialled=first.dst,
        caller=setup.pseudonyms.caller(_caller_number(first)),
        started=started,
        outcome=_outcome(own, team_answer, targets, team, ended),
        in_hours=setup.calendar.in_hours(team, first.start),
        answered=team_answer.at if team_answer else None,
        ended=ended,
        wait_seconds=float(max(0.0, wait)),
        talk_seconds=float(talk),
        answered_by=setup.pseudonyms.member(team_answer.member) if team_answer else None,
        pilot=setup.calendar.pilot(team, first.start),
        complete=True,
        inbound_id=inbound.uniqueid,
    )


def _conversations(
    legs: Iterable[CdrRow], own: Sequence[CdrRow], members: dict[str, CdrRow]
) -> Iterable[_Conversation]:
    """Every talk with a person; a member's own leg (Local members) knows the real pickup:
    the caller's leg may have been answered long before (by the switchboard)."""
    own_lines = {row.line for row in own}
    for row in legs:
        if row.disposition != "ANSWERED" or not row.dstchannel or row.answer is None:
            continue
        member_leg = members.get(_base(row.dstchannel))
        if member_leg is not None and member_leg.answer is not None:
            at, talk = member_leg.answer, member_leg.billsec
        else:
            at, talk = row.answer, row.billsec
        yield _Conversation(at, talk, member_of_channel(row.dstchannel), row.line in own_lines)


def _outcome(
    own: Sequence[CdrRow],
    answer: _Conversation | None,
    targets: Sequence[tuple[CdrRow, Target | None]],
    team: str,
    ended: datetime,
) -> Outcome:
    if answer is not None:
        moved_on = any(
            t is not None and t.team != team and row.start >= answer.at for row, t in targets
        )
        return Outcome.TRANSFERRED if moved_on else Outcome.ANSWERED
    apps = {row.app for row in own}
    team_start = min(row.start for row in own)
    length = (ended - team_start).total_seconds()
    if "queue" in apps:
        timeouts = [_argument_seconds(r.lastdata, 4) for r in own if r.app == "queue"]
        timeout = next((t for t in timeouts if t), None)
        if timeout is not None and length >= timeout - _TIMEOUT_SLACK_SECONDS:
            return Outcome.TIMEOUT
        return Outcome.ABANDONED
    if "dial" in apps:
        dispositions = {row.disposition for row in own if row.app == "dial"}
        if "BUSY" in dispositions:
            return Outcome.BUSY
        if "NO ANSWER" in dispositions:
            timeouts = [_argument_seconds(r.lastdata, 1) for r in own if r.app == "dial"]
            timeout = next((t for t in timeouts if t), None)
            if timeout is not None and length < timeout - _TIMEOUT_SLACK_SECONDS:
                return Outcome.ABANDONED  # the caller gave up while it rang
            return Outcome.NO_ANSWER
        return Outcome.FAILED
    if apps & _ANNOUNCEMENT_END_APPS:
        return Outcome.ANNOUNCEMENT
    if apps & _ANNOUNCEMENT_APPS:
        return Outcome.ANNOUNCEMENT_HANGUP
    return Outcome.FAILED


def parse_cdr(path: Path, setup: CallImportSetup, tz: tzinfo) -> ParsedCalls:
    """Validate the whole file and build its calls' records; ImportFailed if anything is off.

    `tz` is the zone cdr_csv wrote its times in: the PBX's local zone (UTC with
    cdr.conf `usegmtime=yes`). Local times in the hour repeated when DST ends are
    ambiguous in the file itself; they are read as the first of the two.
    """
    problems = ProblemList(display_name(path))
    rows = _parse_rows(path, tz, problems)
    parsed = ParsedCalls(read=len(rows))
    for rows_of_call in group_calls(rows):
        record = call_record(rows_of_call, setup)
        if record is None:
            parsed.ignored += 1
        else:
            parsed.records.append(record)
    parsed.records.sort(key=lambda r: (r.started, r.linked_id))
    return parsed
