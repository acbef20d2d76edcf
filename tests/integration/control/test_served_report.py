"""`callcenter report` through the running service's control socket: the service computes
and renders, the caller's CLI writes the files into the caller's folder, and the site is
the one the direct path writes. The CLI runs as its own process, as an admin starts it."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callcenter.cli.served import control_handler
from callcenter.config import load_settings
from callcenter.control.client import lane
from callcenter.control.protocol import ControlReply, ControlRequest
from callcenter.control.server import ControlServer
from callcenter.storage.store import open_store
from integration.reporting.test_report_cli import load_small_synthetic_data


class Served:
    def __init__(self, data_dir: Path, requests: list[tuple[str, ...]]) -> None:
        self.data_dir = data_dir
        self.requests = requests


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("served-report") / "data"
    assert load_small_synthetic_data(data) > 1000
    return data


@pytest.fixture
async def served(data_dir: Path) -> AsyncIterator[Served]:
    settings = load_settings(None, environ={}, data_dir=data_dir)
    store = open_store(settings)
    handle = control_handler(store, settings, None)
    requests: list[tuple[str, ...]] = []

    def counted(request: ControlRequest) -> ControlReply:
        requests.append(request.argv)
        return handle(request)

    server = ControlServer(data_dir / "control.sock", counted, lane=lane)
    assert await server.start()
    try:
        yield Served(data_dir, requests)
    finally:
        await server.stop()
        store.close()


async def callcenter(
    data_dir: Path, cwd: Path, *argv: str, direct: bool = False
) -> tuple[int, str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTER_")}
    environ["CALLCENTER_DATA_DIR"] = str(data_dir)
    if direct:
        environ["CALLCENTER_NO_CONTROL"] = "1"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter",
        *argv,
        cwd=cwd,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _without_timing(out: str) -> list[str]:
    """The output lines, "Fertig in 0.4 s: …" without its seconds."""
    return [
        line.split(":", 1)[1] if line.startswith("Fertig in") else line for line in out.splitlines()
    ]


async def test_a_served_report_writes_the_site_the_direct_path_writes(
    served: Served, tmp_path: Path
) -> None:
    caller = tmp_path / "caller"
    (caller / "served" / "en").mkdir(parents=True)
    # A page of a team no longer reported, left by an earlier run: the caller removes it.
    (caller / "served" / "en" / "team-gone.html").write_text("old", "utf-8")
    argv = ("report", "--team", "auslaender-a", "--team", "einbuergerung")
    code, out, err = await callcenter(served.data_dir, caller, *argv, "--out", "served")
    assert (code, err) == (0, "")
    assert len(served.requests) == 1  # the service ran it
    direct = await callcenter(
        served.data_dir, caller, *argv, "--out", str(caller / "direct"), direct=True
    )
    assert direct[0] == 0, direct[2]
    assert len(served.requests) == 1

    on_the_served_path, on_the_direct_path = (
        files_of(caller / "served"),
        files_of(caller / "direct"),
    )
    pdf = on_the_served_path.pop("pilot.pdf")
    assert pdf.startswith(b"%PDF-")  # printed by chromium in the service, written here
    assert on_the_direct_path.pop("pilot.pdf").startswith(b"%PDF-")
    assert on_the_served_path == on_the_direct_path  # every page and asset, byte for byte
    assert "en/team-gone.html" not in on_the_served_path
    assert "team-einbuergerung.html" in on_the_served_path
    # The same output; paths as the caller named them, the index in the caller's folder.
    assert _without_timing(out)[:-2] == _without_timing(direct[1])[:-2]
    assert out.splitlines()[-2] == "Erzeuge PDF served/pilot.pdf …"
    assert out.splitlines()[-1].endswith(f": {caller / 'served' / 'index.html'}")
    assert (caller / "served" / "index.html").stat().st_uid == os.getuid()

    # Without the PDF the pages go straight from the service's memory to the caller.
    code, out, err = await callcenter(served.data_dir, caller, *argv, "--no-pdf", "--out", "bare")
    assert (code, err) == (0, "")
    assert len(served.requests) == 2
    assert files_of(caller / "bare") == on_the_direct_path


async def test_a_served_report_that_fails_tells_why_and_writes_nothing(
    served: Served, tmp_path: Path
) -> None:
    code, _out, err = await callcenter(
        served.data_dir, tmp_path, "report", "--team", "nobody", "--no-pdf", "--out", "site"
    )
    assert len(served.requests) == 1
    assert code == 1
    assert "nobody" in err
    assert not (tmp_path / "site").exists()
