"""Walk-ins by hand on the evaluation page: team leads for their team, admins for any,
CSRF-protected, errors at their fields, audited, one value per team and day."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from callcenter.storage.audit import AuditRepository
from callcenter.storage.models import TallyEntryRow
from callcenter.web.forms import german_date

from .conftest import Browser, WebEnv, signed_in

FORM = "/auswertung/vorsprachen"


def _rows(env: WebEnv) -> list[tuple[str, str, int | None]]:
    with env.store.session() as session:
        rows = session.scalars(select(TallyEntryRow).order_by(TallyEntryRow.id))
        return [(row.team, row.day.isoformat(), row.walk_ins) for row in rows]


def _team_options(page: str) -> list[str]:
    select_html = re.search(r'<select id="walk_team".*?</select>', page, re.S)
    assert select_html is not None
    return re.findall(r'<option value="([^"]+)"', select_html.group(0))


async def test_a_team_lead_enters_and_corrects_a_day_of_her_team(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        page = await (await tina.get("/auswertung")).text()
        assert _team_options(page) == ["auslaender-a"]
        assert 'name="walk_day" type="text"' in page
        assert 'value="23.11.2026"' in page
        data = {"walk_team": "auslaender-a", "walk_day": "2026-11-20", "walk_count": "12"}
        response = await tina.post(FORM, data)
        assert response.status == 303
        assert response.headers["Location"] == "/auswertung?team=auslaender-a&msg=walk_ins_saved"
        shown = await (await tina.get(response.headers["Location"])).text()
        assert "Vorsprachen gespeichert." in shown
        response = await tina.post(FORM, {**data, "walk_count": "9"})
        assert response.status == 303
    assert _rows(env) == [("auslaender-a", "2026-11-20", 9)]
    with env.store.session() as session:
        entries = AuditRepository(session).list(10, "walk_ins")
    assert [(e.actor, e.action, e.entity_id, e.after["walk_ins"]) for e in entries] == [
        ("web:tina", "set_walk_ins", "auslaender-a 2026-11-20", 9),
        ("web:tina", "set_walk_ins", "auslaender-a 2026-11-20", 12),
    ]


async def test_a_team_lead_cannot_enter_another_team(env: WebEnv) -> None:
    async for tina in signed_in(env, "tina"):
        data = {"walk_team": "einbuergerung", "walk_day": "2026-11-20", "walk_count": "3"}
        response = await tina.post(FORM, data)
        assert response.status == 403
    assert _rows(env) == []


async def test_an_admin_may_enter_any_team_and_the_switchboard_none(env: WebEnv) -> None:
    async for alice in signed_in(env, "alice"):
        page = await (await alice.get("/auswertung?lang=en")).text()
        assert len(_team_options(page)) == 4
        assert "Enter walk-ins without appointment" in page
        data = {"walk_team": "einbuergerung", "walk_day": "2026-11-23", "walk_count": "0"}
        assert (await alice.post(FORM, data)).status == 303
    async for sven in signed_in(env, "sven"):
        data = {"walk_team": "einbuergerung", "walk_day": "2026-11-22", "walk_count": "4"}
        assert (await sven.post(FORM, data)).status == 403
    assert _rows(env) == [("einbuergerung", "2026-11-23", 0)]


async def test_bad_input_comes_back_at_its_fields_with_the_typed_values(
    env: WebEnv, admin: Browser
) -> None:
    cases = [
        ({"walk_count": "-1"}, "walk_count", "„-1“ ist keine Anzahl von 0 bis 10000"),
        ({"walk_count": "zwölf"}, "walk_count", "„zwölf“ ist keine Anzahl von 0 bis 10000"),
        ({"walk_count": "10001"}, "walk_count", "„10001“ ist keine Anzahl von 0 bis 10000"),
        ({"walk_count": ""}, "walk_count", "Pflichtangabe"),
        ({"walk_day": "2026-11-24"}, "walk_day", "2026-11-24 liegt in der Zukunft"),
        ({"walk_day": "24.11.2026"}, "walk_day", "2026-11-24 liegt in der Zukunft"),
        ({"walk_day": "11/20/2026"}, "walk_day", "„11/20/2026“ ist kein Datum"),
        ({"walk_team": "nobody"}, "walk_team", "unbekanntes Team „nobody“"),
    ]
    good = {"walk_team": "auslaender-a", "walk_day": "2026-11-20", "walk_count": "5"}
    for change, field, words in cases:
        response = await admin.post(FORM, {**good, **change})
        assert response.status == 422, change
        page = html.unescape(await response.text())
        assert f'<p class="field-error" id="{field}-error">' in page
        assert words in page, change
        assert '<details class="card" id="walk-ins" open>' in page
        typed = next(iter(change.values()))
        if typed and field != "walk_team":  # a select offers only known teams
            shown = german_date(typed) if field == "walk_day" else typed
            assert f'value="{shown}"' in page
    assert _rows(env) == []


async def test_without_the_csrf_token_nothing_is_written(env: WebEnv, admin: Browser) -> None:
    admin.csrf = "forged"
    data = {"walk_team": "auslaender-a", "walk_day": "2026-11-20", "walk_count": "5"}
    assert (await admin.post(FORM, data)).status == 403
    assert _rows(env) == []
