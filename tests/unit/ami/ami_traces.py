"""Access to the real Asterisk 22 recordings in tests/fixtures/asterisk22 (see its README).

The reference parse here is deliberately naive and byte-based, so that it shares no
code with the parser under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from recordings import ASTERISK22

REPO = Path(__file__).resolve().parents[3]
TRACES_ROOT = ASTERISK22
TRACE_DIR = TRACES_ROOT / "traces"
SUMMARY_DIR = TRACES_ROOT / "summaries"
TRACE_FILES = sorted(TRACE_DIR.glob("*.ami"))
# 16 scenarios plus the refused-login connection of 015 (README "Files").
EXPECTED_TRACE_COUNT = 30


def trace_id(path: Path) -> str:
    return path.stem


def recorded_chunks(path: Path) -> list[bytes]:
    """The reads exactly as they arrived (banner + every `recv` chunk of the sidecar)."""
    chunks = []
    with open(f"{path}.session.jsonl", encoding="utf-8") as sidecar:
        for line in sidecar:
            entry = json.loads(line)
            if entry["dir"] in ("banner", "recv"):
                chunks.append(entry["data"].encode("utf-8"))
    return chunks


@dataclass(frozen=True)
class RefFrame:
    pairs: list[tuple[str, str]]

    def first(self, key: str) -> str | None:
        return next((value for k, value in self.pairs if k == key), None)


def reference_parse(raw: bytes) -> tuple[str, list[RefFrame]]:
    """Banner text and every frame as (key, value) pairs in wire order."""
    banner, _, rest = raw.partition(b"\r\n")
    assert rest.endswith(b"\r\n\r\n"), "traces end on a frame boundary"
    frames = []
    for block in rest[:-4].split(b"\r\n\r\n"):
        pairs = []
        for line in block.split(b"\r\n"):
            key, sep, value = line.partition(b":")
            assert sep, f"trace line without colon: {line!r}"
            pairs.append((key.decode(), value.decode().removeprefix(" ")))
        frames.append(RefFrame(pairs))
    return banner.decode(), frames


_SUMMARY_LINE = re.compile(r"^\s*(\d+)\s+(-|[\d.]+)\s+(\S+)\s*(.*)$")
_SUMMARY_KEY = re.compile(r"(?:^| )([A-Za-z][A-Za-z0-9-]*)=")


@dataclass(frozen=True)
class SummaryLine:
    index: int  # 1-based message number, the banner is 1
    seconds: float | None  # relative to the first Timestamp in the trace
    name: str  # event name, `Response:<status>` or `Banner`
    fields: dict[str, str]
    rest: str


def summary(path: Path) -> list[SummaryLine]:
    """The recording's own one-line-per-message summary (some noisy event kinds hidden)."""
    lines = []
    text = (SUMMARY_DIR / f"{path.stem}.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = _SUMMARY_LINE.match(line)
        assert match, f"unexpected summary line {line!r}"
        index, seconds, name, rest = match.groups()
        fields: dict[str, str] = {}
        if name != "Banner":
            keys = list(_SUMMARY_KEY.finditer(rest))
            for number, key in enumerate(keys):
                end = keys[number + 1].start() if number + 1 < len(keys) else len(rest)
                fields[key.group(1)] = rest[key.end() : end]
        lines.append(
            SummaryLine(int(index), None if seconds == "-" else float(seconds), name, fields, rest)
        )
    return lines
