"""The espeak-ng and sox edge: text to speech, conversion to PBX audio, and measuring audio.

Tools run as argument lists (never through a shell) with a timeout; a missing tool, a
non-zero exit or a timeout becomes an `AudioToolError` naming the tool and its stderr.
Outputs are written to the paths the caller gives; making them atomic is the caller's job
(see `audio_files.py`), since only the caller knows where the final name is.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from callcenter.prompts.audio_errors import AudioToolError

logger = logging.getLogger(__name__)

# What the PBX gets: Asterisk's `wav` format is signed-linear 8 kHz mono, so it plays these
# without transcoding. Changing any of these must bump FORMAT_VERSION (re-renders everything).
SAMPLE_RATE = 8000
CHANNELS = 1
BITS = 16
PEAK_DBFS = -3.0
LEAD_IN_SECONDS = 0.3
FORMAT_VERSION = 1

_STDERR_LIMIT = 2000
_SOXI_SAMPLES = re.compile(r"=\s*([0-9]+) samples")
_STAT_LINE = re.compile(r"^\s*([A-Za-z ()]+?)\s*:\s*(-?[0-9.eE+-]+|-?nan|-?inf)\s*$")


@dataclass(frozen=True)
class AudioStats:
    """What `sox … -n stat` measured; amplitudes are relative to full scale (0..1)."""

    seconds: float
    rms: float
    peak: float


@dataclass(frozen=True)
class AudioInfo:
    """A file's header as `soxi` reads it."""

    rate: int
    channels: int
    bits: int
    seconds: float


@dataclass(frozen=True)
class AudioTools:
    """Where the tools are and how long each run may take."""

    espeak: str = "espeak-ng"
    sox: str = "sox"
    soxi: str = "soxi"
    timeout_seconds: float = 60.0
    # Slower than espeak-ng's 175 words/min: callers hear it through a narrow phone line.
    words_per_minute: int = 150

    async def run(self, tool: str, args: list[str], stdin: bytes | None = None) -> str:
        """Run a tool; its stdout and stderr, decoded, joined (sox reports stats on stderr)."""
        name = Path(tool).name
        try:
            proc = await asyncio.create_subprocess_exec(
                tool,
                *args,
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError:
            raise AudioToolError(
                name,
                f"{name} ist nicht installiert oder nicht im PATH (make system-packages)",
                f"{name} is not installed or not on PATH (make system-packages)",
            ) from None
        try:
            out, err = await asyncio.wait_for(proc.communicate(stdin), self.timeout_seconds)
        except TimeoutError:
            raise AudioToolError(
                name,
                f"{name} hat nach {self.timeout_seconds:g} s nicht geantwortet und wurde beendet",
                f"{name} did not finish within {self.timeout_seconds:g} s and was killed",
            ) from None
        finally:
            # Also on cancellation: never leave a child running or unreaped.
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        stderr = err.decode("utf-8", "replace").strip()[-_STDERR_LIMIT:]
        if proc.returncode != 0:
            raise AudioToolError(
                name,
                f"{name} ist fehlgeschlagen (Exit-Code {proc.returncode}): {stderr}",
                f"{name} failed (exit code {proc.returncode}): {stderr}",
                stderr,
                proc.returncode,
            )
        return out.decode("utf-8", "replace") + stderr

    async def speak(self, text: str, voice: str, wav_out: Path) -> None:
        """Text to a WAV at espeak-ng's own rate; the text goes in on stdin, never as argv."""
        await self.run(
            self.espeak,
            ["-v", voice, "-s", str(self.words_per_minute), "-b", "1", "-w", str(wav_out)],
            stdin=text.encode("utf-8"),
        )

    async def to_pbx_wav(self, source: Path, wav_out: Path, source_type: str = "") -> None:
        """Any audio sox reads to 8 kHz mono 16-bit WAV, peak-normalised, with a lead-in pause.

        The pause keeps the first syllable from being clipped while the channel's early media
        starts; `-t wav` on the output lets `wav_out` carry a temporary name.
        """
        in_type = ["-t", source_type] if source_type else []
        await self.run(
            self.sox,
            [
                "--no-show-progress",
                *in_type,
                str(source),
                "-t", "wav",
                "-e", "signed-integer",
                "-b", str(BITS),
                str(wav_out),
                "channels", str(CHANNELS),
                "rate", str(SAMPLE_RATE),
                "norm", str(PEAK_DBFS),
                "pad", str(LEAD_IN_SECONDS), "0",
            ],
        )  # fmt: skip

    async def stats(self, source: Path, source_type: str = "") -> AudioStats:
        """Length and levels of any audio sox reads (decodes the whole file once)."""
        in_type = ["-t", source_type] if source_type else []
        output = await self.run(
            self.sox, ["--no-show-progress", *in_type, str(source), "-n", "stat"]
        )
        values = _parse_stat(output)
        try:
            peak = max(abs(values["Maximum amplitude"]), abs(values["Minimum amplitude"]))
            return AudioStats(values["Length (seconds)"], values["RMS amplitude"], peak)
        except KeyError as missing:
            raise AudioToolError(
                "sox",
                f"sox stat hat {missing} nicht gemeldet: {output[-_STDERR_LIMIT:]}",
                f"sox stat did not report {missing}: {output[-_STDERR_LIMIT:]}",
                output,
            ) from None

    async def info(self, path: Path) -> AudioInfo:
        """Rate, channels, bits and length from the file's header (one `soxi` run)."""
        output = await self.run(self.soxi, [str(path)])
        fields = dict(
            (key.strip(), value.strip())
            for key, sep, value in (line.partition(":") for line in output.splitlines())
            if sep
        )
        try:
            rate = int(fields["Sample Rate"])
            samples = _SOXI_SAMPLES.search(fields["Duration"])
            if samples is None:
                raise KeyError("Duration")
            return AudioInfo(
                rate,
                int(fields["Channels"]),
                int(fields["Precision"].split("-")[0]),
                int(samples.group(1)) / rate,
            )
        except (KeyError, ValueError) as exc:
            raise AudioToolError(
                "soxi",
                f"soxi-Ausgabe nicht verstanden ({exc}): {output[-_STDERR_LIMIT:]}",
                f"could not read soxi output ({exc}): {output[-_STDERR_LIMIT:]}",
                output,
            ) from None


def _parse_stat(output: str) -> dict[str, float]:
    values = {}
    for line in output.splitlines():
        match = _STAT_LINE.match(line)
        if match:
            # "RMS     amplitude" → "RMS amplitude"
            values[" ".join(match.group(1).split())] = float(match.group(2))
    return values
