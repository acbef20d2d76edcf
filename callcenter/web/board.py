"""The switchboard board: a read-only page that updates itself over server-sent events.

One `BoardHub` per app computes the board and hands it to every open stream: when the
schedule version (the newest audit entry) changes, when a team's state changes by the
clock, and every few seconds anyway so relative times ("morgen 09:00") stay right.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from callcenter.domain.schedule import State
from callcenter.usecases import sessions
from callcenter.web import i18n, readmodels
from callcenter.web.feed_text import PublicReasons
from callcenter.web.middleware import ensure_identity
from callcenter.web.page_cache import Same
from callcenter.web.public_reasons import public_reasons
from callcenter.web.render import render_kept
from callcenter.web.state import WebState, state_of

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
REFRESH_SECONDS = 5.0
SESSION_CHECK_SECONDS = 60.0


def status_payload(
    status: readmodels.TeamStatus,
    now: datetime,
    state: WebState,
    reasons: PublicReasons | None = None,
) -> dict[str, Any]:
    """One team's tile. The closure's internal note only if it was marked for the board;
    its public reason (what callers hear) in the board's language."""
    tz = state.settings.tz
    shown = readmodels.closure_shown(status.closure)
    public_key = shown["closure_public_reason"] or ""
    labels = {}
    for lang in i18n.LANGS:
        if status.state is State.OPEN:
            when = i18n.format_relative(status.until, now, tz, lang)
            label = i18n.translate(lang, "open_until", time=when)
        else:
            when = i18n.format_relative(status.next_open, now, tz, lang)
            label = i18n.translate(lang, "closed_opens", time=when)
        reason = i18n.translate(lang, f"reason_{status.reason}") if status.reason else ""
        public = reasons.text(public_key, lang) if reasons is not None else ""
        change = status.next_state_change
        labels[lang] = {
            "label": label,
            "reason": reason,
            "public_reason": public,
            "kind": i18n.translate(lang, f"kind_{status.kind}"),
            # The one figure staff look for: when it opens (closed) or closes (open).
            "next_prefix": i18n.translate(
                lang, "board_closes" if status.state is State.OPEN else "board_opens"
            ),
            "next": i18n.format_relative(change, now, tz, lang)
            if change
            else i18n.translate(lang, "no_change_known"),
            "transfer": i18n.translate(lang, "board_transfer"),
        }
    return {
        "id": status.id,
        "name_de": status.name_de,
        "name_en": status.name_en,
        "state": str(status.state),
        "reason": str(status.reason) if status.reason else None,
        "until": status.until.isoformat() if status.until else None,
        "next_open": status.next_open.isoformat() if status.next_open else None,
        "kind": status.kind,
        "icon": status.icon,
        "next_state_change": (
            status.next_state_change.isoformat() if status.next_state_change else None
        ),
        "transfer_number": status.transfer_number,
        **shown,
        "de": labels["de"],
        "en": labels["en"],
    }


def board_payload(
    statuses: list[readmodels.TeamStatus],
    now: datetime,
    version: int,
    state: WebState,
    reasons: PublicReasons | None = None,
) -> dict[str, Any]:
    tz = state.settings.tz
    return {
        "version": version,
        "generated_at": now.isoformat(),
        "as_of": {lang: i18n.format_instant(now, tz, lang) for lang in i18n.LANGS},
        "teams": [status_payload(status, now, state, reasons) for status in statuses],
    }


class BoardHub:
    """Computes the board once for all viewers; `revision` grows with every new board."""

    def __init__(self, state: WebState) -> None:
        self.state = state
        self.snapshot: dict[str, Any] | None = None
        self.revision = 0
        self._version: int | None = None
        self._next_change: datetime | None = None
        self._refreshed_at = 0.0
        self._changed = asyncio.Condition()

    async def run(self) -> None:
        """Polls until the app stops; one failed poll is logged and retried, never fatal."""
        loop = asyncio.get_running_loop()
        while not self.state.stopping.is_set():
            try:
                await self.poll(loop.time())
            except Exception:
                logger.exception("switchboard board not refreshed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.state.stopping.wait(), POLL_SECONDS)
        async with self._changed:
            self._changed.notify_all()

    async def poll(self, monotonic: float) -> None:
        version = await asyncio.to_thread(self.state.store.schedule_version)
        now = self.state.now()
        due = (
            version != self._version
            or (self._next_change is not None and now >= self._next_change)
            or monotonic - self._refreshed_at >= REFRESH_SECONDS
        )
        if due:
            await self.refresh(version)
            self._refreshed_at = monotonic

    async def refresh(self, version: int) -> None:
        office = await self.state.office()
        now = self.state.now()
        statuses = readmodels.board(office, now)
        reasons = await public_reasons(self.state)
        self.snapshot = board_payload(statuses, now, version, self.state, reasons)
        changes = [s.until for s in statuses if s.until is not None]
        self._next_change = min(changes) if changes else None
        self._version = version
        self.revision += 1
        async with self._changed:
            self._changed.notify_all()

    async def wait(self, seen: int, timeout: float) -> None:
        """Until a board newer than `seen` exists, the app stops, or `timeout` passes."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(
                        lambda: self.revision != seen or self.state.stopping.is_set()
                    ),
                    timeout,
                )


HUB = web.AppKey("callcenter_board_hub", BoardHub)


async def board_page(request: web.Request) -> web.StreamResponse:
    ensure_identity(request)  # every role may see the board
    state = state_of(request)
    office = await state.office()
    now = state.now()
    statuses = readmodels.board(office, now)
    version = await state.schedule_version()
    reasons = await public_reasons(state)

    def context() -> dict[str, Any]:
        return {"board": board_payload(statuses, now, version, state, reasons)}

    # The tiles follow from each team's status at `now` (a closure switched on, a window
    # ending mid-minute: a new status), the schedule version and the public reasons'
    # texts; render_kept adds the person, the language and the minute its times show.
    return render_kept(request, "board.html", context, (tuple(statuses), version, Same(reasons)))


async def _still_signed_in(state: WebState, session_id: str | None) -> bool:
    if session_id is None:
        return True  # an API token: checked per request, and this stream is for browsers
    now = state.now()
    found = await state.run(lambda uow: sessions.current_session(uow, session_id, now))
    return found is not None


async def board_events(request: web.Request) -> web.StreamResponse:
    identity = ensure_identity(request)
    state = state_of(request)
    hub = request.app[HUB]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
        }
    )
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    checked = loop.time()
    seen = -1
    try:
        await response.write(b"retry: 2000\n\n")
        while not state.stopping.is_set():
            snapshot = hub.snapshot
            if snapshot is not None and hub.revision != seen:
                seen = hub.revision
                data = json.dumps(snapshot, ensure_ascii=False)
                await response.write(f"event: board\nid: {seen}\ndata: {data}\n\n".encode())
            else:
                await response.write(b": ping\n\n")
            if loop.time() - checked > SESSION_CHECK_SECONDS:
                checked = loop.time()
                if not await _still_signed_in(state, identity.session_id):
                    break  # logged out or expired: the page's next request goes to the login
            await hub.wait(seen, REFRESH_SECONDS)
    except (ConnectionResetError, ConnectionError):
        logger.debug("board stream closed by the client")
    return response
