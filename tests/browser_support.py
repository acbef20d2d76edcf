"""Shared browser-test helpers: Debian's headless chromium through Playwright, network optional.

Never `playwright install`: the browser is Debian's package (Makefile DEBIAN_PACKAGES), so every
machine and CI use the same /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Sandboxing needs user namespaces that containers and root lack; the rest keeps chromium from
# phoning home, which would both slow the tests and hide a page that depends on the network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise RuntimeError(
        "chromium fehlt / chromium is missing: `make install` installs the Debian package"
    )


def german_env() -> dict[str, str]:
    """The environment of a chromium that shows dates as dd.mm.yyyy in date inputs: chromium
    on Linux takes that locale from the environment, not from `--lang` or a context's
    `locale` (and needs Debian's chromium-l10n, in the Makefile's packages)."""
    return {**os.environ, "LANG": "de_DE.UTF-8", "LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8"}


def launch_options() -> dict[str, Any]:
    """Keyword arguments for `playwright.chromium.launch(...)` (sync or async API)."""
    return {"executable_path": chromium_path(), "args": list(LAUNCH_ARGS), "headless": True}


def is_network_url(url: str) -> bool:
    """True for anything that would leave the machine's files (http, https, ws, ftp …)."""
    scheme = urlsplit(url).scheme
    return scheme not in ("file", "data", "blob", "about", "chrome", "devtools")


def block_network_sync(context: Any, blocked: list[str]) -> None:
    """Abort every network request of a sync-API BrowserContext; record the URLs in `blocked`."""

    def handle(route: Any) -> None:
        url = route.request.url
        if is_network_url(url):
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", handle)


async def block_network_async(context: Any, blocked: list[str]) -> None:
    """Abort every network request of an async-API BrowserContext; record the URLs."""

    async def handle(route: Any) -> None:
        url = route.request.url
        if is_network_url(url):
            blocked.append(url)
            await route.abort()
        else:
            await route.continue_()

    await context.route("**/*", handle)
