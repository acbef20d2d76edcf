"""The `callcenter` command line, run in-process against a fresh SQLite data directory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def audit_actions(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        return list(db.execute("SELECT actor, action FROM audit_log ORDER BY id"))


def test_state_on_christmas_eve_prints_one_json_line_per_example_team(cli) -> None:
    result = cli("state", "--at", "2026-12-24T10:00:00+01:00")
    assert result.code == 0, result.err
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [row["team"] for row in rows] == [
        "auslaender-a",
        "auslaender-b",
        "einbuergerung",
        "aufenthalt-eu",
    ]
    for row in rows:
        assert row == {
            "team": row["team"],
            "state": "closed",
            "reason": "closure",
            "until": "2026-12-25T00:00:00+01:00",
        }
    assert "befüllt" in result.err  # seeded on first use


def test_state_for_one_team_on_an_ordinary_thursday(cli) -> None:
    result = cli("state", "--team", "auslaender-a", "--at", "2026-12-03T10:00")
    assert json.loads(result.out) == {
        "team": "auslaender-a",
        "state": "open",
        "reason": None,
        "until": "2026-12-03T12:00:00+01:00",
    }


def test_hours_set_changes_the_state_and_is_audited(cli, tmp_path: Path) -> None:
    assert cli("hours", "set", "auslaender-a", "Mo-Fr 13:00-15:00").code == 0
    result = cli("state", "--team", "auslaender-a", "--at", "2026-12-03T10:00")
    assert json.loads(result.out)["state"] == "closed"
    shown = cli("hours", "show", "auslaender-a").out
    assert "Fr 13:00–15:00" in shown
    assert "Do 14:00" not in shown
    assert ("test:admin", "set_windows") in audit_actions(tmp_path)


def test_invalid_hours_give_one_line_and_change_nothing(cli, tmp_path: Path) -> None:
    cli("state")  # seed
    before = audit_actions(tmp_path)
    result = cli("hours", "set", "auslaender-a", "Mo 09:00-12:00", "Mo 11:00-13:00")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "Fehler: Team „auslaender-a“, Montag: Fenster 09:00–12:00 und 11:00–13:00 "
        "überschneiden sich"
    ]
    assert "Traceback" not in result.err
    assert audit_actions(tmp_path) == before
    assert "Do 14:00–17:30" in cli("hours", "show", "auslaender-a").out


def test_bad_time_and_unknown_team_are_clear_errors(cli) -> None:
    bad_time = cli("hours", "set", "auslaender-a", "Mo 9-12")
    assert bad_time.code == 1
    assert "„9“ ist keine Uhrzeit im Format HH:MM" in bad_time.err
    unknown = cli("state", "--team", "nobody")
    assert unknown.code == 1
    assert "unbekanntes Team „nobody“" in unknown.err
    english = cli("--lang", "en", "state", "--team", "nobody")
    assert "unknown team 'nobody'" in english.err


def test_closure_today_add_list_end(cli, tmp_path: Path) -> None:
    added = cli(
        "closure",
        "add",
        "--team",
        "einbuergerung",
        "--from",
        "2027-02-01",
        "--to",
        "2027-02-02",
        "--note",
        "Personalengpass",
    )
    assert added.code == 0, added.err
    closure_id = added.out.split("#")[1].split()[0]
    state = cli("state", "--team", "einbuergerung", "--at", "2027-02-02T10:00")
    assert json.loads(state.out)["reason"] == "closure"
    assert json.loads(state.out)["until"] == "2027-02-03T00:00:00+01:00"
    assert "Personalengpass" in cli("closure", "list").out
    ended = cli("closure", "end", closure_id, "--at", "2027-02-01T12:00")
    assert ended.code == 0, ended.err
    after = cli("state", "--team", "einbuergerung", "--at", "2027-02-02T10:00")
    assert json.loads(after.out)["state"] == "open"
    actions = [action for _, action in audit_actions(tmp_path)]
    assert "add_closure" in actions
    assert "end_closure" in actions


def test_closure_needs_a_team_choice_and_a_start(cli) -> None:
    result = cli("closure", "add", "--from", "2027-02-01")
    assert result.code == 2
    assert "--all-teams" in result.err
    backwards = cli(
        "closure", "add", "--all-teams", "--from", "2027-02-05T10:00", "--to", "2027-02-05T09:00"
    )
    assert backwards.code == 1
    assert "liegt nicht nach dem Beginn" in backwards.err


def test_opening_and_pilot(cli) -> None:
    assert cli("opening", "add", "aufenthalt-eu", "2027-03-06", "09:00-12:00").code == 0
    state = cli("state", "--team", "aufenthalt-eu", "--at", "2027-03-06T10:00")
    assert json.loads(state.out)["state"] == "open"
    assert "06.03.2027" in cli("opening", "list").out
    assert cli("pilot", "add", "einbuergerung", "2027-01-11", "--end", "2027-03-31").code == 0
    overlap = cli("pilot", "add", "einbuergerung", "2027-03-01")
    assert overlap.code == 1
    assert "überschneidet sich" in overlap.err
    listed = cli("pilot", "list").out
    assert "einbuergerung" in listed
    assert "auslaender-a" in listed


def test_holidays_lists_fronleichnam_in_hessen(cli) -> None:
    result = cli("holidays", "--year", "2026")
    assert result.code == 0, result.err
    assert "Do 04.06.2026  Fronleichnam" in result.out
    assert "24.12.2026" not in result.out


def test_demo_prints_every_team_with_state_and_next_change(cli) -> None:
    result = cli("demo", "--no-pbx")
    assert result.code == 0, result.err
    assert result.out.count("nächste Änderung:") == 4
    assert "Ausländerbehörde Team A" in result.out


def test_demo_runs_the_simulated_pbx_and_records_calls(cli, tmp_path: Path) -> None:
    result = cli(
        "demo", "--duration", "5", "--speed", "300", "--calls-per-hour", "60", "--web-port", "0"
    )
    assert result.code == 0, result.err
    assert "Simulierte Telefonanlage auf 127.0.0.1:" in result.out
    assert "Demo beendet" in result.out
    with sqlite3.connect(tmp_path / "data" / "callcenter.sqlite3") as db:
        (stored,) = db.execute("SELECT count(*) FROM call_records").fetchone()
    assert stored > 0


def test_db_seed_twice_changes_nothing(cli) -> None:
    first = cli("db", "seed")
    assert "Befüllt" in first.out
    second = cli("db", "seed")
    assert "bereits" in second.out


def test_broken_config_file_names_file_and_key(cli, tmp_path: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text('[office]\ntimezone = "Nowhere/City"\n[[teams]]\nid = "a"\nname_de = "A"\n')
    result = cli("--config", str(config), "state")
    assert result.code == 1
    assert f"{config}: office.timezone: unbekannte Zeitzone" in result.err


def test_prompts_render_then_only_changed_texts_again(cli, tmp_path: Path) -> None:
    first = cli("prompts", "render", "--team", "auslaender-a")
    assert first.code == 0, first.err
    assert "6 erzeugt, 0 unverändert" in first.out
    wav = tmp_path / "data" / "sounds" / "callhours" / "auslaender-a" / "closed-hours-de.wav"
    assert wav.read_bytes()[:4] == b"RIFF"
    again = cli("prompts", "render", "--team", "auslaender-a")
    assert "0 erzeugt, 6 unverändert" in again.out
    changed = cli("hours", "set", "auslaender-a", "Mo-Fr 08:00-10:00")
    assert changed.code == 0, changed.err
    assert "closed-hours-de erzeugt" in changed.out
    status = cli("prompts", "status", "--team", "auslaender-a").out
    assert "closed-hours-de: tts" in status


def test_prompts_upload_rejects_non_audio_and_changes_nothing(cli, tmp_path: Path) -> None:
    cli("prompts", "render", "--team", "auslaender-a")
    fake = tmp_path / "ansage.wav"
    fake.write_text("kein Audio")
    result = cli("prompts", "upload", "auslaender-a", "hours", "de", str(fake))
    assert result.code == 1
    assert "„ansage.wav“ ist keine lesbare WAV-Audiodatei" in result.err
    assert "closed-hours-de: tts" in cli("prompts", "status", "--team", "auslaender-a").out


def test_every_lazily_loaded_command_resolves_to_itself() -> None:
    """The command table names real commands: each loads, under the name it is listed by."""
    import click

    from callcenter.cli import COMMANDS, cli

    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(context, "no-such-command") is None
