"""The JSON API's route table: one `Endpoint` per route, from which both the aiohttp routes
and the OpenAPI document are made, so no endpoint can be left undocumented."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from callcenter.domain.access import Role, Scope
from callcenter.web.errors import WebError, forbidden, scope_missing
from callcenter.web.middleware import ensure_identity
from callcenter.web.state import Identity, WebState, state_of
from callcenter.web.validation_messages import messages

API_PREFIX = "/api/v1"
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.TEAMLEAD})
ADMIN = frozenset({Role.ADMIN})
MAX_JSON_BYTES = 256 * 1024


@dataclass(frozen=True)
class Call:
    """What an endpoint's function gets: parsed, validated inputs and who asks."""

    request: web.Request
    state: WebState
    identity: Identity
    query: Any
    body: Any
    path: Mapping[str, str]


@dataclass(frozen=True)
class Serialized:
    """A response body already serialized from the endpoint's `response` model, e.g. from
    parts kept between requests (what the OpenAPI document promises stays the model)."""

    text: str


Run = Callable[[Call], Awaitable[BaseModel | Serialized]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # below API_PREFIX, aiohttp syntax: /teams/{team}/hours
    run: Run
    summary_de: str
    summary_en: str
    roles: frozenset[Role]
    response: type[BaseModel]
    # What an API token needs besides its user's role (admin implies all).
    scope: Scope
    status: int = 200
    body: type[BaseModel] | None = None
    # Raw audio upload: content types accepted instead of a JSON body.
    binary: tuple[str, ...] = ()
    query: type[BaseModel] | None = None
    path_params: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    public: bool = False

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def operation_id(self) -> str:
        return getattr(self.run, "__name__", "op").removeprefix("api_")


def _validation_error(exc: ValidationError, where: str) -> WebError:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    field_name = location or where
    german, english = messages(first)
    return WebError(
        422, "validation", f"{field_name}: {german}", f"{field_name}: {english}", field_name
    )


async def _json_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    raw = await _read_json(request) if request.body_exists else b"{}"
    try:
        # From JSON text, so strict models take ISO dates as strings but no numbers for them.
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _validation_error(exc, "body") from None


async def _read_json(request: web.Request) -> bytes:
    if request.content_type != "application/json":
        raise WebError(
            400,
            "content_type",
            "Der Inhalt muss JSON sein (Content-Type: application/json).",
            "the body must be JSON (Content-Type: application/json).",
            "body",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            raise WebError(
                400, "too_large", "Der Inhalt ist zu groß.", "the body is too large.", "body"
            )
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        at = (
            f"Zeile {exc.lineno}, Spalte {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else "UTF-8"
        )
        raise WebError(
            400,
            "invalid_json",
            f"Kein gültiges JSON ({at}).",
            f"not valid JSON: {exc}",
            "body",
        ) from None
    return raw


def make_handler(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        state = state_of(request)
        identity = ensure_identity(request)
        if identity.role not in endpoint.roles:
            raise forbidden()
        if not identity.may_use(endpoint.scope):
            raise scope_missing(endpoint.scope)
        query = None
        if endpoint.query is not None:
            try:
                query = endpoint.query.model_validate(dict(request.query))
            except ValidationError as exc:
                raise _validation_error(exc, "query") from None
        body = None
        if endpoint.body is not None:
            body = await _json_body(request, endpoint.body)
        call = Call(request, state, identity, query, body, request.match_info)
        result = await endpoint.run(call)
        text = (
            result.text if isinstance(result, Serialized) else result.model_dump_json(by_alias=True)
        )
        return web.Response(
            text=text,
            status=endpoint.status,
            content_type="application/json",
        )

    handler.__name__ = f"api_{endpoint.operation_id}"
    return handler


def add_routes(app: web.Application, endpoints: tuple[Endpoint, ...]) -> None:
    for endpoint in endpoints:
        app.router.add_route(endpoint.method, endpoint.full_path, make_handler(endpoint))
