"""Issue 18 (points 1, 3, 4, 7) through the aiohttp test client: the closure edit form, the
users and tokens page (admins only), the readable audit log and its CSV export, German
date fields, and hostile input."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime

from callcenter.storage.audit import AuditRepository
from callcenter.web import audit_page

from .conftest import BERLIN, PASSWORD, Browser, WebEnv, signed_in


async def _future_closure(browser: Browser, env: WebEnv, note: str = "Schulung") -> int:
    response = await browser.post(
        "/schliesstage/zeitraum",
        {"range_team": "auslaender-b", "first_day": "07.12.2026", "range_note": note},
    )
    assert response.status == 303
    return max(c.id or 0 for c in env.store.office().closures)


# -- closures (point 1) --------------------------------------------------------------------


async def test_a_future_closure_is_edited_in_its_form(env: WebEnv, admin: Browser) -> None:
    closure_id = await _future_closure(admin, env)
    form = await (await admin.get(f"/schliesstage/{closure_id}/bearbeiten")).text()
    assert 'name="start_day" type="text"' in form
    assert 'value="07.12.2026"' in form
    assert 'value="08.12.2026"' in form
    assert 'value="00:00"' in form
    changed = await admin.post(
        f"/schliesstage/{closure_id}/bearbeiten",
        {
            "start_day": "08.12.2026",
            "start_time": "12:00",
            "end_day": "2026-12-09",  # ISO is read as well
            "end_time": "18:30",
            "edit_reason": "",
            "edit_note": "Schulung (verlegt)",
        },
    )
    assert changed.status == 303
    [closure] = [c for c in env.store.office().closures if c.id == closure_id]
    assert closure.start == datetime(2026, 12, 8, 12, tzinfo=BERLIN)
    assert closure.end == datetime(2026, 12, 9, 18, 30, tzinfo=BERLIN)
    assert closure.note == "Schulung (verlegt)"
    with env.store.session() as session:
        entry = AuditRepository(session).list(1, "closure")[0]
    assert entry.action == "change_closure"
    assert entry.before["note"] == "Schulung"
    assert entry.after["note"] == "Schulung (verlegt)"


async def test_the_edit_form_shows_the_use_cases_messages_at_the_fields(
    env: WebEnv, admin: Browser
) -> None:
    closure_id = await _future_closure(admin, env)
    base = {"end_day": "08.12.2026", "end_time": "00:00", "edit_note": "x"}
    past = await admin.post(
        f"/schliesstage/{closure_id}/bearbeiten",
        {**base, "start_day": "01.11.2026", "start_time": "08:00"},
    )
    assert past.status == 422
    text = html.unescape(await past.text())
    error = re.search(r'<p class="field-error" id="start_day-error">(.*?)</p>', text)
    assert error is not None
    assert "Beginn 01.11.2026 08:00 liegt vor jetzt (23.11.2026 10:00)" in error.group(1)
    long = await admin.post(
        f"/schliesstage/{closure_id}/bearbeiten",
        {**base, "start_day": "07.12.2026", "start_time": "00:00", "end_day": "31.03.2027"},
    )
    assert long.status == 422
    text = html.unescape(await long.text())
    assert 'id="confirm_long-error"' in text
    assert "länger als 31 Tage" in text
    bad = await admin.post(
        f"/schliesstage/{closure_id}/bearbeiten",
        {**base, "start_day": "12/07/2026", "start_time": "9 Uhr"},
    )
    assert bad.status == 422
    text = html.unescape(await bad.text())
    assert "„12/07/2026“ ist kein Datum (TT.MM.JJJJ" in text
    assert 'aria-describedby="start_day-hint start_day-error" aria-invalid="true"' in text


async def test_announcement_today_says_it_starts_now_and_takes_24h_times(env: WebEnv) -> None:
    env.clock.current = env.clock.current.replace(hour=16, minute=28)
    async for tina in signed_in(env, "tina"):
        page = html.unescape(await (await tina.get("/schliesstage")).text())
        assert "Beginnt jetzt (16:28 Uhr), nicht um 00:00" in page
        assert 'id="until" name="until" type="text"' in page
        response = await tina.post(
            "/schliesstage/heute",
            {"today_team": "auslaender-a", "today_note": "Krank", "until": "17:45"},
        )
        assert response.status == 303
        listed = html.unescape(await (await tina.get("/schliesstage")).text())
        row = re.search(r'<tr data-closure="\d+">(?:(?!</tr>).)*Krank.*?</tr>', listed, re.S)
        assert row is not None
        assert "Mo 23.11.2026 16:28" in row.group(0)
        assert "Mo 23.11.2026 17:45" in row.group(0)
        assert "tina" in row.group(0)
        assert "web:tina" not in row.group(0)


async def test_a_team_lead_cannot_open_the_edit_form_of_another_team(
    env: WebEnv, admin: Browser
) -> None:
    closure_id = await _future_closure(admin, env)  # team B
    async for tina in signed_in(env, "tina"):
        assert (await tina.get(f"/schliesstage/{closure_id}/bearbeiten")).status == 403
        refused = await tina.post(
            f"/schliesstage/{closure_id}/bearbeiten",
            {"end_day": "09.12.2026", "end_time": "00:00", "edit_note": "x"},
        )
        assert refused.status == 403
    assert (await admin.get("/schliesstage/999999/bearbeiten")).status == 404
    assert (await admin.get("/schliesstage/abc/bearbeiten")).status == 404


# -- users and tokens (point 3) ------------------------------------------------------------


async def test_users_page_is_for_admins_only(env: WebEnv) -> None:
    for name in ("tina", "sven"):
        async for other in signed_in(env, name):
            assert (await other.get("/benutzer")).status == 403
            refused = await other.post(
                "/benutzer", {"new_username": "mallory", "new_role": "admin"}
            )
            assert refused.status == 403
            assert (await other.post("/benutzer/passwort", {"username": "alice"})).status == 403
    with env.store.session() as session:
        assert all(e.entity_id != "mallory" for e in AuditRepository(session).list(50, "user"))


async def test_an_admin_creates_a_user_who_logs_in_with_the_password_shown_once(
    env: WebEnv, admin: Browser
) -> None:
    created = await admin.post(
        "/benutzer", {"new_username": "lena", "new_role": "teamlead", "new_team": "auslaender-b"}
    )
    assert created.status == 200
    assert created.headers["Cache-Control"] == "no-store"
    page = await created.text()
    password = re.search(r'<code class="once" id="secret-value">([^<]+)</code>', page)
    assert password is not None
    assert len(password.group(1)) == 16
    again = await (await admin.get("/benutzer")).text()
    assert password.group(1) not in again
    async for lena in signed_in_with(env, "lena", password.group(1)):
        assert (await lena.get("/schliesstage")).status == 200
    # Role and team change, lock, new password: each audited.
    changed = await admin.post(
        "/benutzer/rolle", {"username": "lena", "role": "switchboard", "team": ""}
    )
    assert changed.status == 303
    assert (
        await admin.post("/benutzer/sperre", {"username": "lena", "disabled": "1"})
    ).status == 303
    reset = await admin.post("/benutzer/passwort", {"username": "lena"})
    assert reset.status == 200
    with env.store.session() as session:
        actions = [e.action for e in AuditRepository(session).list(10, "user")]
    assert actions[:4] == ["set_password", "disable_user", "set_role", "add_user"]


async def signed_in_with(env: WebEnv, username: str, password: str):  # type: ignore[no-untyped-def]
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(env.app)) as client:
        browser = Browser(client)
        assert (await browser.login(username, password)).status == 303
        yield browser


async def test_user_form_problems_come_back_at_the_fields(admin: Browser) -> None:
    hostile = '<script>alert("x")</script>'
    response = await admin.post("/benutzer", {"new_username": hostile, "new_role": "admin"})
    assert response.status == 422
    text = await response.text()
    assert "<script>alert" not in text
    assert 'id="new_username-error"' in text
    lead = await admin.post("/benutzer", {"new_username": "otto", "new_role": "teamlead"})
    assert lead.status == 422
    assert "Eine Teamleitung braucht ein Team" in html.unescape(await lead.text())
    taken = await admin.post("/benutzer", {"new_username": "tina", "new_role": "switchboard"})
    assert taken.status == 409
    assert "Benutzer „tina“ gibt es schon" in html.unescape(await taken.text())
    last = await admin.post("/benutzer/sperre", {"username": "alice", "disabled": "1"})
    assert last.status == 409
    assert "letzte aktive Administration" in html.unescape(await last.text())


async def test_tokens_are_created_once_listed_with_scopes_and_revoked(
    env: WebEnv, admin: Browser
) -> None:
    missing = await admin.post("/benutzer/token", {"token_name": "portal", "token_user": "sven"})
    assert missing.status == 422
    assert "mindestens einen Bereich" in html.unescape(await missing.text())
    past = await admin.post(
        "/benutzer/token",
        {"token_name": "portal", "token_user": "sven", "scope": "read", "expires": "01.01.2020"},
    )
    assert past.status == 422
    assert "liegt nicht in der Zukunft" in html.unescape(await past.text())
    made = await admin.post(
        "/benutzer/token",
        {
            "token_name": "portal",
            "token_user": "sven",
            "scope": ["read", "closures"],
            "expires": "31.12.2026",
        },
    )
    assert made.status == 200
    secret = re.search(r'id="secret-value">(cc_[^<]+)<', await made.text())
    assert secret is not None
    listed = html.unescape(await (await admin.get("/benutzer")).text())
    row = re.search(r'<tr data-token="portal">(.*?)</tr>', listed, re.S)
    assert row is not None
    assert "lesen" in row.group(1)
    assert "Schließtage" in row.group(1)
    assert "Fr 01.01.2027 00:00" in row.group(1)  # valid up to and including 31.12.
    assert secret.group(1) not in listed
    api = await admin.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {secret.group(1)}"}
    )
    assert api.status == 200
    revoked = await admin.post("/benutzer/token/widerrufen", {"token_name": "portal"})
    assert revoked.status == 303
    api = await admin.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {secret.group(1)}"}
    )
    assert api.status == 401


# -- audit log (point 4) -------------------------------------------------------------------


async def test_audit_log_is_readable_filtered_and_exported(env: WebEnv, admin: Browser) -> None:
    closure_id = await _future_closure(admin, env, note='=HYPERLINK("http://x") 0171 2345678')
    await admin.post(f"/schliesstage/{closure_id}/loeschen")
    text = html.unescape(await (await admin.get("/protokoll?entity=closure")).text())
    assert "Schließung gelöscht" in text
    assert "Schließung angelegt" in text
    assert "Mo 23.11.2026 10:00" in text
    assert "2026-12-06T23:00:00+00:00" not in text  # no UTC ISO times for people
    assert "Mo 07.12.2026 00:00" in text
    assert "0171 2345678" not in text
    team_b = html.unescape(await (await admin.get("/protokoll?team=auslaender-b")).text())
    assert "Schließung gelöscht" in team_b
    team_a = html.unescape(await (await admin.get("/protokoll?team=auslaender-a")).text())
    assert "Schließung gelöscht" not in team_a
    later = html.unescape(await (await admin.get("/protokoll?from=24.11.2026")).text())
    assert "Keine Einträge für diese Auswahl." in later
    bad = await admin.get("/protokoll?from=31.02.2026")
    assert bad.status == 422
    shown = html.unescape(await bad.text())
    assert '<p class="field-error" id="from-error">„31.02.2026“ ist kein Datum' in shown
    assert (await admin.get("/protokoll.csv?to=morgen")).status == 422
    export = await admin.get("/protokoll.csv?entity=closure")
    assert export.status == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    body = await export.read()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Zeitpunkt", "Wer", "Was"]
    deleted = next(r for r in rows[1:] if r[2] == "Schließung gelöscht")
    assert deleted[0] == "Mo 23.11.2026 10:00"
    assert deleted[1] == "alice"
    joined = "\n".join(";".join(r) for r in rows)
    assert "0171 2345678" not in joined
    assert "2345678" not in joined
    assert not any(cell.startswith("=") for r in rows for cell in r)


async def test_audit_pages_are_for_admins_only(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        assert (await tina.get("/protokoll")).status == 403
        assert (await tina.get("/protokoll.csv")).status == 403


async def test_the_cli_actor_reads_as_command_line(env: WebEnv, admin: Browser) -> None:
    with env.store.session() as session:
        AuditRepository(session).record(
            actor="cli:root",
            at=env.clock.current,
            action="set_holiday_state",
            entity="office",
            before={"holiday_state": "HE"},
            after={"holiday_state": "BY"},
        )
    text = html.unescape(await (await admin.get("/protokoll")).text())
    assert "Kommandozeile (root)" in text
    assert "cli:root" not in text
    english = html.unescape(await (await admin.get("/protokoll?lang=en")).text())
    assert "Command line (root)" in english
    assert "German state changed" in english


async def test_password_is_never_in_the_audit(env: WebEnv, admin: Browser) -> None:
    reset = await admin.post("/benutzer/passwort", {"username": "sven"})
    secret = re.search(r'id="secret-value">([^<]+)<', await reset.text())
    assert secret is not None
    text = await (await admin.get("/protokoll?entity=user")).text()
    assert secret.group(1) not in text
    assert PASSWORD not in text


async def test_a_token_needs_an_expiry_a_year_is_suggested(admin: Browser) -> None:
    page = await (await admin.get("/benutzer")).text()
    assert 'id="expires" name="expires"' in page
    assert 'value="23.11.2027"' in page
    response = await admin.post(
        "/benutzer/token",
        {"token_name": "forever", "token_user": "sven", "scope": "read", "expires": ""},
    )
    assert response.status == 422
    assert '<p class="field-error" id="expires-error">Pflichtangabe</p>' in await response.text()


async def test_the_admin_pages_speak_english_in_the_english_ui(env: WebEnv, admin: Browser) -> None:
    await _future_closure(admin, env)
    users = html.unescape(await (await admin.get("/benutzer?lang=en")).text())
    assert "Users and API tokens" in users
    assert "Team lead" in users
    closures = html.unescape(await (await admin.get("/schliesstage?lang=en")).text())
    assert "DD.MM.YYYY, today (23.11.2026) at the earliest" in closures
    assert 'placeholder="DD.MM.YYYY"' in closures
    audit = html.unescape(await (await admin.get("/protokoll?lang=en")).text())
    assert "Closure added" in audit
    assert "Schließung angelegt" not in audit


async def test_hostile_input_is_refused_and_never_reflected_raw(admin: Browser) -> None:
    hostile = '"><img src=x onerror=alert(1)>'
    token = await admin.post(
        "/benutzer/token",
        {"token_name": hostile, "token_user": "sven", "scope": "read", "expires": "01.01.2027"},
    )
    assert token.status == 422
    assert "<img src=x" not in await token.text()
    filters = await admin.get(
        "/protokoll", params={"entity": hostile, "team": "../../etc", "from": hostile}
    )
    assert filters.status == 422
    text = await filters.text()
    assert "<img src=x" not in text
    assert "&lt;img src=x" in text  # shown (cut to 20 characters), escaped, at the field
    unknown = await admin.post("/benutzer/rolle", {"username": hostile, "role": "admin"})
    assert unknown.status == 404
    assert "<img src=x" not in await unknown.text()
    role = await admin.post("/benutzer/rolle", {"username": "sven", "role": "root"})
    assert role.status == 422
    assert "unbekannte Rolle" in html.unescape(await role.text())


async def test_a_team_filter_and_the_export_reach_past_many_newer_entries(
    env: WebEnv, admin: Browser, monkeypatch
) -> None:
    """A team's one change behind more newer entries of other teams than one read holds is
    still found, and the CSV holds every entry of the selection, not the page's newest."""
    monkeypatch.setattr(audit_page, "SCAN_BATCH", 50)
    at = env.clock.current
    with env.store.session() as session:
        audit = AuditRepository(session)
        audit.record(
            actor="cli:root",
            at=at,
            action="set_windows",
            entity="team",
            entity_id="einbuergerung",
            before={"team": "einbuergerung"},
            after={"team": "einbuergerung"},
        )
        for n in range(audit_page.PAGE_SIZE + 130):  # newer, about another team
            audit.record(
                actor="cli:root",
                at=at,
                action="set_windows",
                entity="team",
                entity_id="auslaender-a",
                before={"team": "auslaender-a", "n": n},
                after={"team": "auslaender-a", "n": n + 1},
            )
    page = html.unescape(await (await admin.get("/protokoll?team=einbuergerung")).text())
    assert "1 Eintrag." in page
    shown = html.unescape(await (await admin.get("/protokoll?team=auslaender-a")).text())
    assert f"{audit_page.PAGE_SIZE} Einträge" in shown  # the page: the newest 200
    export = await admin.get("/protokoll.csv?entity=team")
    rows = list(csv.reader(io.StringIO((await export.read()).decode("utf-8-sig")), delimiter=";"))
    with env.store.session() as session:
        stored = len(AuditRepository(session).list(100_000, "team"))
    assert stored >= audit_page.PAGE_SIZE + 131
    assert len(rows) - 1 == stored
