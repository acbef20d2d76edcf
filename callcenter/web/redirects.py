"""Where a login may send the browser next: a path of this site, nothing else.

Browsers are lenient where this check must not be: they drop tabs and newlines inside a URL,
read a backslash as a slash, and `/%09/evil` or `/\\evil` become `//evil`, another host. So a
target is refused when it, or any percent-decoding of it, is not plainly a local path: a
scheme, `//` or a backslash at the start, control or invisible characters anywhere. What
passes is returned unchanged (it is printable ASCII, as browsers send it).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_TARGET = 500
# Percent-decoding rounds looked at: more encoding layers than this is no honest link.
_DECODE_ROUNDS = 4


def same_origin_path(target: str) -> str:
    """`target` if it is a path of this site (with query), else ""."""
    if not target or len(target) > MAX_TARGET or not _printable_ascii(target):
        return ""
    layer = target
    for _ in range(_DECODE_ROUNDS):
        if not _plain_path(layer):
            return ""
        try:
            decoded = unquote(layer, errors="strict")
        except UnicodeDecodeError:
            return ""
        if decoded == layer:
            return target
        layer = decoded
    return ""


def _printable_ascii(text: str) -> bool:
    return all(" " < char < "\x7f" for char in text)


def _plain_path(text: str) -> bool:
    # Compatibility forms count: a fullwidth solidus or backslash may be read as the real one.
    folded = unicodedata.normalize("NFKC", text)
    for candidate in (text, folded):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return False
        if "\\" in candidate or any(_hidden(char) for char in candidate):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def _hidden(char: str) -> bool:
    """Control, format (zero-width, bidi) and separator characters, and spaces."""
    return unicodedata.category(char)[0] in "CZ"
