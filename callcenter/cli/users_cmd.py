"""`callcenter users`: accounts of the web application and API tokens. Every change is audited."""

from __future__ import annotations

import sys
from datetime import datetime, time, timedelta

import click

from callcenter.cli.context import CliContext, local_text, pass_cli
from callcenter.domain.access import ROLE_NAMES_DE, SCOPE_NAMES_DE, Role, Scope
from callcenter.domain.schedule import wall_to_instant
from callcenter.storage.web_repository import ApiToken, scopes_text
from callcenter.usecases import accounts

ROLES = click.Choice([str(role) for role in Role])
SCOPES = click.Choice([str(scope) for scope in Scope])
DEFAULT_TOKEN_DAYS = 365


def _password(password_stdin: bool) -> str:
    """From stdin (one line, for scripts) or asked twice without echo."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt(
        "Passwort / password", hide_input=True, confirmation_prompt=True, err=True
    )
    return value


@click.group(
    help="Benutzer der Weboberfläche und API-Tokens.\n\nUsers of the web application, API tokens."
)
def users() -> None:
    pass


@users.command(
    "add",
    help="Benutzer anlegen. Rollen: admin (alles), teamlead (Auswertung, Schließtage und "
    "Pilotphasen des eigenen Teams, --team nötig), switchboard (nur die Tafel der "
    "Telefonzentrale).\n\nAdd a user; roles admin, teamlead (needs --team), switchboard.",
)
@click.argument("username")
@click.option("--role", type=ROLES, required=True, help="Rolle / role.")
@click.option("--team", help="Team einer Teamleitung / a team lead's team.")
@click.option(
    "--password-stdin", is_flag=True, help="Passwort von der Standardeingabe / from stdin."
)
@pass_cli
def users_add(
    cli: CliContext, username: str, role: str, team: str | None, password_stdin: bool
) -> None:
    password = _password(password_stdin)
    actor, now = cli.as_actor, cli.now()
    account = cli.run(
        lambda uow: accounts.add_user(uow, actor, username, role, password, team, now=now)
    )
    suffix = f", Team {account.team}" if account.team else ""
    click.echo(f"Benutzer {account.username} angelegt ({ROLE_NAMES_DE[account.role]}{suffix})")


@users.command("passwd", help="Passwort ändern; offene Anmeldungen enden. / Change a password.")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Passwort von der Standardeingabe / from stdin."
)
@pass_cli
def users_passwd(cli: CliContext, username: str, password_stdin: bool) -> None:
    password = _password(password_stdin)
    actor, now = cli.as_actor, cli.now()
    cli.run(lambda uow: accounts.set_password(uow, actor, username, password, now=now))
    click.echo(f"Passwort von {username} geändert / password changed")


@users.command("list", help="Benutzer und API-Tokens / users and API tokens.")
@pass_cli
def users_list(cli: CliContext) -> None:
    users_found, tokens = cli.run(lambda uow: accounts.users_and_tokens(uow, cli.as_actor))
    if not users_found:
        click.echo("Keine Benutzer / no users. callcenter users add NAME --role admin")
    for account in users_found:
        state = "gesperrt / disabled" if account.disabled else "aktiv / active"
        team = f" team={account.team}" if account.team else ""
        click.echo(f"{account.username:<24} {account.role:<12}{team}  {state}")
    for token in tokens:
        click.echo(_token_line(cli, token))


def _token_line(cli: CliContext, token: ApiToken) -> str:
    now = cli.now()
    if token.revoked_at:
        state = f"widerrufen / revoked {local_text(token.revoked_at, cli.settings)}"
    elif token.expired(now):
        state = f"abgelaufen / expired {local_text(token.expires_at, cli.settings)}"
    elif token.expires_at is not None:
        state = f"gültig bis / valid until {local_text(token.expires_at, cli.settings)}"
    else:
        state = "ohne Ablauf / no expiry"
    scopes = (
        "admin (altes Token ohne Bereiche / legacy token without scopes)"
        if token.legacy
        else scopes_text(token.granted)
    )
    used = local_text(token.last_used_at, cli.settings) if token.last_used_at else "nie / never"
    return (
        f"Token {token.name!r} ({token.username}): Bereiche / scopes {scopes}; {state}; "
        f"zuletzt benutzt / last used {used}"
    )


@users.command(
    "role",
    help="Rolle und Team ändern (Team nur für teamlead); die letzte aktive Administration "
    "bleibt Administration.\n\nChange role and team (a team only for teamlead); the last "
    "active administrator stays one.",
)
@click.argument("username")
@click.option("--role", type=ROLES, required=True, help="Rolle / role.")
@click.option("--team", help="Team einer Teamleitung / a team lead's team.")
@pass_cli
def users_role(cli: CliContext, username: str, role: str, team: str | None) -> None:
    actor, now = cli.as_actor, cli.now()
    account = cli.run(lambda uow: accounts.set_role(uow, actor, username, role, team, now=now))
    suffix = f", Team {account.team}" if account.team else ""
    click.echo(f"{account.username}: {ROLE_NAMES_DE[account.role]}{suffix}")


@users.command("disable", help="Benutzer sperren (--enable: entsperren) / lock or unlock a user.")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Wieder freigeben / unlock.")
@pass_cli
def users_disable(cli: CliContext, username: str, enable: bool) -> None:
    actor, now = cli.as_actor, cli.now()
    cli.run(lambda uow: accounts.set_disabled(uow, actor, username, not enable, now=now))
    click.echo(f"{username}: " + ("freigegeben / enabled" if enable else "gesperrt / disabled"))


SCOPE_HELP = "; ".join(f"{scope} = {SCOPE_NAMES_DE[scope]}" for scope in Scope)


@users.command(
    "token",
    help="Neues API-Token NAME für einen Benutzer; es wird genau einmal angezeigt. Es darf, "
    f"was seine Bereiche (--scope, mehrfach) erlauben – {SCOPE_HELP} – und nie mehr als "
    f"die Rolle des Benutzers; es läuft ab (--expires, Standard: in {DEFAULT_TOKEN_DAYS} "
    "Tagen).\n\nCreate API token NAME for a user, shown exactly once: scopes read, "
    "closures, schedule, admin (admin implies all); it expires (--expires, default: in "
    f"{DEFAULT_TOKEN_DAYS} days).",
)
@click.argument("name")
@click.option("--user", "username", required=True, help="Benutzer / user.")
@click.option(
    "--scope",
    "scopes",
    type=SCOPES,
    multiple=True,
    required=True,
    help="Bereich, mehrfach möglich / scope, may repeat: read, closures, schedule, admin.",
)
@click.option(
    "--expires",
    "expires_text",
    metavar="DATUM",
    help="Letzter gültiger Tag (JJJJ-MM-TT) / last valid day; Standard / default: in "
    f"{DEFAULT_TOKEN_DAYS} Tagen / days.",
)
@pass_cli
def users_token(
    cli: CliContext, name: str, username: str, scopes: tuple[str, ...], expires_text: str | None
) -> None:
    actor, now = cli.as_actor, cli.now()
    expires_at = _expiry(cli, now, expires_text)
    granted = frozenset(Scope(scope) for scope in scopes)
    secret = cli.run(
        lambda uow: accounts.create_token(
            uow, actor, username, name, now=now, scopes=granted, expires_at=expires_at
        )
    )
    click.echo(
        f"Token {name!r}: Bereiche / scopes {scopes_text(granted)}, gültig bis / valid until "
        f"{local_text(expires_at, cli.settings)}",
        err=True,
    )
    click.echo(
        "API-Token (nur jetzt sichtbar; als „Authorization: Bearer …“ senden) / "
        "shown only now, send as 'Authorization: Bearer …':",
        err=True,
    )
    click.echo(secret)


def _expiry(cli: CliContext, now: datetime, text: str | None) -> datetime:
    """The end of the last valid day (local midnight after it)."""
    tz = cli.settings.tz
    last = (
        cli.parse_day(text)
        if text
        else now.astimezone(tz).date() + timedelta(days=DEFAULT_TOKEN_DAYS)
    )
    return wall_to_instant(last + timedelta(days=1), time(0), tz)


@users.command(
    "tokens",
    help="API-Tokens mit Bereichen, Ablauf und letzter Nutzung / API tokens with scopes, "
    "expiry and last use.",
)
@pass_cli
def users_tokens(cli: CliContext) -> None:
    _users, tokens = cli.run(lambda uow: accounts.users_and_tokens(uow, cli.as_actor))
    if not tokens:
        click.echo("Keine API-Tokens / no API tokens.")
    for token in tokens:
        click.echo(_token_line(cli, token))


@users.command("revoke", help="API-Token widerrufen / revoke an API token.")
@click.argument("name")
@pass_cli
def users_revoke(cli: CliContext, name: str) -> None:
    actor, now = cli.as_actor, cli.now()
    cli.run(lambda uow: accounts.revoke_token(uow, actor, name, now=now))
    click.echo(f"Token {name!r} widerrufen / revoked")
