"""Importing a tally sheet the way `callcenter import tally` does: through the use case."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from callcenter.domain.access import Actor
from callcenter.storage.store import Store
from callcenter.usecases import tally
from callcenter.usecases.tally import SheetImport

from .conftest import ACTOR, NOW


def import_tally(
    store: Store,
    path: Path,
    team: str | None = None,
    *,
    replace: bool = False,
    actor: str = ACTOR,
    now: datetime = NOW,
) -> SheetImport:
    with store.unit_of_work() as uow:
        return tally.import_file(
            uow,
            Actor.admin(actor),
            path,
            team=team,
            now=now,
            tz=store.settings.tz,
            replace=replace,
        )
