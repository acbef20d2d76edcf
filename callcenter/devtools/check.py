"""The README's test command: linters, type checks, architecture contracts, then the test suite.

Every step runs even when an earlier one failed, so one run shows every problem; the exit
code is non-zero if any step failed. pytest's exit code 5 ("no tests collected") counts as a
failure, and tests/conftest.py turns a run in which no test passed into a failure too.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

STEPS: list[tuple[str, list[str]]] = [
    ("ruff (lint)", [str(BIN / "ruff"), "check", "callcenter", "tests"]),
    ("ruff (format)", [str(BIN / "ruff"), "format", "--check", "callcenter", "tests"]),
    ("mypy (types)", [str(BIN / "mypy"), "callcenter"]),
    ("import-linter (architecture)", [str(BIN / "lint-imports")]),
    ("pytest (tests)", [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]),
]


def main(argv: list[str]) -> int:
    failed: list[str] = []
    for title, command in STEPS:
        if title.startswith("pytest"):
            command = command + argv
        print(f"\n==> {title}: {' '.join(command)}", flush=True)
        began = time.monotonic()
        code = subprocess.call(command, cwd=ROOT)
        took = time.monotonic() - began
        if code == 5 and title.startswith("pytest"):
            print("pytest hat keine Tests gefunden / pytest collected no tests", flush=True)
        status = "ok" if code == 0 else f"FEHLER / FAILED (exit {code})"
        print(f"<== {title}: {status} in {took:.1f} s", flush=True)
        if code != 0:
            failed.append(title)
    if failed:
        print(f"\nFehlgeschlagen / failed: {', '.join(failed)}", flush=True)
        return 1
    print("\nAlle Prüfungen bestanden / all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
