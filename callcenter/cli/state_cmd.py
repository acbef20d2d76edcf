"""`callcenter state`: one JSON object per team."""

from __future__ import annotations

import json

import click

from callcenter.cli.context import CliContext, echo, pass_cli
from callcenter.domain.schedule import TeamState, state_at


def state_json(team: str, state: TeamState) -> str:
    return json.dumps(
        {
            "team": team,
            "state": str(state.state),
            "reason": str(state.reason) if state.reason else None,
            "until": state.until.isoformat() if state.until else None,
        },
        ensure_ascii=False,
    )


@click.command(
    help="Zustand der Teams jetzt oder zu einem Zeitpunkt, eine JSON-Zeile je Team.\n\n"
    "State of the teams now or at an instant, one JSON line per team."
)
@click.option("--team", help="Nur dieses Team / only this team.")
@click.option(
    "--at",
    "at_text",
    metavar="ISO-8601",
    help="Zeitpunkt, z. B. 2026-12-24T10:00:00+01:00 (ohne Offset: Ortszeit). "
    "/ Instant (without offset: office time).",
)
@pass_cli
def state(cli: CliContext, team: str | None, at_text: str | None) -> None:
    at = cli.parse_instant(at_text) if at_text else cli.now()
    office = cli.store.office()
    team_ids = [office.team(team).id] if team else list(office.team_ids)
    for team_id in team_ids:
        echo(state_json(team_id, state_at(office.schedule_for(team_id), at)))
