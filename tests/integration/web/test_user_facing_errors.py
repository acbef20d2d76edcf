"""Errors speak to users: no server paths or tool output on a page or in an API answer (the
log has them), and the API's German message is German."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import OperationalError

from callcenter.prompts.audio_errors import AudioToolError
from callcenter.prompts.audio_tools import AudioTools
from callcenter.web import health
from callcenter.web.validation_messages import messages

from .conftest import Browser, WebEnv, api_token

A = "/api/v1"
UPLOAD = f"{A}/prompts/auslaender-a/hours/de/recording"
SECRET_PATH = "/srv/callcenter/data/uploads/upload-3f9a.wav"
# Words of pydantic's English messages that must not show up in message_de.
ENGLISH = ("Input should", "Field required", "Extra inputs", "should have", "String should")


@pytest.fixture
async def admin_api(env: WebEnv) -> AsyncIterator[TestClient]:
    token = api_token(env, "alice", "errors")
    async with TestClient(TestServer(env.app)) as client:
        client.session.headers["Authorization"] = f"Bearer {token}"
        yield client


def _nothing_of_the_server(env: WebEnv, *texts: str) -> None:
    for text in texts:
        assert "sox" not in text.lower()
        assert str(env.settings.data_dir) not in text
        assert "/tmp" not in text
        assert "uploads/" not in text
        assert "FAIL" not in text


async def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    error: dict[str, Any] = (await response.json())["error"]
    return error


async def test_an_unreadable_upload_names_the_file_not_sox_or_paths(
    env: WebEnv, admin_api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="callcenter.prompts.upload")
    response = await admin_api.put(
        UPLOAD, data=b"not audio at all", headers={"Content-Type": "audio/wav"}
    )
    error = await _error(response, 400)
    assert error["code"] == "recording_not_audio"
    assert error["message_de"].startswith("„upload.wav“ ist keine lesbare WAV-Audiodatei")
    assert "beschädigt" in error["message_de"]
    assert "damaged" in error["message_en"]
    _nothing_of_the_server(env, error["message_de"], error["message_en"])
    # The operator still finds sox's words and the file in the log.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "rejected by sox" in logged
    assert str(env.settings.data_dir) in logged


async def test_the_upload_page_shows_the_same_plain_message(env: WebEnv, admin: Browser) -> None:
    form = FormData()
    form.add_field("csrf_token", admin.csrf)
    form.add_field("file", b"not audio at all", filename="ansage.wav", content_type="audio/wav")
    response = await admin.client.post(
        "/ansagen/auslaender-a/hours/de/aufnahme", data=form, allow_redirects=False
    )
    assert response.status == 400
    html = await response.text()
    assert "„ansage.wav“ ist keine lesbare WAV-Audiodatei" in html
    assert "sox" not in html.lower()
    assert str(env.settings.data_dir) not in html


async def test_a_failing_audio_tool_is_reported_without_its_output(
    env: WebEnv,
    admin_api: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(self: AudioTools, path: Path, sox_type: str) -> Any:
        output = f"sox FAIL formats: can't open input file `{SECRET_PATH}': Permission denied"
        raise AudioToolError(
            "sox", f"sox ist fehlgeschlagen: {output}", f"sox failed: {output}", output
        )

    monkeypatch.setattr(AudioTools, "stats", broken)
    caplog.set_level(logging.ERROR, logger="callcenter.web.middleware")
    response = await admin_api.put(
        UPLOAD, data=b"RIFF....WAVE", headers={"Content-Type": "audio/wav"}
    )
    error = await _error(response, 503)
    assert error["code"] == "audio_tool"
    assert "Audiowerkzeug sox" in error["message_de"]
    assert "Protokoll" in error["message_de"]
    assert "service log" in error["message_en"]
    for text in (error["message_de"], error["message_en"]):
        assert SECRET_PATH not in text
        assert "Permission denied" not in text
    assert SECRET_PATH in " ".join(record.getMessage() for record in caplog.records)


async def test_healthz_does_not_publish_the_database_error(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreachable(state: Any) -> bool:
        raise OperationalError(
            "SELECT 1",
            {},
            Exception(f'password authentication failed for user "cc" at {SECRET_PATH}'),
        )

    monkeypatch.setattr(health, "_probe_database", unreachable)
    caplog.set_level(logging.ERROR, logger="callcenter.web.health")
    response = await client.get("/healthz")
    assert response.status == 503
    database = (await response.json())["checks"]["database"]
    assert database["ok"] is False
    assert "nicht erreichbar" in database["error"]
    assert SECRET_PATH not in database["error"]
    assert "password" not in database["error"]
    assert any(SECRET_PATH in (record.exc_text or "") for record in caplog.records)


@pytest.mark.parametrize(
    ("body", "german"),
    [
        ({}, "state: Pflichtangabe fehlt"),
        ({"state": 5}, "state: muss Text sein"),
        ({"state": "HEX"}, "state: zu lang: höchstens 2 Zeichen"),
        ({"state": "H"}, "state: zu kurz: mindestens 2 Zeichen"),
        ({"state": "HE", "land": "x"}, "land: unbekanntes Feld"),
    ],
)
async def test_the_api_explains_invalid_input_in_german(
    admin_api: TestClient, body: dict[str, Any], german: str
) -> None:
    error = await _error(await admin_api.put(f"{A}/holidays/state", json=body), 422)
    assert error["code"] == "validation"
    assert error["message_de"] == german
    assert not any(word in error["message_de"] for word in ENGLISH)
    assert error["message_en"].split(": ")[0] == german.split(": ")[0]
    assert error["message_en"] != error["message_de"]


async def test_query_errors_and_broken_json_are_german_too(admin_api: TestClient) -> None:
    query = await _error(await admin_api.get(f"{A}/audit?limit=viele"), 422)
    assert query["message_de"] == "limit: muss eine ganze Zahl sein"
    too_many = await _error(await admin_api.get(f"{A}/audit?limit=5000"), 422)
    assert too_many["message_de"] == "limit: darf höchstens 1000 sein"
    broken = await admin_api.put(
        f"{A}/holidays/state", data=b'{"state": ', headers={"Content-Type": "application/json"}
    )
    error = await _error(broken, 400)
    assert error["message_de"] == "Kein gültiges JSON (Zeile 1, Spalte 11)."
    assert "Expecting value" in error["message_en"]


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    kind: str = Field(pattern=r"^[a-z]+$")
    count: int = Field(ge=1)
    flag: bool = False


@pytest.mark.parametrize(
    ("data", "german"),
    [
        ({"kind": "a", "count": 0}, "muss mindestens 1 sein"),
        ({"kind": "A1", "count": 1}, "hat nicht die erwartete Form (^[a-z]+$)"),
        ({"kind": "a", "count": 1, "flag": "ja"}, "muss true oder false sein"),
        ({"kind": "a", "count": "1"}, "muss eine ganze Zahl sein"),
    ],
)
def test_pydantic_messages_have_a_german_sentence(data: dict[str, Any], german: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Sample.model_validate(data)
    de, en = messages(caught.value.errors()[0])
    assert de == german
    assert en == caught.value.errors()[0]["msg"]


def test_our_own_bilingual_validator_texts_are_split() -> None:
    error = {
        "type": "value_error",
        "msg": "Value error, start und end gehören zusammen / start and end go together",
    }
    assert messages(error) == ("start und end gehören zusammen", "start and end go together")
    unknown = {"type": "some_new_type", "msg": "Something new"}
    assert messages(unknown) == ("ungültiger Wert (some_new_type)", "Something new")
