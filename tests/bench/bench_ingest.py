"""End-to-end ingest: AMI bytes -> FrameParser -> translate -> CallTracker -> CallRecordWriter
(batched transactions into SQLite), beside the raw-parse baseline on the same bytes.

Run with `make bench` or `.venv/bin/python -m pytest tests/bench/bench_ingest.py -s`.

The bytes are the real frames of every trace in tests/fixtures/asterisk22 (all their events, the
noise included: VarSet, Newexten, CEL, device states), copied many times with distinct
unique/linked ids and interleaved in time, so that dozens of calls are up at once. A pool
of copies is built once; each round stamps its number into the ids (one `bytes.replace`,
not timed), so every call of the run is a new call.

Timed, until 10,000 calls are recorded: blocks of rounds, first through the parser alone,
then through the whole pipeline until the writer has committed everything (events/s,
calls/s, and their ratio: target >= 0.5). Memory: RSS and the number of GC-tracked
objects after 10,000 and after 50,000 recorded calls, and the Python memory still held
per call over the last stretch (tracemalloc, not timed): flat in the number of finished
calls. Only correctness is asserted (every call recorded once); the figures are printed.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import os
import re
import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from recordings import ASTERISK22
from sqlalchemy import func, select

from callcenter.domain.call_calendar import OfficeCalendar
from callcenter.domain.pseudonym import Pseudonymizer
from callcenter.domain.schedule import Office, Pilot, Team, windows_from_spec
from callcenter.domain.tracker import CallTracker
from callcenter.pbx.ami.protocol import FrameParser
from callcenter.pbx.translate import translate_all
from callcenter.storage.call_writer import CallRecordWriter
from callcenter.storage.database import make_engine, session_scope, upgrade
from callcenter.storage.models import CallRecordRow

REPO = Path(__file__).resolve().parents[2]
TRACES = ASTERISK22
MARK = b"~~~~~~"  # replaced by the round number: six bytes either way
COPIES = 16  # copies of every trace in the pool
SPACING = 0.7  # seconds between the starts of two copies of one trace
CHUNK = 65536
CHECKPOINTS = (10_000, 50_000)  # finished calls
BLOCK = 3  # rounds per timed block
TRACED_CALLS = 2000  # the stretch before the last checkpoint that runs under tracemalloc
RECEIVED = datetime(2000, 1, 1, tzinfo=UTC)  # every call event of the traces has a Timestamp
_ID_HEADER = re.compile(rb"^([A-Za-z]*(?:uniqueid|linkedid)): (.+)$", re.IGNORECASE)
_TIMESTAMP = re.compile(rb"^Timestamp: (\d+\.\d+)$")

OFFICE = Office(
    ZoneInfo("Europe/Berlin"),
    holidays.Germany(subdiv="HE"),  # type: ignore[attr-defined,unused-ignore]
    (Team("auslaender-a", "Team A", windows=windows_from_spec("Mo-Do 09:00-12:00")),),
    pilots=(Pilot("auslaender-a", date(2026, 11, 1), date(2026, 12, 31)),),
)


# --- the byte stream ---------------------------------------------------------------------


def trace_frames(path: Path) -> list[tuple[float, list[bytes]]]:
    """Every event frame of a trace as (timestamp, header lines); untimed frames take the
    previous one's time, so they keep their place."""
    body = path.read_bytes().partition(b"\r\n")[2]
    frames: list[tuple[float, list[bytes]]] = []
    at = 0.0
    for frame in body.split(b"\r\n\r\n"):
        if not frame.startswith(b"Event: "):
            continue  # responses to the recording's own actions
        lines = frame.split(b"\r\n")
        for line in lines:
            stamp = _TIMESTAMP.match(line)
            if stamp:
                at = float(stamp.group(1))
        frames.append((at, lines))
    return frames


def copy_frame(lines: list[bytes], copy: int, shift: float) -> bytes:
    """The frame with its ids made this copy's (and the round's, via MARK), time shifted."""
    out = []
    suffix = b"-" + MARK + b"%04d" % copy
    for line in lines:
        ident = _ID_HEADER.match(line)
        if ident and ident.group(2) not in (b"none", b""):
            out.append(ident.group(1) + b": " + ident.group(2) + suffix)
            continue
        stamp = _TIMESTAMP.match(line)
        if stamp:
            out.append(b"Timestamp: %.6f" % (float(stamp.group(1)) + shift))
            continue
        out.append(line)
    return b"\r\n".join(out) + b"\r\n\r\n"


# Recordings whose calls never end in them: 019 stops Asterisk mid-call (its calls end only
# in 019b, on a new connection). Copied into the pool they would stay open for good.
WITHOUT_ENDS = frozenset({"019_restart_midcall.ami"})


def build_pool() -> bytes:
    """COPIES copies of every trace, each copy started SPACING s after the previous one
    (traces in turn), all merged by time."""
    traces = [
        trace_frames(p)
        for p in sorted((TRACES / "traces").glob("*.ami"))
        if p.name not in WITHOUT_ENDS
    ]
    traces = [t for t in traces if t]
    streams = []
    copy = 0
    for round_robin in range(COPIES):
        for index, frames in enumerate(traces):
            start = (round_robin * len(traces) + index) * SPACING
            shift = start - frames[0][0]
            streams.append([(at + shift, copy, i, lines) for i, (at, lines) in enumerate(frames)])
            copy += 1
    merged = heapq.merge(*streams, key=lambda item: (item[0], item[1], item[2]))
    return b"".join(copy_frame(lines, c, at - lines_at(lines)) for at, c, _i, lines in merged)


def lines_at(lines: list[bytes]) -> float:
    for line in lines:
        stamp = _TIMESTAMP.match(line)
        if stamp:
            return float(stamp.group(1))
    return 0.0


def round_bytes(pool: bytes, number: int) -> bytes:
    return pool.replace(MARK, b"%06d" % number)


# --- the two measured paths --------------------------------------------------------------


def parse_only(data: bytes) -> tuple[float, int]:
    parser = FrameParser(expect_banner=False)
    count = 0
    began = time.perf_counter()
    for offset in range(0, len(data), CHUNK):
        count += len(parser.feed(data[offset : offset + CHUNK]))
    return time.perf_counter() - began, count


@dataclass
class Pipeline:
    tracker: CallTracker
    writer: CallRecordWriter
    events: int = 0
    records: int = 0
    most_open: int = 0  # calls up at once (seen at chunk boundaries)

    async def ingest(self, data: bytes) -> None:
        """One round's bytes, chunk by chunk as a socket would deliver them."""
        parser = FrameParser(expect_banner=False)
        feed = self.tracker.feed
        submit = self.writer.submit
        for offset in range(0, len(data), CHUNK):
            messages = parser.feed(data[offset : offset + CHUNK])
            self.events += len(messages)
            for event in translate_all(messages, RECEIVED):  # type: ignore[arg-type]
                for record in feed(event):
                    self.records += 1
                    await submit(record)
            self.most_open = max(self.most_open, self.tracker.open_count)
            await asyncio.sleep(0)  # a socket read would yield here too: the writer runs


def rss_mib() -> tuple[float, float]:
    """(current, peak) resident set size of this process."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    current = pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Checkpoint:
    calls: int
    rss: float
    peak_rss: float
    objects: int  # objects the garbage collector tracks (every tracker state is one)
    open_calls: int


def checkpoint(pipeline: Pipeline) -> Checkpoint:
    gc.collect()
    current, peak = rss_mib()
    return Checkpoint(
        pipeline.records, current, peak, len(gc.get_objects()), pipeline.tracker.open_count
    )


@dataclass
class Figures:
    pool_mib: float
    parse: list[float]  # events/s per timed round, the parser alone
    ingest: list[float]  # events/s per timed round, the whole pipeline
    calls: list[float]  # records/s per timed round
    events_per_call: float
    checkpoints: list[Checkpoint]
    most_open: int
    traced_calls: int
    growth_per_call: float  # bytes still allocated per call finished in a traced stretch


async def drained(writer: CallRecordWriter) -> None:
    while writer.stats().queued:
        await asyncio.sleep(0.001)


async def run(tmp: Path) -> Figures:
    pool = build_pool()
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    # A partial batch waits max_delay for more records; at the end of a timed block that
    # wait would be idle time. Under load batches fill while the last one is written.
    writer = CallRecordWriter(engine, tmp / "spool" / "calls.jsonl", max_delay=0.05)
    await writer.start()
    tracker = CallTracker(Pseudonymizer(bytes(range(32))), OfficeCalendar(OFFICE))
    pipeline = Pipeline(tracker, writer)
    parse: list[float] = []
    ingest: list[float] = []
    calls: list[float] = []
    checkpoints: list[Checkpoint] = []
    number = 0
    # Timed: blocks of rounds, the parser alone then the pipeline on the same bytes.
    while pipeline.records < CHECKPOINTS[0]:
        block = [round_bytes(pool, number + i) for i in range(BLOCK)]
        number += BLOCK
        parsed = took = 0.0
        for data in block:
            elapsed, count = parse_only(data)
            parsed, took = parsed + count, took + elapsed
        parse.append(parsed / took)
        events, records = pipeline.events, pipeline.records
        began = time.perf_counter()
        for data in block:
            await pipeline.ingest(data)
        await drained(writer)
        elapsed = time.perf_counter() - began
        ingest.append((pipeline.events - events) / elapsed)
        calls.append((pipeline.records - records) / elapsed)
        assert tracker.open_count == 0, "every call of the traces ends in the trace"
    checkpoints.append(checkpoint(pipeline))
    # Untimed, on to the second checkpoint; the last stretch under tracemalloc.
    traced_from: tuple[int, int] | None = None
    while pipeline.records < CHECKPOINTS[-1]:
        if traced_from is None and pipeline.records + TRACED_CALLS >= CHECKPOINTS[-1]:
            await drained(writer)
            gc.collect()
            tracemalloc.start()
            traced_from = (tracemalloc.get_traced_memory()[0], pipeline.records)
        await pipeline.ingest(round_bytes(pool, number))
        number += 1
    await drained(writer)
    gc.collect()
    assert traced_from is not None
    held = tracemalloc.get_traced_memory()[0] - traced_from[0]
    tracemalloc.stop()
    checkpoints.append(checkpoint(pipeline))
    await writer.close()
    with session_scope(engine) as session:
        stored = session.scalar(select(func.count()).select_from(CallRecordRow))
    engine.dispose()
    assert stored == pipeline.records, "every record committed once"
    assert writer.stats().duplicates == 0
    return Figures(
        len(pool) / 2**20,
        parse,
        ingest,
        calls,
        pipeline.events / pipeline.records,
        checkpoints,
        pipeline.most_open,
        pipeline.records - traced_from[1],
        held / (pipeline.records - traced_from[1]),
    )


@pytest.mark.timeout(900)
def test_ingest_throughput(tmp_path: Path) -> None:
    figures = asyncio.run(run(tmp_path))
    ratios = [i / p for i, p in zip(figures.ingest, figures.parse, strict=True)]  # per block
    best_parse, best_ingest = max(figures.parse), max(figures.ingest)
    print(
        f"\nIngest of real Asterisk 22 frames (every trace event, a {figures.pool_mib:.0f} MiB "
        f"pool per round, {figures.events_per_call:.0f} events per recorded call, up to "
        f"{figures.most_open} calls at once), "
        f"{len(figures.parse)} blocks of {BLOCK} rounds, best (median):"
    )
    print(
        f"  FrameParser alone             {best_parse:>9,.0f} events/s "
        f"({statistics.median(figures.parse):,.0f})"
    )
    print(
        f"  parse+translate+track+SQLite  {best_ingest:>9,.0f} events/s "
        f"({statistics.median(figures.ingest):,.0f}), {max(figures.calls):,.0f} calls/s "
        f"({statistics.median(figures.calls):,.0f})"
    )
    print(
        f"  ingest / raw parse: best/best {best_ingest / best_parse:.2f}, median of the "
        f"blocks {statistics.median(ratios):.2f} (target >= 0.50)"
    )
    for point in figures.checkpoints:
        print(
            f"  after {point.calls:>6,} calls: RSS {point.rss:.0f} MiB (peak {point.peak_rss:.0f}),"
            f" {point.objects:,} GC-tracked objects, {point.open_calls} calls open"
        )
    print(
        f"  Python memory held after the last {figures.traced_calls:,} calls that was not before "
        f"them (tracemalloc): {figures.growth_per_call * figures.traced_calls / 1024:.0f} KiB, "
        f"{figures.growth_per_call:.0f} bytes per call"
    )
