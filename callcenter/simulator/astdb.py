"""The simulated AstDB: `family/key` → value, with Asterisk's CLI and AMI spellings."""

from __future__ import annotations


class AstDb:
    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    @staticmethod
    def _path(family: str, key: str) -> str:
        return f"/{family}/{key}"

    def put(self, family: str, key: str, value: str) -> None:
        self._data[self._path(family, key)] = value

    def get(self, family: str, key: str) -> str | None:
        return self._data.get(self._path(family, key))

    def delete(self, family: str, key: str) -> bool:
        return self._data.pop(self._path(family, key), None) is not None

    def tree(self, family: str = "") -> list[tuple[str, str]]:
        """(full path, value) sorted like SQLite's `ORDER BY key` in main/db.c."""
        prefix = f"/{family}/" if family else "/"
        return sorted((k, v) for k, v in self._data.items() if k.startswith(prefix))

    def show(self, family: str = "") -> list[str]:
        """`database show [family]` lines, format as recorded in trace 015 (`%-50s: %-25s`)."""
        rows = self.tree(family)
        lines = [f"{key:<50s}: {value:<25s}" for key, value in rows]
        # main/db.c prints the plural even for one row.
        lines.append(f"{len(rows)} results found.")
        return lines
