"""The announcements page: the office's phrases with a preview before saving, the audio
endpoint's auth and path handling, and no server paths when the templates are broken."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from aiohttp.test_utils import TestClient

from callcenter.domain.access import Actor
from callcenter.prompts.audio_files import TeamSounds
from callcenter.prompts.templates import public_reason_keys
from callcenter.storage.audit import AuditRepository
from callcenter.usecases.office_phrases import office_contact
from callcenter.usecases.schedule import announcement_today
from callcenter.web.state import WEB

from .conftest import Browser, WebEnv, signed_in

TEAM = "auslaender-a"


def _audit(env: WebEnv, entity: str) -> list:
    with env.store.session() as session:
        return AuditRepository(session).list(50, entity)


def _texts(page: str) -> list[str]:
    return re.findall(r'<p class="prompt-text" lang="de">(.*?)</p>', html.unescape(page), re.S)


async def test_preview_shows_the_typed_phrases_without_saving(env: WebEnv, admin: Browser) -> None:
    before = _audit(env, "office_phrases")
    response = await admin.post(
        "/ansagen/textbausteine",
        {"team": TEAM, "url": "www.stadt-beispiel.de/termine", "email": "", "action": "preview"},
    )
    assert response.status == 200
    page = await response.text()
    assert 'id="phrases-preview"' in page
    texts = _texts(page)
    assert texts
    assert all("www.stadt-beispiel.de/termine" in text for text in texts)
    assert _audit(env, "office_phrases") == before  # nothing saved
    again = await (await admin.get(f"/ansagen?team={TEAM}")).text()
    assert "www.stadt-beispiel.de/termine" not in again


async def test_saving_phrases_is_audited_and_feeds_the_announcements(
    env: WebEnv, admin: Browser
) -> None:
    response = await admin.post(
        "/ansagen/textbausteine",
        {
            "team": TEAM,
            "url": "www.stadt-beispiel.de/termine",
            "email": "buero@stadt.de",
            "action": "save",
        },
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/ansagen?team={TEAM}&msg=phrases_saved"
    page = await (await admin.get(response.headers["Location"])).text()
    assert "Textbausteine gespeichert" in page
    # One contact per announcement (issue 20: at most 20 s): the web address; the e-mail
    # address is said only where there is no web address.
    texts = _texts(page)
    assert texts
    assert all("www.stadt-beispiel.de/termine" in text for text in texts)
    entry = _audit(env, "office_phrases")[0]
    assert entry.action == "save_phrases"
    assert entry.after == {"url": "www.stadt-beispiel.de/termine", "email": "buero@stadt.de"}
    with env.store.unit_of_work() as uow:
        contact = office_contact(uow, env.settings)
    assert contact.email == "buero@stadt.de"
    # Saving the configuration's values again removes the override (and is audited).
    configured = env.settings.office
    await admin.post(
        "/ansagen/textbausteine",
        {"url": configured.appointment_url, "email": configured.contact_email, "action": "save"},
    )
    with env.store.unit_of_work() as uow:
        assert uow.phrases.overrides() == {}


async def test_a_bad_phrase_comes_back_at_its_field_and_is_not_saved(
    env: WebEnv, admin: Browser
) -> None:
    response = await admin.post(
        "/ansagen/textbausteine",
        {"team": TEAM, "url": "keine adresse", "email": "kein-at", "action": "save"},
    )
    assert response.status == 422
    text = html.unescape(await response.text())
    assert re.search(r'id="url-error">[^<]*keine Web-Adresse', text)
    assert re.search(r'id="email-error">[^<]*keine E-Mail-Adresse', text)
    assert 'value="keine adresse"' in text
    assert _audit(env, "office_phrases") == []


async def test_only_admins_edit_phrases(env: WebEnv) -> None:
    async for lead in signed_in(env, "tina"):
        response = await lead.post("/ansagen/textbausteine", {"url": "www.x.de", "action": "save"})
        assert response.status == 403
    assert _audit(env, "office_phrases") == []


def _tone(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(path), "synth", "1", "sine", "440"],
        check=True,
        capture_output=True,
    )


async def test_audio_needs_an_admin_and_a_valid_slot(env: WebEnv, admin: Browser) -> None:
    sounds = TeamSounds(env.settings.sounds_dir, TEAM)
    _tone(sounds.active("closed-hours-de"))
    secret = env.settings.data_dir / "geheim.wav"
    _tone(secret)
    ok = await admin.get(f"/ansagen/audio/{TEAM}/closed-hours-de.wav")
    assert ok.status == 200
    assert ok.headers["Content-Type"] == "audio/wav"
    assert "private" in ok.headers["Cache-Control"]
    assert (await ok.read())[:4] == b"RIFF"
    for path in (
        f"/ansagen/audio/{TEAM}/..%2F..%2F..%2Fgeheim.wav",
        f"/ansagen/audio/{TEAM}/closed-hours-de%2F..%2F..%2F..%2F..%2Fgeheim.wav",
        f"/ansagen/audio/..%2F{TEAM}/closed-hours-de.wav",
        "/ansagen/audio/unbekannt/closed-hours-de.wav",
        f"/ansagen/audio/{TEAM}/closed-hours-xx.wav",
        f"/ansagen/audio/{TEAM}/closed-hours-en.wav",  # valid, but not rendered
    ):
        response = await admin.get(path)
        assert response.status == 404, path
    async for board in signed_in(env, "sven"):
        assert (await board.get(f"/ansagen/audio/{TEAM}/closed-hours-de.wav")).status == 403


async def test_audio_without_a_session_is_refused(env: WebEnv, client: TestClient) -> None:
    sounds = TeamSounds(env.settings.sounds_dir, TEAM)
    _tone(sounds.active("closed-hours-de"))
    response = await client.get(f"/ansagen/audio/{TEAM}/closed-hours-de.wav", allow_redirects=False)
    assert response.status in (303, 401)
    assert (await response.read())[:4] != b"RIFF"


async def test_broken_templates_show_no_server_path(
    env: WebEnv, admin: Browser, tmp_path: Path
) -> None:
    folder = tmp_path / "vorlagen-geheim"
    folder.mkdir()
    (folder / "de.toml").write_text("das ist [kein toml", encoding="utf-8")
    state = env.app[WEB]
    state.settings = env.settings.model_copy(
        update={"prompts": env.settings.prompts.model_copy(update={"templates_dir": folder})}
    )
    response = await admin.get(f"/ansagen?team={TEAM}")
    assert response.status == 200
    text = html.unescape(await response.text())
    assert "Ansagevorlagen (de.toml) konnten nicht gelesen werden" in text
    assert str(folder) not in text
    assert "vorlagen-geheim" not in text
    assert "Traceback" not in text


async def test_rerender_renders_the_team_again_and_is_audited(env: WebEnv, admin: Browser) -> None:
    sounds = TeamSounds(env.settings.sounds_dir, TEAM)
    response = await admin.post(f"/ansagen/{TEAM}/neu")
    assert response.status == 303
    assert response.headers["Location"] == f"/ansagen?team={TEAM}&msg=rerendered"
    first = sounds.active("closed-hours-de")
    assert first.is_file()
    assert first.stat().st_size > 1000
    entry = _audit(env, "prompt")[0]
    assert entry.action == "render_prompts"
    assert entry.entity_id == TEAM
    assert entry.after["rendered"] == 3 * len(env.settings.prompts.languages)
    # Again, with unchanged texts: rendered anew all the same (that is what the button is for).
    await admin.post(f"/ansagen/{TEAM}/neu")
    assert _audit(env, "prompt")[0].after["rendered"] == 3 * len(env.settings.prompts.languages)
    page = await (await admin.get(f"/ansagen?team={TEAM}&msg=rerendered")).text()
    assert "Ansagen neu erzeugt." in page
    assert f'src="/ansagen/audio/{TEAM}/closed-hours-de.wav?v=' in page
    assert (await admin.post("/ansagen/unbekannt/neu")).status == 404


async def test_closure_texts_show_how_a_public_reason_sounds_never_the_note(
    env: WebEnv, admin: Browser
) -> None:
    page = html.unescape(await (await admin.get(f"/ansagen?team={TEAM}")).text())
    assert 'z. B.: <q lang="de">' in page
    with env.store.unit_of_work() as uow:
        announcement_today(
            uow,
            Actor.admin("web:alice"),
            TEAM,
            "Frau X krank",
            now=env.clock.now(),
            tz=env.settings.tz,
            public_reason="organisational",
            reasons=public_reason_keys(env.settings.prompts.templates_dir),
        )
    page = html.unescape(await (await admin.get(f"/ansagen?team={TEAM}")).text())
    closure = re.search(
        r'data-slot="closed-closure-de">.*?<p class="prompt-text" lang="de">(.*?)</p>', page, re.S
    )
    assert closure is not None
    assert "organisatorische Gründe" in closure.group(1)
    assert "Frau X krank" not in page
