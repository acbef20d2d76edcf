"""The OpenAPI 3.1 document, generated from the route table and the pydantic models."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from callcenter.web.api_base import API_PREFIX, Endpoint
from callcenter.web.api_models import ErrorResponse

OPENAPI_PATH = API_PREFIX + "/openapi.json"
_PATH_PARAM = re.compile(r"{([^}/]+)}")
_ERRORS = {
    "400": "Ungültige Anfrage / bad request",
    "401": "Nicht angemeldet / not authenticated",
    "403": "Keine Berechtigung / forbidden",
    "404": "Nicht gefunden / not found",
    "409": "Konflikt / conflict",
    "422": "Ungültige Angaben / invalid input",
}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Query parameters cannot be null in a URL: drop that alternative."""
    options = schema.get("anyOf")
    if options:
        rest = [option for option in options if option.get("type") != "null"]
        if len(rest) == 1:
            merged = {k: v for k, v in schema.items() if k != "anyOf"}
            merged.update(rest[0])
            return merged
    return schema


def _query_parameters(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        cleaned = _without_null(dict(prop))
        cleaned.pop("title", None)
        if "default" in cleaned and cleaned["default"] is None:
            del cleaned["default"]
        parameters.append(
            {"name": name, "in": "query", "required": name in required, "schema": cleaned}
        )
    return parameters


def build_openapi(endpoints: tuple[Endpoint, ...], title: str) -> dict[str, Any]:
    models: list[type[BaseModel]] = [ErrorResponse]
    for endpoint in endpoints:
        models.append(endpoint.response)
        if endpoint.body is not None:
            models.append(endpoint.body)
        if endpoint.query is not None:
            models.append(endpoint.query)
    keyed = [(model, "validation") for model in dict.fromkeys(models)]
    mapping, definitions = models_json_schema(
        keyed,  # type: ignore[arg-type]
        ref_template="#/components/schemas/{model}",
    )
    schemas = definitions.get("$defs", {})

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return mapping[(model, "validation")]

    def inline(model: type[BaseModel]) -> dict[str, Any]:
        reference = ref(model)["$ref"].rsplit("/", 1)[-1]
        return dict(schemas[reference])

    error_content = {"application/json": {"schema": ref(ErrorResponse)}}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": endpoint.path_params.get(name, {"type": "string"}),
            }
            for name in _PATH_PARAM.findall(endpoint.path)
        ]
        if endpoint.query is not None:
            parameters.extend(_query_parameters(endpoint.query, inline(endpoint.query)))
        operation: dict[str, Any] = {
            "operationId": endpoint.operation_id,
            "summary": f"{endpoint.summary_de} / {endpoint.summary_en}",
            "description": "Rollen / roles: "
            + ", ".join(sorted(r.value for r in endpoint.roles))
            + f"; API-Token-Bereich / token scope: {endpoint.scope} (admin umfasst alle / "
            "admin implies all)",
            "parameters": parameters,
            "responses": {
                str(endpoint.status): {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref(endpoint.response)}},
                },
                **{
                    status: {"description": text, "content": error_content}
                    for status, text in _ERRORS.items()
                },
            },
            "security": [{"bearer": []}, {"session": []}],
        }
        if endpoint.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(endpoint.body)}},
            }
        if endpoint.binary:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in endpoint.binary
                },
            }
        paths.setdefault(endpoint.full_path, {})[endpoint.method.lower()] = operation
    paths[OPENAPI_PATH] = {
        "get": {
            "operationId": "openapi",
            "summary": "Dieses Dokument / this document",
            "security": [],
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": "1",
            "description": (
                "Sprechzeiten, Schließtage („Bandansage heute“), Feiertage, Sonderöffnungen, "
                "Pilotphasen, Ansagen, Auswertung. Anmeldung mit API-Token "
                "(`callcenter users token NAME --user USER --scope read|closures|schedule|admin`) "
                "als `Authorization: Bearer …`. "
                'Fehler: {"error": {"code", "message_de", "message_en", "field"}}.\n\n'
                "Call hours, closures ('announcement today'), holidays, special openings, "
                "pilot periods, announcements, evaluation. Authenticate with an API token."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "cc_session"},
            },
        },
    }


OPENAPI = web.AppKey("callcenter_openapi", dict)


async def openapi_document(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[OPENAPI])
