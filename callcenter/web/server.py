"""Starting and stopping the web app on a host and port (used by `serve` and `demo`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

logger = logging.getLogger(__name__)

# Open board streams end at shutdown by themselves; this only bounds a stuck request.
SHUTDOWN_SECONDS = 5.0


@dataclass
class WebServer:
    runner: web.AppRunner
    url: str

    async def stop(self) -> None:
        """Stop listening, end open streams, run the app's cleanup."""
        await self.runner.cleanup()


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def start_web(app: web.Application, host: str, port: int) -> WebServer:
    """Serve `app`; port 0 picks a free port, `.url` names the one in use."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_port = port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound_port = int(address[1])
            break
    url = _url(host, bound_port)
    logger.info("web application on %s", url)
    return WebServer(runner, url)
