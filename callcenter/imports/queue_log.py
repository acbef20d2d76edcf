"""Asterisk `queue_log` -> call records for the calls that went through a team's queue.

Each line is `time|callid|queue|agent|event|data1|data2|…` (time in Unix seconds, callid
the uniqueid of the channel in the queue). The events used, with their data fields:

    ENTERQUEUE       url|callerid|position
    CONNECT          holdtime|member channel uniqueid|ringtime
    COMPLETEAGENT    holdtime|talktime|origposition      (also COMPLETECALLER)
    ABANDON          position|origposition|waittime
    EXITWITHTIMEOUT  position|origposition|waittime
    EXITEMPTY        position|origposition|waittime
    EXITWITHKEY      key|position|origposition|waittime
    BLINDTRANSFER    extension|context|holdtime|talktime|origposition  (also TRANSFER)
    ATTENDEDTRANSFER method|…|holdtime|talktime|origposition
    DID              dialled number (logged by some dialplans before Queue())

Member events (RINGNOANSWER, RINGCANCELED, …) and queue-level lines (callid NONE:
QUEUESTART, ADDMEMBER, PAUSE, …) are read and ignored.

The callid is the Uniqueid of the channel in the queue (the `;2` leg of the call), never
the call's Linkedid (README-v3 of the recordings, "Which ids appear where"): a record
keeps it as its linked id and as its `inbound_id`, by which storage finds the live record
of the same call (callcenter.storage.imported).

The queue_log sees a call only while it is in a queue: it starts at ENTERQUEUE, and what
the call did before (ringing, routing) is not counted as waiting. A call the switchboard
transferred to a team line that never entered the team's queue got the announcement (the
dialplan queues only when the team is open); its end is not in the queue_log, so its
record is marked incomplete. The answering member's pseudonym is made from the queue's
member name (`Agent 101`), the only name the queue_log has; the live tracker uses the
member's interface, so the two pseudonyms of one member differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from callcenter.domain.calls import CallRecord, LineKind, Outcome
from callcenter.domain.number_plan import Target
from callcenter.imports.common import CallImportSetup, ParsedCalls, display_name
from callcenter.imports.errors import ProblemList
from callcenter.imports.reading import read_text

NO_CALL = "NONE"
# Events that end a call's stay in a queue, and what they mean for the caller.
_EXITS = {
    "ABANDON": (Outcome.ABANDONED, 2),
    "EXITWITHTIMEOUT": (Outcome.TIMEOUT, 2),
    "EXITEMPTY": (Outcome.FAILED, 2),
    "EXITWITHKEY": (Outcome.ABANDONED, 3),  # the caller chose to leave the queue
}
_COMPLETES = frozenset({"COMPLETEAGENT", "COMPLETECALLER"})
# holdtime's position in the data fields; talktime follows it.
_TRANSFERS = {"TRANSFER": 2, "BLINDTRANSFER": 2, "ATTENDEDTRANSFER": 2}
# Which data fields must be whole numbers, per event (index into data1, data2, …).
_NUMBERS: dict[str, tuple[int, ...]] = {
    "CONNECT": (0,),
    "COMPLETEAGENT": (0, 1),
    "COMPLETECALLER": (0, 1),
    "ABANDON": (2,),
    "EXITWITHTIMEOUT": (2,),
    "EXITEMPTY": (2,),
    "EXITWITHKEY": (3,),
}
_CALL_EVENTS = frozenset({"ENTERQUEUE", "CONNECT", "DID", *_EXITS, *_COMPLETES, *_TRANSFERS})


@dataclass(frozen=True)
class Line:
    number: int
    at: datetime
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]

    def number_at(self, index: int) -> int:
        """A data field that validation already proved to be a whole number (else 0)."""
        text = self.data[index] if index < len(self.data) else ""
        return int(text) if text.isdigit() else 0


def _epoch(text: str) -> datetime | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not 0 < value < 2**33:
        return None
    return datetime.fromtimestamp(value, UTC)


def _parse_lines(
    path: Path, setup: CallImportSetup, problems: ProblemList
) -> tuple[list[Line], int, int]:
    """The call lines of the file (validated), lines read, calls of other teams' queues."""
    text = read_text(path, problems, fallback="latin-1")
    lines: list[Line] = []
    seen: dict[str, int] = {}
    read = 0
    foreign: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        read += 1
        parts = raw.split("|")
        if len(parts) < 5:
            problems.add(
                number,
                None,
                f"{len(parts)} Felder; erwartet: Zeit|Anruf-ID|Warteschlange|Agent|Ereignis|…",
                f"{len(parts)} fields; expected time|callid|queue|agent|event|…",
            )
            continue
        at = _epoch(parts[0])
        if at is None:
            problems.add(
                number,
                "time",
                f"„{parts[0]}“ ist kein Zeitpunkt (Unix-Sekunden)",
                f"'{parts[0]}' is not a time (Unix seconds)",
            )
            continue
        callid, queue, agent, event = (part.strip() for part in parts[1:5])
        if not event:
            problems.add(number, "event", "fehlt", "missing")
            continue
        if callid == NO_CALL:
            continue  # a queue's or member's own line (QUEUESTART, ADDMEMBER, PAUSE, …)
        if not callid:
            problems.add(number, "callid", "fehlt", "missing")
            continue
        if event != "DID" and setup.plan.queue(queue) is None:
            if setup.team is not None:
                foreign.add(callid)  # another department's queue: not asked for
                continue
            problems.add(
                number,
                "queue",
                f"unbekannte Warteschlange „{queue}“ (keinem Team und nicht der Zentrale "
                "zugeordnet); mit --team nur die Anrufe eines Teams importieren",
                f"unknown queue '{queue}' (no team's and not the switchboard's); use --team "
                "to import one team's calls only",
            )
            continue
        if event not in _CALL_EVENTS:
            continue  # member events (RINGNOANSWER, …) say nothing about the caller
        if raw in seen:
            problems.add(
                number,
                None,
                f"doppelte Zeile (gleich Zeile {seen[raw]})",
                f"duplicate line (same as line {seen[raw]})",
            )
            continue
        seen[raw] = number
        line = Line(number, at, callid, queue, agent, event, tuple(parts[5:]))
        if not _valid_numbers(line, problems):
            continue
        lines.append(line)
    problems.raise_if_any()
    return lines, read, len(foreign - {line.callid for line in lines})


def _valid_numbers(line: Line, problems: ProblemList) -> bool:
    for index in _NUMBERS.get(line.event, ()):
        text = line.data[index].strip() if index < len(line.data) else ""
        if not text.isdigit():
            problems.add(
                line.number,
                f"data{index + 1}",
                f"„{text}“ ist keine Sekundenzahl ({line.event})",
                f"'{text}' is not a number of seconds ({line.event})",
            )
            return False
    return True


@dataclass
class _Stay:
    """One stay of a call in one queue."""

    target: Target
    entered: datetime
    connected: datetime | None = None
    hold: int = 0
    member: str = ""
    talk: int | None = None
    left: datetime | None = None
    exit_outcome: Outcome | None = None
    wait: int | None = None
    transferred_to: str | None = None
    transferred: bool = False


@dataclass
class _Call:
    callid: str
    caller: str = ""
    did: str = ""
    stays: list[_Stay] = field(default_factory=list)
    open_stays: dict[str, _Stay] = field(default_factory=dict)


def _collect(lines: list[Line], setup: CallImportSetup) -> list[_Call]:
    calls: dict[str, _Call] = {}
    for line in lines:
        call = calls.setdefault(line.callid, _Call(line.callid))
        if line.event == "DID":
            call.did = line.data[0].strip() if line.data else ""
            continue
        target = setup.plan.queue(line.queue)
        assert target is not None  # validated
        if line.event == "ENTERQUEUE":
            if not call.caller and len(line.data) > 1:
                call.caller = line.data[1]
            stay = _Stay(target, line.at)
            call.stays.append(stay)
            call.open_stays[line.queue] = stay
            continue
        found = call.open_stays.get(line.queue)
        if found is None:
            # The file starts in the middle of this stay: keep what the line says.
            found = _Stay(target, line.at)
            call.stays.append(found)
            call.open_stays[line.queue] = found
        _apply(found, line)
    return list(calls.values())


def _apply(stay: _Stay, line: Line) -> None:
    if line.event == "CONNECT":
        stay.connected, stay.hold, stay.member = line.at, line.number_at(0), line.agent
    elif line.event in _COMPLETES:
        stay.hold, stay.talk, stay.left = line.number_at(0), line.number_at(1), line.at
    elif line.event in _TRANSFERS:
        hold_at = _TRANSFERS[line.event]
        stay.transferred, stay.left = True, line.at
        stay.transferred_to = line.data[0].strip() if line.data else None
        stay.hold, stay.talk = line.number_at(hold_at), line.number_at(hold_at + 1)
    elif line.event in _EXITS:
        outcome, wait_at = _EXITS[line.event]
        stay.exit_outcome, stay.wait, stay.left = outcome, line.number_at(wait_at), line.at


def _record(call: _Call, setup: CallImportSetup) -> CallRecord | None:
    team_stays = [s for s in call.stays if s.target.team is not None]
    if team_stays:
        return _queued_record(call, team_stays[0], setup)
    return _announcement_record(call, setup)


def _earlier_part(call: _Call, until: datetime) -> tuple[float, float, bool]:
    """Wait and talk before the team's queue (the switchboard's), and whether there was any."""
    wait = talk = 0.0
    earlier = [s for s in call.stays if s.entered < until and s.target.team is None]
    for stay in earlier:
        if stay.connected is not None:
            wait += stay.hold
            # The operator's talk ends when the caller moves on, whatever the switchboard
            # queue reports later (after a Redirect it reports the whole call).
            moved_on = max(0.0, (until - stay.connected).total_seconds())
            talk += min(stay.talk if stay.talk is not None else moved_on, moved_on)
        else:
            wait += (until - stay.entered).total_seconds()
    return wait, talk, bool(earlier)


def _dialled(call: _Call, team: str, setup: CallImportSetup) -> str:
    if call.did:
        return call.did
    for stay in call.stays:
        target = setup.plan.number(stay.transferred_to or "")
        if target is not None and target.team == team and stay.transferred_to:
            return stay.transferred_to
    # A queue call not transferred came in on a team line; if there is one, it was that.
    return setup.plan.only_team_line(team) or ""


def _queued_record(call: _Call, stay: _Stay, setup: CallImportSetup) -> CallRecord | None:
    team = stay.target.team
    assert team is not None
    if setup.team is not None and team != setup.team:
        return None
    earlier_wait, earlier_talk, via_switchboard = _earlier_part(call, stay.entered)
    later = [s for s in call.stays if s.entered > stay.entered and s is not stay]
    answered = stay.connected
    if answered is not None:
        moved = next((s for s in later if s.entered >= answered), None)
        transferred = stay.transferred or moved is not None
        outcome = Outcome.TRANSFERRED if transferred else Outcome.ANSWERED
        ended = stay.left or (moved.entered if moved else None)
        talk = float(stay.talk) if stay.talk is not None else None
        if talk is None and ended is not None:
            talk = (ended - answered).total_seconds()
        wait = float(stay.hold)
    else:
        outcome = stay.exit_outcome or Outcome.FAILED
        ended = stay.left
        talk = 0.0
        wait = float(stay.wait) if stay.wait is not None else 0.0
    started = min(s.entered for s in call.stays) if call.stays else stay.entered
    return CallRecord(
        linked_id=call.callid,
        team=team,
        line_kind=LineKind.SWITCHBOARD if via_switchboard else LineKind.TEAM_LINE,
        dialled=_dialled(call, team, setup),
        caller=setup.pseudonyms.caller(call.caller),
        started=started,
        outcome=outcome,
        in_hours=setup.calendar.in_hours(team, stay.entered),
        answered=answered,
        ended=ended,
        wait_seconds=earlier_wait + wait,
        talk_seconds=earlier_talk + (talk or 0.0),
        answered_by=setup.pseudonyms.member(stay.member) if answered is not None else None,
        pilot=setup.calendar.pilot(team, stay.entered),
        complete=ended is not None,
        inbound_id=call.callid,
    )


def _announcement_record(call: _Call, setup: CallImportSetup) -> CallRecord | None:
    """A switchboard call transferred to a team line that never reached the team's queue."""
    for stay in call.stays:
        if not stay.transferred or stay.transferred_to is None or stay.left is None:
            continue
        target = setup.plan.number(stay.transferred_to)
        if target is None or target.team is None or target.kind is not LineKind.TEAM_LINE:
            continue
        if setup.team is not None and target.team != setup.team:
            return None
        earlier_wait, earlier_talk, _ = _earlier_part(call, stay.left)
        return CallRecord(
            linked_id=call.callid,
            team=target.team,
            line_kind=LineKind.SWITCHBOARD,
            dialled=stay.transferred_to,
            caller=setup.pseudonyms.caller(call.caller),
            started=min(s.entered for s in call.stays),
            outcome=Outcome.ANNOUNCEMENT,
            in_hours=setup.calendar.in_hours(target.team, stay.left),
            wait_seconds=earlier_wait,
            talk_seconds=earlier_talk,
            pilot=setup.calendar.pilot(target.team, stay.left),
            complete=False,  # the announcement's end is not in the queue_log
            inbound_id=call.callid,
        )
    return None


def parse_queue_log(path: Path, setup: CallImportSetup) -> ParsedCalls:
    """Validate the whole file and build its queue calls' records; ImportFailed if not."""
    problems = ProblemList(display_name(path))
    lines, read, foreign = _parse_lines(path, setup, problems)
    parsed = ParsedCalls(read=read, ignored=foreign)
    for call in _collect(lines, setup):
        record = _record(call, setup)
        if record is None:
            parsed.ignored += 1
        else:
            parsed.records.append(record)
    parsed.records.sort(key=lambda r: (r.started, r.linked_id))
    return parsed
