"""Checks on audio files with the real `soxi` and `sox`, independent of the code under test."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    rate: int
    channels: int
    bits: int
    encoding: str
    seconds: float
    rms: float
    peak: float


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=30)


def sox_stat(path: Path, *effects: str) -> dict[str, float]:
    """`sox FILE -n [effects] stat`, as numbers by label ('RMS amplitude', …)."""
    result = _run("sox", str(path), "-n", *effects, "stat")
    values = {}
    for line in result.stderr.splitlines():
        label, sep, value = line.partition(":")
        if sep:
            try:
                values[" ".join(label.split())] = float(value)
            except ValueError:
                continue
    return values


def measure(path: Path) -> Measured:
    """Header by `soxi`, levels by `sox stat`."""
    rate = int(_run("soxi", "-r", str(path)).stdout)
    channels = int(_run("soxi", "-c", str(path)).stdout)
    bits = int(_run("soxi", "-b", str(path)).stdout)
    encoding = _run("soxi", "-e", str(path)).stdout.strip()
    seconds = float(_run("soxi", "-D", str(path)).stdout)
    stat = sox_stat(path)
    peak = max(abs(stat["Maximum amplitude"]), abs(stat["Minimum amplitude"]))
    return Measured(rate, channels, bits, encoding, seconds, stat["RMS amplitude"], peak)


def make_audio(
    path: Path, seconds: float, rate: int = 44100, channels: int = 1, *synth: str
) -> Path:
    """A tone (or what `synth` says) of the given length, in the format the suffix names."""
    effects = list(synth) or ["sine", "300-900"]
    _run(
        "sox", "-n", "-r", str(rate), "-c", str(channels), str(path),
        "synth", f"{seconds}", *effects, "vol", "0.5",
    )  # fmt: skip
    return path


def make_speech(path: Path, text: str, rate: int = 44100, channels: int = 2) -> Path:
    """Real speech from espeak-ng, resampled to what a desktop recorder would produce."""
    raw = path.with_name(path.stem + "-espeak.wav")
    _run("espeak-ng", "-v", "de", "-w", str(raw), text)
    _run("sox", str(raw), "-r", str(rate), "-c", str(channels), str(path))
    raw.unlink()
    return path


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `root` with its size, mtime and content hash."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): (
            path.stat().st_size,
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        for path in sorted(root.rglob("*"))
        if path.is_file()
    } | {str(path.relative_to(root)) + "/": (0, 0, "") for path in root.rglob("*") if path.is_dir()}


def mtimes(directory: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in directory.glob("*.wav")}
