"""100,000 fuzzed AMI frames interleaved with real traffic: no crash, no lost call.

After every event the simulated Asterisk publishes, a few garbage frames follow on the same
AMI connection: real events mutated (headers dropped, renamed, values and timestamps
corrupted, event names changed, lines without colon, bare LF line ends), responses and list
items for actions nobody sent, random bytes, and now and then a line over 64 KiB or a frame
over 1 MiB. Garbage derived from a real event always carries fresh linked/unique ids: a
frame with a real call's id and valid fields would not be garbage but a (duplicate) event.

The oracle is a second tracker fed with the clean stream (the simulator's events through the
same parser and translation): the records in the database must equal its records, field by
field, and the AMI connection must never have been dropped.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import datetime
from pathlib import Path

from support import (
    BERLIN,
    FAMILY,
    HEARTBEAT,
    CallLedger,
    LoginWatch,
    collect,
    drain,
    example_settings,
    fast_profile,
    ledger_of,
    make_simulator,
    settings_for,
    stored_records,
    wait_for,
)

from callcenter.bootstrap import Service
from callcenter.clock import Clock
from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.calls import CallRecord
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.messages import AmiEvent
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import translate
from callcenter.privacy import load_or_create_key
from callcenter.simulator import SimClock, Simulator, TrafficGenerator, schedule_fallback
from callcenter.simulator.wire import SimEvent
from callcenter.storage.store import open_store
from callcenter.usecases.schedule import seed_from_settings

START = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)  # Monday: every team open
SPEED = 30.0
CALLS_PER_HOUR = 600.0
GARBAGE = 100_000
PER_EVENT = 40  # garbage frames after each real event
BACKLOG = 1 << 20

_JUNK_STAMPS = ("abc", "nan", "inf", "-inf", "-1", "1e400", "", "1795250711.1.1", "0x1f", "٣٤")
_JUNK_NAMES = (b"", b" ", b"Bad Header", b"Tab\there", b"\x00\x01", b"\xff\xfe", b"\xc3\xa4", b":")
_EVENT_NAMES = ("", "Hangup ", "newchannel", "UserEvent\x00", "X" * 300, "Cdr", "VarSet", "DialEnd")
_ID_KEYS = ("uniqueid", "linkedid")


def _is_id(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _ID_KEYS)


class Fuzzer:
    """Seeded garbage frames, each ending with exactly one frame boundary."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self.kinds: Counter[str] = Counter()
        self._makers = (
            ("drop", 6, self._drop),
            ("value", 6, self._value),
            ("name", 4, self._name),
            ("colonless", 4, self._colonless),
            ("stamp", 4, self._stamp),
            ("event", 4, self._event),
            ("bare-lf", 2, self._bare_lf),
            ("response", 3, self._response),
            ("list", 2, self._list_item),
            ("bytes", 4, self._bytes),
            ("repeated", 1, self._repeated),
        )
        self._weights = [weight for _kind, weight, _maker in self._makers]
        self._encoded: list[tuple[bytes, bytes, bool]] = []

    def frames(self, base: SimEvent, count: int) -> bytes:
        self._encoded = [(k.encode(), v.encode(), _is_id(k)) for k, v in base.headers]
        return b"".join(self.frame(base) for _ in range(count))

    def frame(self, base: SimEvent) -> bytes:
        self.count += 1
        if self.count % 40_000 == 0:
            kind, body = "giant-frame", b"Event: Giant\r\nData: " + b"g" * (1 << 20) + b"\r\nX: y"
        elif self.count % 5_000 == 0:
            kind, body = "giant-line", b"Event: Long\r\nData: " + b"l" * 70_000
        else:
            kind, _weight, maker = self.rng.choices(self._makers, self._weights)[0]
            body = maker(base)
        self.kinds[kind] += 1
        # A trailing CR/LF would run into the next frame's first line: frame boundaries
        # themselves are not what is fuzzed here (a real PBX never breaks them).
        return (body.rstrip(b"\r\n") or b"x") + b"\r\n\r\n"

    # -- frames derived from the real event ---------------------------------------------

    def _headers(self, _base: SimEvent) -> list[tuple[bytes, bytes]]:
        fresh = b"fz%d." % self.count
        return [(key, fresh + key if is_id else value) for key, value, is_id in self._encoded]

    @staticmethod
    def _join(headers: list[tuple[bytes, bytes]], sep: bytes = b"\r\n") -> bytes:
        return sep.join(key + b": " + value for key, value in headers)

    def _junk(self) -> bytes:
        return self.rng.randbytes(self.rng.choice((0, 1, 5, 40, 300, 2000)))

    def _drop(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        keep = [h for h in headers if self.rng.random() < 0.6]
        return self._join(keep)

    def _value(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        index = self.rng.randrange(len(headers))
        key = headers[index][0]
        if not _is_id(key.decode("latin-1")):  # ids stay unique: equal junk ids would make calls
            headers[index] = (key, self._junk().replace(b"\r\n", b""))
        return self._join(headers)

    def _name(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        index = self.rng.randrange(len(headers))
        headers[index] = (self.rng.choice(_JUNK_NAMES), headers[index][1])
        return self._join(headers)

    def _colonless(self, base: SimEvent) -> bytes:
        headers = self._join(self._headers(base)).split(b"\r\n")
        headers.insert(self.rng.randrange(len(headers) + 1), b"this line has no colon")
        return b"\r\n".join(headers)

    def _stamp(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        junk = self.rng.choice(_JUNK_STAMPS).encode()
        return self._join([(k, junk if k == b"Timestamp" else v) for k, v in headers])

    def _event(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        if self.rng.random() < 0.3:
            return self._join(headers[1:])  # no Event header: neither event nor response
        name = self.rng.choice(_EVENT_NAMES).encode()
        return self._join([(b"Event", name), *headers[1:]])

    def _bare_lf(self, base: SimEvent) -> bytes:
        return self._join(self._headers(base), sep=b"\n")

    def _response(self, _base: SimEvent) -> bytes:
        status = self.rng.choice((b"Success", b"Error", b"Follows", b"Goodbye", b""))
        action = f"fz-{self.count}".encode()
        return b"Response: " + status + b"\r\nActionID: " + action + b"\r\nMessage: " + self._junk()

    def _list_item(self, _base: SimEvent) -> bytes:
        action = f"fz-{self.count}".encode()
        return (
            b"Event: CoreShowChannelsComplete\r\nActionID: " + action + b"\r\nEventList: "
            b"Complete\r\nListItems: " + self.rng.choice((b"3", b"-1", b"x", b""))
        )

    def _bytes(self, _base: SimEvent) -> bytes:
        return self._junk()

    def _repeated(self, base: SimEvent) -> bytes:
        headers = self._headers(base)
        return self._join(headers + [headers[-1]] * self.rng.randrange(20, 120))


class GarbageInjector:
    """After each real event, `PER_EVENT` garbage frames to every session that takes events,
    until `GARBAGE` frames went out.

    Not while more than `BACKLOG` bytes wait in a session's send buffer: like Asterisk,
    which stops writing to an AMI client that does not read, the garbage must not pile up
    megabytes ahead of the client (its Ping would then time out and drop the connection,
    which is the watchdog working, not what this test is about)."""

    def __init__(self, sim: Simulator, fuzzer: Fuzzer) -> None:
        self.sim = sim
        self.fuzzer = fuzzer
        self.sent = 0
        sim.pbx.subscribe(self._after_event)  # after the AMI server's own listener

    def _after_event(self, event: SimEvent) -> None:
        if self.sent >= GARBAGE:
            return
        sessions = [s for s in self.sim.server.sessions if s.logged_in and s.events]
        if not sessions or any(
            s.writer.transport.get_write_buffer_size() > BACKLOG for s in sessions
        ):
            return
        count = min(PER_EVENT, GARBAGE - self.sent)
        data = self.fuzzer.frames(event, count)
        for session in sessions:
            session.send(data)
        self.sent += count


class CleanTracker:
    """The oracle: the simulator's clean event stream through parser, translation, tracker."""

    def __init__(self, sim: Simulator, key: bytes, office: Office, clock: Clock) -> None:
        self.parser = FrameParser(expect_banner=False)
        self.tracker = CallTracker(Pseudonymizer(key), OfficeCalendar(office))
        self.clock = clock
        self.records: dict[str, CallRecord] = {}
        self.twice: list[str] = []
        sim.pbx.subscribe(self._on_event)

    def _on_event(self, event: SimEvent) -> None:
        for message in self.parser.feed(event.encode()):
            if not isinstance(message, AmiEvent):
                continue
            translated = translate(message, self.clock.now())
            if translated is None:
                continue
            for record in self.tracker.feed(translated):
                if record.linked_id in self.records:
                    self.twice.append(record.linked_id)
                self.records[record.linked_id] = record


async def test_fuzzed_frames_between_real_events_lose_no_call(
    tmp_path: Path, sounds_dir: Path
) -> None:
    clock = SimClock(START, speed=SPEED)
    base = example_settings(tmp_path)
    store = open_store(base)
    seed_from_settings(store, "test", clock.now())
    office = store.office()
    store.close()
    profile = fast_profile(base, office, CALLS_PER_HOUR)
    sim = make_simulator(base, profile, clock, schedule_fallback(office), seed=5)
    logins = LoginWatch(sim)
    truth = ledger_of(sim)
    await sim.start()
    settings = settings_for(tmp_path, sim.port, sounds_dir=sounds_dir)
    service = Service(settings, clock=clock)
    markers = CallLedger()
    tasks: list[asyncio.Task[None]] = []
    try:
        await service.start()
        assert service.ami is not None
        tasks.append(asyncio.create_task(collect(service.ami.subscribe(["UserEvent"]), markers)))
        await wait_for(lambda: sim.pbx.db.get(FAMILY, HEARTBEAT) is not None, 10, "heartbeat")
        oracle = CleanTracker(sim, load_or_create_key(settings.key_file), office, clock)
        injector = GarbageInjector(sim, Fuzzer(seed=2026))
        generator = asyncio.create_task(TrafficGenerator(sim.pbx, profile, seed=5).run())
        tasks.append(generator)
        await wait_for(lambda: injector.sent >= GARBAGE, 60, f"{GARBAGE} garbage frames sent")
        generator.cancel()
        await asyncio.gather(generator, return_exceptions=True)
        await asyncio.wait_for(sim.pbx.wait_idle(), timeout=30)
        await drain(sim, markers, timeout=30)
        # Still alive, on the very first connection: no frame cost the session.
        assert service.ami.connected
        assert len(logins.times) == 1
        stats = service.ami.parser_stats
        assert stats is not None
        assert stats.malformed > 1_000
        assert stats.oversize >= 2
        assert all(not task.done() for task in tasks[:1])
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.stop()
        await sim.stop()
    records = stored_records(settings.database_url)

    assert injector.sent == GARBAGE
    assert oracle.twice == []
    assert oracle.tracker.open_count == 0
    team_calls = truth.team_calls()
    assert len(team_calls) >= 50
    assert set(oracle.records) == set(team_calls)
    assert set(records) == set(oracle.records), "calls lost or invented under garbage"
    different = [lid for lid in records if records[lid] != oracle.records[lid]]
    assert different == [], f"records differ from the clean stream's: {different[:5]}"
    assert all(record.complete for record in records.values())
    assert service.records_emitted == len(records)
