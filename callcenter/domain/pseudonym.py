"""Keyed pseudonyms for caller numbers and answering members (HMAC-SHA256).

Pure: the key is passed in (the adapter `callcenter.privacy` loads it from the key file).
A keyed hash instead of a plain one because phone numbers are a small space: without the
key anyone could hash every number of a city and reverse the pseudonyms in minutes.

Numbers are normalised first, so that the same caller gets the same pseudonym whatever
way the trunk spelled the number:

* spaces, dashes, slashes, dots and brackets are dropped (`0170 / 123-45` → `017012345`);
* the home country code becomes the national trunk prefix: `+49 170…`, `0049 170…`,
  `+49 (0)170…` → `0170…`;
* other international numbers get the `00` prefix: `+43 1 …` → `00431…`;
* anything that is not a digit is dropped; a number without digits (`<unknown>`,
  `anonymous`, empty) is withheld and gets the empty pseudonym, never a hash, so that all
  withheld callers do not turn into one "repeat caller".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from callcenter.domain.errors import CallcenterError

MIN_KEY_BYTES = 32  # the key is as strong as SHA-256's block of randomness, not less
WITHHELD = ""  # pseudonym of a caller without a number
HOME_COUNTRY_CODE = "49"

_CALLER = b"caller:"
_MEMBER = b"member:"


class InvalidPseudonymKey(CallcenterError, ValueError):
    """A pseudonym key that is too short to be a secret; `str()` is the German message."""


def normalise_number(number: str, country_code: str = HOME_COUNTRY_CODE) -> str:
    """The digits of a phone number in national form (see the module docstring)."""
    # "+49 (0)6151 …": the bracketed trunk prefix is written but never dialled after +49.
    text = number.strip().replace("(0)", "")
    international = text.startswith("+")
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if not digits:
        return ""
    if international:
        digits = "00" + digits
    home = "00" + country_code
    if digits.startswith(home):
        return "0" + digits[len(home) :]
    return digits


@dataclass(frozen=True)
class Pseudonymizer:
    """Turns caller numbers and member ids into stable keyed pseudonyms (hex strings)."""

    key: bytes = field(repr=False)
    country_code: str = HOME_COUNTRY_CODE

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise InvalidPseudonymKey(
                f"Pseudonym-Schlüssel hat {len(self.key)} Bytes, mindestens {MIN_KEY_BYTES} "
                "sind nötig",
                f"pseudonym key has {len(self.key)} bytes, at least {MIN_KEY_BYTES} are needed",
            )

    def caller(self, number: str | None) -> str:
        """The caller's pseudonym; WITHHELD when there is no number."""
        normalised = normalise_number(number or "", self.country_code)
        if not normalised:
            return WITHHELD
        return self._digest(_CALLER, normalised)

    def member(self, member: str) -> str:
        """The answering member's pseudonym (from the PBX interface, e.g. `PJSIP/101`)."""
        # The prefix separates the two name spaces: a member id that happens to look like a
        # caller number must not get that caller's pseudonym.
        return self._digest(_MEMBER, member.strip())

    def _digest(self, kind: bytes, value: str) -> str:
        return hmac.new(self.key, kind + value.encode("utf-8"), hashlib.sha256).hexdigest()
