"""The OpenAPI document: valid JSON, every route listed, references resolve, shapes match."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import LiveServer, live_server

from vidskill.server.app import create_app
from vidskill.server.config import ServerConfig

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    with live_server(tmp_path_factory.mktemp("data")) as srv:
        response = httpx.get(f"{srv.url}/openapi.json")
        assert response.headers["content-type"].startswith("application/json")
        yield srv, response.json()


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_header(served: tuple[LiveServer, dict[str, Any]]) -> None:
    _, doc = served
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_route_is_documented(
    served: tuple[LiveServer, dict[str, Any]], tmp_path: Path
) -> None:
    _, doc = served
    app = create_app(ServerConfig(data_dir=tmp_path))
    routes = {
        (route.path, method.lower())
        for route in app.routes
        for method in getattr(route, "methods", set()) - {"HEAD"}
        if route.path != "/openapi.json"
    }
    documented = {
        (path, method)
        for path, item in doc["paths"].items()
        for method in item
        if method in METHODS
    }
    assert documented == routes


def test_references_resolve_and_operations_answer(
    served: tuple[LiveServer, dict[str, Any]],
) -> None:
    _, doc = served
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas
    for item in doc["paths"].values():
        for method, op in item.items():
            assert "200" in op["responses"], method
            for param in op.get("parameters", []):
                assert param["in"] in ("path", "header", "query") and "schema" in param


def _required(doc: dict[str, Any], name: str) -> set[str]:
    return set(doc["components"]["schemas"][name].get("required", []))


def test_live_answers_have_the_documented_fields(served: tuple[LiveServer, dict[str, Any]]) -> None:
    srv, doc = served
    token = httpx.post(f"{srv.url}/api/auth/anonymous-token", headers={"X-Client-Id": "oa"})
    assert _required(doc, "AnonymousToken") <= set(token.json()["data"])
    session = httpx.post(
        f"{srv.url}/api/tasks/me/with-session/nemo_agent", headers=srv.headers("alice"), json={}
    ).json()["data"]
    assert _required(doc, "Session") <= set(session)
    state = httpx.get(
        f"{srv.url}/api/state/nemo_agent/me/{session['session_id']}/latest",
        headers=srv.headers("alice"),
    ).json()["data"]
    assert _required(doc, "State") <= set(state)
    credits = httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers("alice"))
    assert _required(doc, "Credits") <= set(credits.json()["data"])
