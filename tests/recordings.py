"""Where the real Asterisk 22 recordings live inside the repository (see their PROVENANCE.md)."""

from pathlib import Path

ASTERISK22 = Path(__file__).resolve().parent / "fixtures" / "asterisk22"
