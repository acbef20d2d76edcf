"""The office's own announcement phrases (web address, contact e-mail) saved in the web.

They live in the existing key/value table `office_settings` (no migration): a row per
phrase that an admin changed; without a row the configuration's value applies.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcenter.storage.models import OfficeSettingRow

_PREFIX = "phrase."


class PhraseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def overrides(self) -> dict[str, str]:
        """Phrase name -> the value an admin saved (only the changed ones)."""
        query = select(OfficeSettingRow).where(OfficeSettingRow.key.startswith(_PREFIX))
        return {row.key.removeprefix(_PREFIX): row.value for row in self._session.scalars(query)}

    def save(self, values: Mapping[str, str | None]) -> None:
        """Store each value; None removes the override (the configuration applies again)."""
        for name, value in values.items():
            key = _PREFIX + name
            if value is None:
                self._session.execute(delete(OfficeSettingRow).where(OfficeSettingRow.key == key))
                continue
            row = self._session.get(OfficeSettingRow, key)
            if row is None:
                self._session.add(OfficeSettingRow(key=key, value=value))
            else:
                row.value = value
        self._session.flush()
