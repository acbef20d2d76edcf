"""Durable call-record writes: a bounded queue, batched transactions, a spool for outages.

The tracker hands finished records to `CallRecordWriter.submit`. One background task
takes them in batches and writes each batch in one transaction (idempotent on the linked
id). While the database is unavailable, batches go to a local spool file (fsync'd), and
the task replays the spool, in order, once the database answers again. While the spool
is not empty, new batches are appended behind it rather than written directly, so the
database receives records in the order they were finished.

A record the database refuses (bad data, not an outage) is isolated by splitting its
batch and goes to the rejected file with the reason; the rest of the batch still lands.

Every record taken from the queue ends up in the database, the spool or the rejected
file, also when the task is cancelled or dies. A record may be *written* twice (a spooled
batch whose commit the database did make before the connection broke); the linked-id
idempotency makes that harmless, so nothing is *stored* twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, StatementError

from callcenter.domain.calls import CallRecord
from callcenter.storage.call_repository import CallRecordRepository
from callcenter.storage.database import make_sessionmaker, session_scope
from callcenter.storage.errors import RejectedRecords, StorageError
from callcenter.storage.spool import RejectedFile, Spool

logger = logging.getLogger(__name__)


class WriterClosed(StorageError):
    """A record submitted after `close()` began."""


@dataclass(frozen=True)
class WriterStats:
    """A snapshot for health checks and metrics."""

    queued: int  # in the queue or in the batch being written
    written: int  # new rows committed by this writer
    duplicates: int  # records the database already held (resubmissions, replays)
    spooled: int  # records in the spool file, waiting for the database
    rejected: int  # records (or unreadable spool lines) sent to the rejected file
    batches: int  # transactions committed
    database_available: bool
    last_error: str | None


@dataclass
class _Tally:
    written: int = 0
    duplicates: int = 0
    rejected: int = 0
    batches: int = 0

    def add(self, other: _Tally) -> None:
        self.written += other.written
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.batches += other.batches


def _is_refusal(exc: BaseException) -> bool:
    """Bad data, which retrying cannot fix (as opposed to an unavailable database)."""
    if isinstance(exc, RejectedRecords):
        return True
    # A StatementError that is not a DBAPIError failed in our own value conversion,
    # before anything reached the database.
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


# PostgreSQL's serialization_failure and deadlock_detected: another writer's transaction
# (a second `serve` on the same database) won a lock race; the same batch succeeds when
# simply tried again, so it is retried at once instead of being treated as an outage.
_CONFLICT_STATES = frozenset({"40001", "40P01"})
CONFLICT_RETRIES = 5


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _CONFLICT_STATES


def _describe(exc: BaseException) -> str:
    if isinstance(exc, StorageError):
        return exc.en
    text = str(exc.orig) if isinstance(exc, DBAPIError) and exc.orig is not None else str(exc)
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__


class CallRecordWriter:
    """Writes call records to the database in batches, spooling them during outages.

    Use `async with writer:` or `await start()` … `await close()`.

    `submit` awaits only when `queue_size` records are waiting (backpressure: the
    caller, the AMI event pump, slows down instead of records being dropped). The queue
    is full only when the database is slow *and* the spool cannot keep up, since during
    an outage batches leave the queue for the spool as fast as the disk allows.
    """

    def __init__(
        self,
        engine: Engine,
        spool_path: Path,
        *,
        batch_size: int = 200,
        max_delay: float = 0.5,
        queue_size: int = 10_000,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
        rejected_path: Path | None = None,
    ) -> None:
        if batch_size < 1 or queue_size < 1:
            raise ValueError("batch_size and queue_size must be positive")
        if max_delay < 0 or retry_seconds <= 0 or max_retry_seconds < retry_seconds:
            raise ValueError("need max_delay >= 0 and 0 < retry_seconds <= max_retry_seconds")
        self._sessions = make_sessionmaker(engine)
        spool_path = Path(spool_path)
        self.rejected = RejectedFile(
            rejected_path or spool_path.with_name(spool_path.name + ".rejected")
        )
        self.spool = Spool(spool_path, self.rejected)
        self._batch_size = batch_size
        self._max_delay = max_delay
        self._queue: asyncio.Queue[CallRecord] = asyncio.Queue(queue_size)
        self._in_hand: list[CallRecord] = []  # taken from the queue, not yet settled
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._tally = _Tally()
        self._available = True
        self._last_error: str | None = None
        self._retry_initial = retry_seconds
        self._retry_maximum = max_retry_seconds
        self._retry_delay = retry_seconds
        self._retry_at = 0.0  # loop time of the next spool replay; 0: at once (start-up)

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def retry_max_seconds(self) -> float:
        """The longest wait between two attempts to reach the database again."""
        return self._retry_maximum

    async def start(self) -> None:
        """Open the spool (a left-over one is replayed first) and start the writer task."""
        if self._task is not None:
            raise RuntimeError("CallRecordWriter already started")
        await asyncio.to_thread(self.spool.open)
        self._task = asyncio.create_task(self._run(), name="call-record-writer")
        self._task.add_done_callback(self._log_death)

    async def close(self, timeout: float | None = None) -> None:
        """Stop taking records, flush the queue (to the database or the spool), try one
        last spool replay, and end the task. After `timeout` seconds the task is
        cancelled; what it still held is then spooled synchronously.
        """
        self._closing.set()
        task = self._task
        if task is None:
            # Never started: nothing drains the queue, so keep its records in the spool.
            await asyncio.to_thread(self.spool.open)
            self._rescue()
            return
        try:
            # asyncio.wait, not wait_for: a task that died has been logged by _log_death
            # already, and shutdown should go on rather than raise it a second time.
            await asyncio.wait({task}, timeout=timeout)
        finally:
            if not task.done():
                logger.warning("Call-record writer did not finish in %s s; cancelling", timeout)
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def __aenter__(self) -> CallRecordWriter:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # --- input --------------------------------------------------------------------------

    async def submit(self, record: CallRecord) -> None:
        """Queue a record; waits only while the queue is full (never drops)."""
        self._refuse_if_closing(record)
        await self._queue.put(record)

    def submit_nowait(self, record: CallRecord) -> None:
        """Queue a record; raises asyncio.QueueFull instead of waiting (never drops)."""
        self._refuse_if_closing(record)
        self._queue.put_nowait(record)

    def _refuse_if_closing(self, record: CallRecord) -> None:
        if self._closing.is_set():
            raise WriterClosed(
                f"Anruf {record.linked_id}: der Schreiber für Anrufdatensätze ist beendet",
                f"call {record.linked_id}: the call-record writer is closed",
            )

    def stats(self) -> WriterStats:
        return WriterStats(
            queued=self._queue.qsize() + len(self._in_hand),
            written=self._tally.written,
            duplicates=self._tally.duplicates,
            spooled=self.spool.depth,
            rejected=self._tally.rejected + self.spool.unreadable,
            batches=self._tally.batches,
            database_available=self._available,
            last_error=self._last_error,
        )

    # --- the task -----------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                if self.spool.depth and loop.time() >= self._retry_at:
                    await self._replay()
                wait = max(0.0, self._retry_at - loop.time()) if self.spool.depth else None
                if await self._take_batch(wait):
                    await self._store()
                elif self._closing.is_set() and self._queue.empty():
                    break
            if self.spool.depth:
                await self._replay()  # the last chance before the process ends
        except BaseException:
            self._rescue()
            raise

    async def _take_batch(self, wait: float | None) -> bool:
        """Fill `_in_hand` with up to batch_size records, waiting at most max_delay after
        the first; `wait` bounds the wait for the first one. True if any were taken.
        """
        first = await self._next(wait)
        if first is None:
            return False
        self._in_hand.append(first)
        deadline = asyncio.get_running_loop().time() + self._max_delay
        while len(self._in_hand) < self._batch_size:
            if not self._queue.empty():
                self._in_hand.append(self._queue.get_nowait())
                continue
            remaining = deadline - asyncio.get_running_loop().time()
            if self._closing.is_set() or remaining <= 0:
                break
            record = await self._next(remaining)
            if record is None:
                break
            self._in_hand.append(record)
        return True

    async def _next(self, wait: float | None) -> CallRecord | None:
        """The next record, or None after `wait` seconds or once closing with none left."""
        if not self._queue.empty():
            return self._queue.get_nowait()
        if self._closing.is_set():
            return None
        getter = asyncio.ensure_future(self._queue.get())
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({getter, closing}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Cancelling a pending Queue.get leaves its item in the queue; a getter that
            # finished first keeps its result, read below.
            getter.cancel()
            closing.cancel()
            await asyncio.gather(getter, closing, return_exceptions=True)
        if getter.cancelled():
            return None
        return getter.result()

    async def _store(self) -> None:
        batch = list(self._in_hand)
        if not self.spool.depth:
            tally = _Tally()
            try:
                await asyncio.to_thread(self._write_into, tally, batch)
            except Exception as exc:
                # Part of the batch may be committed (a refusal being bisected); spooling
                # all of it is still right, the replay skips what is stored.
                self._tally.add(tally)
                self._database_down(exc)
            else:
                self._database_up(tally)
                self._in_hand.clear()
                return
        await self._spill(batch)
        self._in_hand.clear()

    async def _spill(self, batch: list[CallRecord]) -> None:
        """Append to the spool, retrying until the disk takes it: the records are in no
        other durable place, and while we retry the full queue holds the caller back.
        """
        delay = self._retry_initial
        while True:
            try:
                await asyncio.to_thread(self.spool.append, batch)
                return
            except OSError:
                logger.exception(
                    "Cannot append %d call records to the spool %s; retrying in %.1f s",
                    len(batch),
                    self.spool.path,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_maximum)

    async def _replay(self) -> None:
        tally = _Tally()
        try:
            result = await asyncio.to_thread(
                self.spool.replay, partial(self._write_into, tally), self._batch_size
            )
        except Exception as exc:
            self._tally.add(tally)
            self._database_down(exc)
            return
        self._database_up(tally)
        logger.info(
            "Replayed %d call records from the spool %s (%d left)",
            result.replayed,
            self.spool.path,
            self.spool.depth,
        )

    def _rescue(self) -> None:
        """Spool, synchronously, whatever the task held or the queue still has."""
        pending = list(self._in_hand)
        while not self._queue.empty():
            pending.append(self._queue.get_nowait())
        self._in_hand.clear()
        if not pending:
            return
        try:
            self.spool.append(pending)
            logger.warning("Spooled %d call records the writer still held", len(pending))
        except OSError:
            logger.critical(
                "LOST %d call records (spool %s not writable): %s",
                len(pending),
                self.spool.path,
                ", ".join(record.linked_id for record in pending),
                exc_info=True,
            )

    def _log_death(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "Call-record writer task failed; records are kept in the spool %s",
                self.spool.path,
                exc_info=task.exception(),
            )

    # --- outage bookkeeping -------------------------------------------------------------

    def _database_down(self, exc: Exception) -> None:
        self._last_error = _describe(exc)
        delay = self._retry_delay
        self._retry_at = asyncio.get_running_loop().time() + delay
        self._retry_delay = min(delay * 2, self._retry_maximum)
        if not self._available:
            logger.debug("Database still unavailable (%s); next try in %.1f s", exc, delay)
            return
        self._available = False
        if isinstance(exc, DBAPIError):
            logger.warning(
                "Database unavailable (%s); spooling call records to %s",
                self._last_error,
                self.spool.path,
            )
        else:
            # Not a database error: possibly our bug. Spooling still keeps every record.
            logger.error(
                "Writing call records failed; spooling them to %s",
                self.spool.path,
                exc_info=exc,
            )

    def _database_up(self, tally: _Tally) -> None:
        self._tally.add(tally)
        if not self._available:
            logger.info("Database available again")
        self._available = True
        self._retry_delay = self._retry_initial

    # --- synchronous, in a worker thread ------------------------------------------------

    def _write_into(self, tally: _Tally, records: list[CallRecord]) -> None:
        """Commit the records (one transaction unless some are refused) and count them
        into `tally`; raises if the database is unavailable, leaving the rejected file
        untouched (the records will be retried from the spool).
        """
        written_before = tally.written
        refused = self._write_isolating(records, tally)
        if refused:
            self.rejected.add_records(refused)
            for record, reason in refused:
                logger.warning(
                    "Call record %s refused by the database, kept in %s: %s",
                    record.linked_id,
                    self.rejected.path,
                    reason,
                )
        tally.rejected += len(refused)
        tally.duplicates += len(records) - (tally.written - written_before) - len(refused)

    def _write_isolating(
        self, records: list[CallRecord], tally: _Tally
    ) -> list[tuple[CallRecord, str]]:
        """Write the batch; if refused, bisect until the refused records are alone."""
        try:
            inserted = self._write_retrying_conflicts(records)
        except Exception as exc:
            if not _is_refusal(exc):
                raise
            if len(records) == 1:
                return [(records[0], _describe(exc))]
            middle = len(records) // 2
            return self._write_isolating(records[:middle], tally) + self._write_isolating(
                records[middle:], tally
            )
        tally.written += inserted
        tally.batches += 1
        return []

    def _write_retrying_conflicts(self, records: list[CallRecord]) -> int:
        """One transaction for the batch, tried again after a lost lock race (with a short,
        jittered pause so that two writers do not collide again in step)."""
        attempt = 0
        while True:
            try:
                with session_scope(self._sessions) as session:
                    return CallRecordRepository(session).add_many(records)
            except DBAPIError as exc:
                if not _is_conflict(exc) or attempt == CONFLICT_RETRIES:
                    raise
                logger.info(
                    "Writing %d call records lost a lock race (%s); trying again",
                    len(records),
                    _describe(exc),
                )
            time.sleep(0.02 * 2**attempt * (1 + random.random()))
            attempt += 1
