"""Who made a change, as people read it: 'Kommandozeile (root)' rather than 'cli:root'.

The audit log and the closures keep the technical actor ('web:anna', 'api:portal',
'cli:root', or a system name such as 'test-seed'); the pages show it in words.
"""

from __future__ import annotations

from callcenter.web import i18n

_PREFIXES = {"cli": "actor_cli", "web": "actor_web", "api": "actor_api"}


def actor_label(actor: str, lang: str) -> str:
    prefix, separator, name = actor.partition(":")
    key = _PREFIXES.get(prefix) if separator else None
    if key is None or not name:
        return i18n.translate(lang, "actor_system", name=actor or "?")
    return i18n.translate(lang, key, name=name)
