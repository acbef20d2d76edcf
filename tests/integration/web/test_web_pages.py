"""The HTML pages: every page for every role, forms with good and bad input, escaping,
the audit trail of every change, error pages."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from callcenter.domain.schedule import State, state_at
from callcenter.storage.audit import AuditRepository
from callcenter.web import pages
from callcenter.web.state import WEB

from .conftest import START, Browser, WebEnv, signed_in

PAGES = [
    # path, admin, teamlead, switchboard
    ("/", 200, 200, 303),
    ("/sprechzeiten", 200, 200, 403),
    ("/sprechzeiten?team=einbuergerung", 200, 200, 403),
    ("/schliesstage", 200, 200, 403),
    ("/feiertage", 200, 403, 403),
    ("/sonderoeffnungen", 200, 403, 403),
    ("/pilotphasen", 200, 200, 403),
    ("/ansagen", 200, 403, 403),
    ("/auswertung", 200, 200, 403),
    ("/zentrale", 200, 200, 200),
    ("/protokoll", 200, 403, 403),
]


def audit(env: WebEnv, entity: str | None = None) -> list:
    with env.store.session() as session:
        return AuditRepository(session).list(50, entity)


def state_now(env: WebEnv, team: str) -> State:
    return state_at(env.store.office().schedule_for(team), env.clock.now()).state


@pytest.mark.parametrize(("path", "admin", "teamlead", "switchboard"), PAGES)
async def test_every_page_for_every_role(
    env: WebEnv, path: str, admin: int, teamlead: int, switchboard: int
) -> None:
    for user, expected in (("alice", admin), ("tina", teamlead), ("sven", switchboard)):
        async for browser in signed_in(env, user):
            response = await browser.get(path)
            assert response.status == expected, (user, path)
            text = await response.text()
            if expected == 403:
                assert "Dafür fehlt Ihnen die Berechtigung." in text
            if expected == 200:
                assert '<main id="main"' in text
                assert "Traceback" not in text


async def test_forbidden_form_posts_change_nothing(env: WebEnv) -> None:
    async for sven in signed_in(env, "sven"):
        before = len(audit(env))
        for path, data in (
            ("/sprechzeiten/auslaender-a", {"day0": "08:00-18:00"}),
            ("/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "x"}),
            ("/pilotphasen", {"team": "auslaender-a", "start": "2027-01-01"}),
            ("/feiertage/land", {"state": "BY"}),
        ):
            assert (await sven.post(path, data)).status == 403
        assert len(audit(env)) == before


async def test_overview_shows_states_calls_and_waiting_callers(admin: Browser) -> None:
    response = await admin.get("/")
    text = await response.text()
    row = re.search(r'<tr data-team="auslaender-a">(.*?)</tr>', text, re.S)
    assert row is not None
    assert "offen" in row.group(1)
    assert '<td class="num">3</td>' in row.group(1)  # waiting, from the live view
    assert "12:00" in row.group(1)  # the next change: Monday's window ends at noon
    assert "verbunden" in text


async def test_overview_without_live_view_shows_dashes(env: WebEnv, admin: Browser) -> None:
    env.app[WEB].live = None
    text = await (await admin.get("/")).text()
    row = re.search(r'<tr data-team="auslaender-a">(.*?)</tr>', text, re.S)
    assert row is not None
    assert row.group(1).rstrip().endswith('<td class="num">–</td>')


async def test_saving_the_week_grid_changes_the_state_and_is_audited(
    env: WebEnv, admin: Browser
) -> None:
    assert state_now(env, "auslaender-a") is State.OPEN
    grid = {f"day{d}": "" for d in range(7)}
    grid.update({"day0": "13:00-15:00", "day3": "09:00-12:00, 14:00-17:30"})
    response = await admin.post("/sprechzeiten/auslaender-a", grid)
    assert response.status == 303
    assert response.headers["Location"] == "/sprechzeiten?team=auslaender-a&msg=saved"
    assert state_now(env, "auslaender-a") is State.CLOSED
    entry = audit(env, "team")[0]
    assert entry.actor == "web:alice"
    assert entry.action == "set_windows"
    assert entry.entity_id == "auslaender-a"
    assert {"weekday": 0, "start": "09:00", "end": "12:00"} in entry.before
    assert entry.after == [
        {"weekday": 0, "start": "13:00", "end": "15:00"},
        {"weekday": 3, "start": "09:00", "end": "12:00"},
        {"weekday": 3, "start": "14:00", "end": "17:30"},
    ]
    page = await admin.client.get(response.headers["Location"])
    text = await page.text()
    assert "Gespeichert." in text
    assert 'value="13:00-15:00"' in text


async def test_bad_windows_come_back_at_their_field_with_the_typed_values(
    env: WebEnv, admin: Browser
) -> None:
    before = len(audit(env))
    grid = {f"day{d}": "" for d in range(7)}
    grid.update({"day1": "9-12", "day3": "09:00-12:00, 11:00-13:00", "day4": "12:00-09:00"})
    response = await admin.post("/sprechzeiten/auslaender-a", grid)
    assert response.status == 422
    text = html.unescape(await response.text())
    day1 = re.search(r'id="day1-error">(.*?)<', text)
    assert day1 is not None
    assert "„9“ ist keine Uhrzeit" in day1.group(1)
    day3 = re.search(r'id="day3-error">(.*?)<', text)
    assert day3 is not None
    assert "überschneiden sich" in day3.group(1)
    assert "Donnerstag" in day3.group(1)
    day4 = re.search(r'id="day4-error">(.*?)<', text)
    assert day4 is not None
    assert "endet nicht nach" in day4.group(1)
    assert 'value="09:00-12:00, 11:00-13:00"' in text  # what the admin typed stays
    assert 'aria-invalid="true"' in text
    assert len(audit(env)) == before


async def test_preview_lists_fourteen_days_with_holidays_and_closures(admin: Browser) -> None:
    # START is 23 Nov 2026: the preview reaches 6 Dec; add a closure inside it.
    await admin.post(
        "/schliesstage/zeitraum",
        {"range_team": "auslaender-a", "first_day": "2026-11-26", "range_note": "Fortbildung"},
    )
    text = await (await admin.get("/sprechzeiten?team=auslaender-a")).text()
    preview = text[text.index("preview") :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", preview, re.S)
    assert len(rows) == 14
    assert rows[0][0] == "Mo 23.11.2026"
    thursday = rows[3][1]
    assert "Fortbildung" in thursday
    assert "ganztägig geschlossen" in thursday
    assert "09:00–12:00" in rows[0][1]
    assert "09:00–13:00" in rows[5][1]  # Saturday 28.11.: the special opening of the example
    assert "Samstags-Servicetag" in rows[5][1]


async def test_announcement_today_closes_now_ends_at_midnight_and_shows_who(
    env: WebEnv, admin: Browser
) -> None:
    response = await admin.post(
        "/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "Personalengpass"}
    )
    assert response.status == 303
    assert state_now(env, "auslaender-a") is State.CLOSED
    closure = env.store.office().closures[-1]
    assert closure.created_by == "web:alice"
    midnight = (START + timedelta(days=1)).replace(hour=0)
    assert closure.end == midnight
    assert state_at(env.store.office().schedule_for("auslaender-a"), midnight).state is not None
    text = await (await admin.client.get(response.headers["Location"])).text()
    assert "Bandansage eingeschaltet." in text
    row = re.search(rf'<tr data-closure="{closure.id}">(.*?)</tr>', text, re.S)
    assert row is not None
    assert "alice" in row.group(1)  # who entered it, in words (not "web:alice")
    assert "Personalengpass" in row.group(1)
    assert "läuft" in row.group(1)
    entry = audit(env, "closure")[0]
    assert entry.action == "add_closure"
    assert entry.before is None
    assert entry.after["note"] == "Personalengpass"


async def test_ending_a_closure_early_opens_the_team_again(env: WebEnv, admin: Browser) -> None:
    await admin.post(
        "/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "Personalengpass"}
    )
    closure_id = env.store.office().closures[-1].id
    env.clock.current = START + timedelta(minutes=30)
    response = await admin.post(f"/schliesstage/{closure_id}/beenden")
    assert response.status == 303
    assert state_now(env, "auslaender-a") is State.OPEN
    entry = audit(env, "closure")[0]
    assert entry.action == "end_closure"
    assert entry.before["end"] != entry.after["end"]
    assert entry.after["ended_by"] == "web:alice"
    again = await admin.post(f"/schliesstage/{closure_id}/beenden")
    assert again.status == 409
    assert "schon vorbei" in await again.text()
    assert (await admin.post("/schliesstage/9999/beenden")).status == 404


async def test_closure_forms_need_a_reason_and_valid_dates(admin: Browser) -> None:
    response = await admin.post("/schliesstage/heute", {"today_team": "auslaender-a"})
    assert response.status == 422
    assert "Bitte einen öffentlichen Grund wählen oder einen Vermerk angeben" in html.unescape(
        await response.text()
    )
    bad = await admin.post(
        "/schliesstage/zeitraum",
        {"range_team": "*", "first_day": "2026-13-01", "range_note": "Umzug"},
    )
    assert bad.status == 422
    text = html.unescape(await bad.text())
    assert "„2026-13-01“ ist kein Datum" in text
    assert 'value="Umzug"' in text
    backwards = await admin.post(
        "/schliesstage/zeitraum",
        {
            "range_team": "*",
            "first_day": "2026-12-10",
            "last_day": "2026-12-01",
            "range_note": "Umzug",
        },
    )
    assert backwards.status == 422
    assert "liegt vor dem ersten Tag" in await backwards.text()
    unknown = await admin.post(
        "/schliesstage/heute", {"today_team": "gibt-es-nicht", "today_note": "x"}
    )
    assert unknown.status == 404
    assert "unbekanntes Team" in html.unescape(await unknown.text())


async def test_team_leads_switch_only_their_own_team(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        page = await (await tina.get("/schliesstage")).text()
        assert 'value="auslaender-b"' not in page
        assert 'value="*"' not in page
        ok = await tina.post(
            "/schliesstage/heute", {"today_team": "auslaender-a", "today_note": "Krankheit"}
        )
        assert ok.status == 303
        for team in ("auslaender-b", "*"):
            refused = await tina.post(
                "/schliesstage/heute", {"today_team": team, "today_note": "x"}
            )
            assert refused.status == 403
        # The all-teams Christmas closure of the example is not hers to end.
        christmas = next(c for c in env.store.office().closures if c.team is None)
        assert (await tina.post(f"/schliesstage/{christmas.id}/beenden")).status == 403
        assert (
            await tina.post("/sprechzeiten/auslaender-a", {"day0": "08:00-09:00"})
        ).status == 403
        own = await tina.post(
            "/pilotphasen",
            {
                "team": "auslaender-a",
                "start": "2026-01-05",
                "end": "2026-02-27",
                "note": "Vorpilot",
            },
        )
        assert own.status == 303
        other = await tina.post("/pilotphasen", {"team": "einbuergerung", "start": "2027-01-11"})
        assert other.status == 403


async def test_hostile_input_is_escaped_everywhere(env: WebEnv, admin: Browser) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    await admin.post("/schliesstage/heute", {"today_team": "auslaender-a", "today_note": hostile})
    for path in ("/schliesstage", "/", "/zentrale", "/protokoll", "/sprechzeiten"):
        text = await (await admin.get(path)).text()
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text, path
    closures = await (await admin.get("/schliesstage")).text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in closures
    # Typed values that come back in a form are escaped too.
    bad = await admin.post(
        "/sonderoeffnungen",
        {"team": "auslaender-a", "day": "x", "start": "09:00", "end": "10:00", "note": hostile},
    )
    assert bad.status == 422
    assert "<script>alert" not in await bad.text()


async def test_holiday_state_and_team_holidays(env: WebEnv, admin: Browser) -> None:
    page = await (await admin.get("/feiertage?year=2026")).text()
    assert "Fronleichnam" in page  # Hessen
    assert "Reformationstag" not in page
    assert (await admin.post("/feiertage/land", {"state": "BY"})).status == 303
    entry = audit(env, "office")[0]
    assert (entry.before, entry.after) == ({"holiday_state": "HE"}, {"holiday_state": "BY"})
    page = await (await admin.get("/feiertage?year=2026")).text()
    assert "Heilige Drei Könige" in page
    refused = await admin.post("/feiertage/land", {"state": "XX"})
    assert refused.status == 422
    assert "unbekanntes Bundesland" in html.unescape(await refused.text())
    saved = await admin.post(
        "/feiertage/team/auslaender-b", {"enabled": "on", "ignored": ["Fronleichnam"]}
    )
    assert saved.status == 303
    team = env.store.office().team("auslaender-b")
    assert team.holidays_enabled
    assert team.ignored_holidays == frozenset({"Fronleichnam"})
    off = await admin.post("/feiertage/team/auslaender-b", {})
    assert off.status == 303
    assert not env.store.office().team("auslaender-b").holidays_enabled
    assert (await admin.post("/feiertage/team/nope", {})).status == 404


async def test_special_openings(env: WebEnv, admin: Browser) -> None:
    ok = await admin.post(
        "/sonderoeffnungen",
        {
            "team": "einbuergerung",
            "day": "2026-12-05",
            "start": "09:00",
            "end": "13:00",
            "note": "Einbürgerungssamstag",
        },
    )
    assert ok.status == 303
    assert any(o.note == "Einbürgerungssamstag" for o in env.store.office().openings)
    bad = await admin.post(
        "/sonderoeffnungen",
        {"team": "einbuergerung", "day": "2026-12-05", "start": "25:00", "end": "13:00"},
    )
    assert bad.status == 422
    assert 'id="start-error"' in await bad.text()
    backwards = await admin.post(
        "/sonderoeffnungen",
        {"team": "einbuergerung", "day": "2026-12-05", "start": "13:00", "end": "09:00"},
    )
    assert backwards.status == 422
    assert "endet nicht nach seinem Beginn" in html.unescape(await backwards.text())


async def test_overlapping_pilots_are_refused_with_the_domains_message(admin: Browser) -> None:
    response = await admin.post("/pilotphasen", {"team": "auslaender-a", "start": "2027-01-04"})
    assert response.status == 422
    text = html.unescape(await response.text())
    assert "überschneidet sich mit" in text
    assert 'value="04.01.2027"' in text  # the typed day, as the German field shows it


async def test_audit_page_shows_before_and_after(env: WebEnv, admin: Browser) -> None:
    await admin.post("/feiertage/land", {"state": "NW"})
    text = html.unescape(await (await admin.get("/protokoll?entity=office")).text())
    assert "Bundesland geändert" in text
    row = re.search(r'<tr class="changed">\s*<th scope="row">Bundesland(.*?)</tr>', text, re.S)
    assert row is not None
    assert '<td class="before">HE</td>' in row.group(1)
    assert '<td class="after">NW</td>' in row.group(1)
    assert "web:alice" not in text


async def test_unknown_pages_are_a_german_404_with_english_second(admin: Browser) -> None:
    response = await admin.get("/gibt-es-nicht")
    assert response.status == 404
    text = await response.text()
    assert "Diese Seite gibt es nicht." in text
    assert "This page does not exist." in text
    assert (await admin.get("/sprechzeiten?team=nope")).status == 404


async def test_internal_errors_show_a_page_without_a_traceback(
    admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(pages.readmodels, "overview", broken)
    response = await admin.get("/")
    assert response.status == 500
    text = await response.text()
    assert "Ein interner Fehler ist aufgetreten." in text
    assert "secret internal detail" not in text
    assert "Traceback" not in text


def _tone(path: Path, seconds: float = 1.5) -> Path:
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", str(path), "synth", str(seconds), "sine", "440"],
        check=True,
        capture_output=True,
    )
    return path


async def test_upload_play_and_remove_a_recording(
    env: WebEnv, admin: Browser, tmp_path: Path
) -> None:
    wav = _tone(tmp_path / "ansage.wav")
    form = {"file": wav.open("rb")}
    response = await admin.post("/ansagen/auslaender-a/closure/de/aufnahme", form)
    assert response.status == 303
    page = await (await admin.client.get(response.headers["Location"])).text()
    assert "Aufnahme hochgeladen und aktiv." in page
    assert "eigene Aufnahme" in page
    audio = re.search(r'src="(/ansagen/audio/auslaender-a/closed-closure-de\.wav\?v=\d+)"', page)
    assert audio is not None
    played = await admin.get(audio.group(1))
    assert played.status == 200
    assert played.headers["Content-Type"] == "audio/wav"
    assert (await played.read())[:4] == b"RIFF"
    entry = audit(env, "prompt")[0]
    assert entry.action == "upload_recording"
    assert entry.entity_id == "auslaender-a/closed-closure-de"
    assert entry.before == {"active": "none"}
    assert entry.after["active"] == "recording"
    assert entry.after["recording"] == "ansage.wav"
    removed = await admin.post("/ansagen/auslaender-a/closure/de/entfernen")
    assert removed.status == 303
    assert audit(env, "prompt")[0].action == "remove_recording"
    assert (await admin.get("/ansagen/audio/auslaender-a/closed-closure-de.wav")).status == 404


async def test_bad_uploads_show_the_clear_message_at_the_field(
    admin: Browser, tmp_path: Path
) -> None:
    fake = tmp_path / "ansage.wav"
    fake.write_text("das ist kein Audio")
    response = await admin.post(
        "/ansagen/auslaender-a/hours/en/aufnahme", {"file": fake.open("rb")}
    )
    assert response.status == 400
    text = html.unescape(await response.text())
    message = re.search(r'id="file-hours-en-error">(.*?)<', text)
    assert message is not None
    assert "keine lesbare WAV-Audiodatei" in message.group(1)
    short = _tone(tmp_path / "kurz.wav", 0.3)
    too_short = await admin.post(
        "/ansagen/auslaender-a/hours/de/aufnahme", {"file": short.open("rb")}
    )
    assert too_short.status == 400
    assert "zu kurz" in html.unescape(await too_short.text())
    text_file = tmp_path / "ansage.txt"
    text_file.write_text("x")
    wrong_type = await admin.post(
        "/ansagen/auslaender-a/hours/de/aufnahme", {"file": text_file.open("rb")}
    )
    assert wrong_type.status == 400
    assert "wird nicht angenommen" in html.unescape(await wrong_type.text())
    nothing = await admin.post("/ansagen/auslaender-a/hours/de/aufnahme", {})
    assert nothing.status == 400
    assert "Bitte eine Datei auswählen." in await nothing.text()
    assert (await admin.get("/ansagen/audio/auslaender-a/..%2F..%2Fetc.wav")).status == 404


async def test_announcement_texts_per_reason_and_language(admin: Browser) -> None:
    text = html.unescape(await (await admin.get("/ansagen?team=auslaender-a")).text())
    assert text.count('class="card prompt"') == 6  # 3 reasons × de, en
    assert "Jetzt ist keine Sprechzeit." in text
    assert 'lang="en"' in text


async def test_evaluation_page_says_plainly_when_there_is_no_evaluation(
    admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from callcenter.web import evaluation

    monkeypatch.setattr(evaluation, "_modules", lambda: None)
    response = await admin.get("/auswertung")
    assert response.status == 200
    text = await response.text()
    assert "Noch keine Auswertung verfügbar" in text
    assert "plotly.min.js" not in text
    bad = await admin.get("/auswertung?from=2026-13-01")
    assert bad.status == 422
    assert "ist kein Datum" in html.unescape(await bad.text())


async def test_static_files_and_plotly_are_served_locally(client: TestClient) -> None:
    css = await client.get("/static/style.css")
    assert css.status == 200
    plotly = await client.get("/static/vendor/plotly.min.js")
    assert plotly.status == 200
    assert len(await plotly.read()) > 1_000_000
