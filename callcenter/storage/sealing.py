"""Callback numbers encrypted at rest (AES-256-GCM).

The key is derived (HKDF-SHA256) from the pseudonym key file (callcenter/privacy.py: 32
random bytes, mode 0600), with its own purpose label: one secret to guard, and a number
sealed here cannot be told from another without it. Each sealed value is bound to its
request's call (the associated data), so a sealed number copied onto another request does
not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from callcenter.domain.errors import CallcenterError

_PURPOSE = b"callcenter callback numbers v1"
_NONCE_BYTES = 12


class SealError(CallcenterError):
    kind = "unavailable"
    code = "sealed_number"


class NumberSeal:
    def __init__(self, key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(key)
        self._aead = AESGCM(derived)

    def seal(self, number: str, bound_to: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, number.encode("utf-8"), bound_to.encode("utf-8"))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str, bound_to: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode("utf-8")
            )
        except (InvalidTag, ValueError) as exc:
            raise SealError(
                f"Rückrufnummer des Anrufs {bound_to} lässt sich nicht entschlüsseln "
                "(anderer Schlüssel?)",
                f"callback number of call {bound_to} cannot be decrypted (another key?)",
            ) from exc
        return plain.decode("utf-8")
