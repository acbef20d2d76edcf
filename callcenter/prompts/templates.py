"""Reads the announcement templates (one TOML file per language) from a directory.

The only module of the text side that touches files. The directory comes from the
configuration; without one, the `ivr_prompts/` folder next to the package (the repository
checkout, which the editable install runs from) is used.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from callcenter.domain.schedule import Reason
from callcenter.prompts.errors import InvalidTemplate, UnsupportedLanguage
from callcenter.prompts.template import PromptTemplate

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "ivr_prompts"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_TOP_LEVEL_KEYS = {"name", "voice", "texts", "sentences", "public_reasons", "summaries"}


def available_languages(directory: Path | None = None) -> tuple[str, ...]:
    """Language codes that have a template file, sorted."""
    folder = directory or DEFAULT_DIRECTORY
    return tuple(
        sorted(path.stem for path in folder.glob("*.toml") if _LANGUAGE_CODE.match(path.stem))
    )


def load_template(lang: str, directory: Path | None = None) -> PromptTemplate:
    """The template of one language, validated."""
    folder = directory or DEFAULT_DIRECTORY
    path = folder / f"{lang}.toml"
    if not _LANGUAGE_CODE.match(lang) or not path.is_file():
        raise UnsupportedLanguage(
            f"Keine Ansagevorlage für die Sprache „{lang}“ in {folder}",
            f"no announcement template for language '{lang}' in {folder}",
            str(path),
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidTemplate(
            f"{path.name}: kein gültiges TOML ({exc})",
            f"{path.name}: not valid TOML ({exc})",
            str(path),
        ) from None
    return _template(lang, data, path)


def load_templates(directory: Path | None = None) -> dict[str, PromptTemplate]:
    """Every language's template in the directory, by language code; every language must
    know the same public reasons (a caller must never miss the reason a German caller hears)."""
    templates = {lang: load_template(lang, directory) for lang in available_languages(directory)}
    check_public_reasons(templates)
    return templates


def check_public_reasons(templates: dict[str, PromptTemplate]) -> None:
    if not templates:
        return
    first = "de" if "de" in templates else next(iter(templates))
    expected = set(templates[first].public_reasons)
    for lang, template in templates.items():
        missing = expected - set(template.public_reasons)
        extra = set(template.public_reasons) - expected
        if missing or extra:
            which = ", ".join(sorted(missing or extra))
            de_what = "fehlt" if missing else f"fehlt in {first}.toml"
            en_what = "missing" if missing else f"missing in {first}.toml"
            raise InvalidTemplate(
                f"{lang}.toml: öffentlicher Grund {which} {de_what} "
                "(alle Sprachen brauchen dieselben Schlüssel in [public_reasons])",
                f"{lang}.toml: public reason {which} {en_what} "
                "(every language needs the same keys in [public_reasons])",
                f"{lang}.toml: public_reasons",
            )


def public_reason_keys(directory: Path | None = None) -> tuple[str, ...]:
    """The public reasons an admin can choose from (the German template's order)."""
    templates = load_templates(directory)
    first = templates.get("de") or next(iter(templates.values()), None)
    return tuple(first.public_reasons) if first is not None else ()


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise InvalidTemplate(
            f"{path.name}: Abschnitt [{key}] fehlt",
            f"{path.name}: section [{key}] is missing",
            str(path),
        )
    return table


def _template(lang: str, data: dict[str, Any], path: Path) -> PromptTemplate:
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise InvalidTemplate(
            f"{path.name}: unbekannte Einträge {names} "
            "(erlaubt: name, voice, [texts], [sentences], [public_reasons], [summaries])",
            f"{path.name}: unknown entries {names} "
            "(allowed: name, voice, [texts], [sentences], [public_reasons], [summaries])",
            str(path),
        )
    texts = _table(data, "texts", path)
    extra = set(texts) - {str(reason) for reason in Reason}
    if extra:
        names = ", ".join(sorted(extra))
        raise InvalidTemplate(
            f"{path.name}: unbekannte Texte {names} (erlaubt: hours, holiday, closure)",
            f"{path.name}: unknown texts {names} (allowed: hours, holiday, closure)",
            str(path),
        )
    summaries = _table(data, "summaries", path) if "summaries" in data else {}
    extra = set(summaries) - {str(reason) for reason in Reason}
    if extra:
        names = ", ".join(sorted(extra))
        raise InvalidTemplate(
            f"{path.name}: unbekannte Kurzfassungen {names} (erlaubt: hours, holiday, closure)",
            f"{path.name}: unknown summaries {names} (allowed: hours, holiday, closure)",
            str(path),
        )
    return PromptTemplate(
        lang=lang,
        name=str(data.get("name", lang)),
        texts={reason: texts.get(str(reason), "") for reason in Reason},
        sentences=_table(data, "sentences", path),
        voice=str(data.get("voice", "")),
        public_reasons=_table(data, "public_reasons", path) if "public_reasons" in data else {},
        summaries={Reason(key): value for key, value in summaries.items()},
    )
