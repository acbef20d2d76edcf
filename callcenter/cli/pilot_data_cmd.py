"""`callcenter pilot-data`: the synthetic pilot data set (pilot_data/README.md)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import click

from callcenter.cli.context import CliContext, CliFailure, pass_cli
from callcenter.evaluation.synthetic import (
    SyntheticError,
    SyntheticParams,
    generate,
    prepare_office,
    tally_csv,
)
from callcenter.usecases.pilot_data import load_synthetic_pilot_data

DEFAULT_SEED = 1
TALLY_NAME = "tally_synthetic.csv"


def _params(params_file: Path | None, scale: float | None, effect: float | None) -> SyntheticParams:
    params = (
        SyntheticParams.from_toml(params_file.read_text(encoding="utf-8"), str(params_file))
        if params_file
        else SyntheticParams()
    )
    if scale is not None:
        params = replace(params, scale=scale)
    if effect is not None:
        params = replace(params, effect=effect)
    return params


def _failure(exc: SyntheticError, lang: str) -> CliFailure:
    return CliFailure(exc.en if lang == "en" else exc.de)


@click.group(
    "pilot-data",
    help="Synthetische Pilotdaten (als solche gekennzeichnet): ein Pilotteam und drei "
    "Kontrollteams über 26 Wochen, siehe pilot_data/README.md.\n\n"
    "Synthetic pilot data (labelled so): one pilot team and three control teams over 26 "
    "weeks, see pilot_data/README.md.",
)
def pilot_data() -> None:
    pass


_seed = click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Startwert des Zufallsgenerators / random seed.",
)
_scale = click.option(
    "--scale",
    type=click.FloatRange(min=0.01, max=200),
    default=None,
    help="Vielfaches des Anrufaufkommens (1 ≈ 51 000 Anrufe, 20 ≈ 1 Million) / multiple of "
    "the call volume (1 ≈ 51,000 calls, 20 ≈ 1 million). [Standard/default: 1]",
)
_effect = click.option(
    "--effect",
    type=click.FloatRange(min=0, max=3),
    default=None,
    help="Stärke des eingeplanten Pilot-Effekts, 0 = keiner / size of the planted pilot "
    "effect, 0 = none. [Standard/default: 1]",
)
_params_file = click.option(
    "--params",
    "params_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Parameterdatei wie pilot_data/synthetic_params.toml / parameter file.",
)


@pilot_data.command(
    "load",
    help="Synthetische Anrufe, Schließtage und Vorsprachen in die Datenbank laden; "
    "wiederholbar (gleiche Parameter: nichts Neues, andere: ersetzt die vorigen).\n\n"
    "Load synthetic calls, closure days and walk-ins; repeatable (same parameters: nothing "
    "new, other parameters: replaces the previous ones).",
)
@_seed
@_scale
@_effect
@_params_file
@pass_cli
def load(
    cli: CliContext,
    seed: int,
    scale: float | None,
    effect: float | None,
    params_file: Path | None,
) -> None:
    try:
        params = _params(params_file, scale, effect)
    except SyntheticError as exc:
        raise _failure(exc, cli.lang) from None
    click.echo(
        f"Erzeuge synthetische Pilotdaten (Seed {seed}, Maßstab {params.scale:g}, Effekt "
        f"{params.effect:g}, {params.first_day.isoformat()} bis {params.last_day.isoformat()}) "
        "… / generating synthetic pilot data …"
    )
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        click.echo(
            f"  {done:,}/{total:,} Anrufe gespeichert / calls stored "
            f"({time.monotonic() - started:.1f} s)".replace(",", ".")
        )

    try:
        written = load_synthetic_pilot_data(cli.store, params, seed, progress, now=cli.now())
    except SyntheticError as exc:
        raise _failure(exc, cli.lang) from None
    if written == 0:
        click.echo(
            "Dieser Datensatz ist schon geladen – nichts geändert. / This data set is already "
            "loaded – nothing changed."
        )
        return
    click.echo(
        f"{written:,} synthetische Anrufe geladen in {time.monotonic() - started:.1f} s "
        f"/ synthetic calls loaded. Weiter / next: callcenter report; "
        f"callcenter import tally pilot_data/{TALLY_NAME}".replace(",", ".", 1)
    )


@pilot_data.command(
    "tally",
    help="Die Strichliste der ersten Pilotwochen aus den synthetischen Daten als CSV "
    "schreiben (importierbar mit „callcenter import tally“).\n\n"
    "Write the tally sheet of the first pilot weeks from the synthetic data as CSV "
    "(importable with 'callcenter import tally').",
)
@_seed
@_scale
@_effect
@_params_file
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("pilot_data") / TALLY_NAME,
    show_default=True,
    help="Zieldatei, - für die Standardausgabe / output file, - for standard output.",
)
@pass_cli
def tally(
    cli: CliContext,
    seed: int,
    scale: float | None,
    effect: float | None,
    params_file: Path | None,
    out: Path,
) -> None:
    try:
        params = _params(params_file, scale, effect)
        office = prepare_office(params, cli.store.office())
        text = tally_csv(generate(params, office, seed).tally_entries(TALLY_NAME))
    except SyntheticError as exc:
        raise _failure(exc, cli.lang) from None
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"{out} geschrieben / written")
