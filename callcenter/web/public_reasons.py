"""The public reasons a closure may give callers, with their German and English sentences.

They come from the announcement templates (ivr_prompts/<lang>.toml [public_reasons]), so
the pages offer, and the board shows, exactly what a caller hears. Read in a worker thread
and kept until a template file changes; whether one changed is looked at (a directory
listing and a stat per file, in a worker thread) at most once per `RECHECK_SECONDS`: the
board page asks at every view, and a thread hop per view halved its requests per second.
An edited template therefore shows within a second.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from callcenter.prompts.templates import DEFAULT_DIRECTORY, load_templates
from callcenter.web.feed_text import PublicReasons
from callcenter.web.state import WebState

RECHECK_SECONDS = 1.0

_cache: dict[Path, tuple[tuple[tuple[str, float], ...], PublicReasons]] = {}
# Per folder: when its files were last looked at (_monotonic) and what they said.
_checked: dict[Path, tuple[float, PublicReasons]] = {}
_monotonic = time.monotonic  # replaced by tests


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.glob("*.toml")))


def read_public_reasons(directory: Path | None) -> PublicReasons:
    folder = directory or DEFAULT_DIRECTORY
    stamp = _stamp(folder)
    cached = _cache.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    templates = load_templates(directory)
    de, en = templates.get("de"), templates.get("en")
    reasons = PublicReasons(
        de=dict(de.public_reasons) if de else {}, en=dict(en.public_reasons) if en else {}
    )
    _cache[folder] = (stamp, reasons)
    return reasons


async def public_reasons(state: WebState) -> PublicReasons:
    directory = state.settings.prompts.templates_dir
    folder = directory or DEFAULT_DIRECTORY
    checked = _checked.get(folder)
    started = _monotonic()
    if checked is not None and started - checked[0] < RECHECK_SECONDS:
        return checked[1]
    reasons = await asyncio.to_thread(read_public_reasons, directory)
    _checked[folder] = (started, reasons)
    return reasons


def keys(reasons: PublicReasons) -> tuple[str, ...]:
    """The keys in the German template's order (every language has the same keys)."""
    return tuple(reasons.de or reasons.en)
