"""Generated hostile requests against `vidskill serve`, derived from the server's own /openapi.json.

Every operation of the document is called with path parameters that are real ids or junk,
bodies that follow the schema, break it (wrong types, huge numbers, deep nesting, odd unicode)
or are not JSON at all, random multipart uploads, and random auth and attribution headers.
No answer may be a 5xx, every refusal is an error envelope, the server log holds no traceback
and no file of the server holds a token. The suite sends VIDSKILL_FUZZ_REQUESTS requests
(default 1000); `make soak` sends VIDSKILL_SOAK_REQUESTS more (default 20000).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability import TINY_DRAFT, Served, auth, files_with_secrets, png_bytes
from servers import SKILL_HEADERS, TOKENS

REQUESTS = int(os.environ.get("VIDSKILL_FUZZ_REQUESTS", "1000"))
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")
HOSTILE_TEXT = ("..", "../../etc/passwd", "/etc/passwd", "a\x00b", "%00", "x" * 3000, "💥", " ")
HOSTILE_URLS = (
    "file:///etc/passwd",
    "ftp://example.com/a.png",
    "gopher://127.0.0.1:70/",
    "javascript:alert(1)",
    "http://127.0.0.1:1/a.png",
    "http://localhost:1/a.png",
    "http://[::1]:1/a.png",
    "http://10.0.0.1/a.png",
    "http://169.254.169.254/latest/meta-data",
    "http://2130706433/a.png",
    "http://[::ffff:127.0.0.1]/a.png",
    "http:///nohost",
    "https://user:pw@192.168.1.1/a.png?sig=secret",
)
RAW_BODIES = (
    b"",
    b"{",
    b'{"d": NaN}',
    b'{"d": Infinity, "t": []}',
    b'{"id": "1e999", "d": 1e999}',
    b'{"session_id": "\\ud800"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"\xff\xfe\x00garbage",
    b"null",
    b"[]",
)


@dataclass
class Target:
    """The fuzzed server, the ids it really holds, and what the run sent and saw."""

    srv: Served
    doc: dict[str, Any]
    ids: dict[str, list[str]]
    statuses: dict[int, int] = field(default_factory=dict)


def _seed_data(srv: Served) -> dict[str, list[str]]:
    with httpx.Client(base_url=srv.url, timeout=120) as http:
        sessions = []
        for owner in TOKENS:
            r = http.post("/api/tasks/me/with-session/nemo_agent", headers=auth(owner), json={})
            sessions.append(r.json()["data"]["session_id"])
        files = [("files", ("seed.png", png_bytes(1), "image/png"))]
        r = http.post(
            f"/api/upload-video/nemo_agent/me/{sessions[0]}", headers=auth("alice"), files=files
        )
        asset = r.json()["data"]["files"][0]["id"]
        body = {"id": "render_seed", "sessionId": sessions[0], "draft": TINY_DRAFT}
        assert http.post("/api/render/proxy/lambda", headers=auth("alice"), json=body).is_success
    return {"session_id": sessions, "asset_id": [asset], "render_id": ["render_seed"]}


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One server for the whole module, with a session, an asset and a render to aim at."""
    folder = tmp_path_factory.mktemp("fuzz")
    with Served.start(folder / "data", folder / "server.log") as srv:
        doc = httpx.get(f"{srv.url}/openapi.json").json()
        yield Target(srv, doc, _seed_data(srv))


def any_json() -> st.SearchStrategy[Any]:
    """Any JSON value: huge numbers, unicode, nesting."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(min_value=10**18, max_value=10**400)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=40)
        | st.sampled_from(HOSTILE_TEXT)
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=25,
    )


def from_schema(
    schema: dict[str, Any], doc: dict[str, Any], ids: dict[str, list[str]], key: str = ""
) -> st.SearchStrategy[Any]:
    """Values that mostly follow a JSON schema of the document and sometimes break it."""
    return st.one_of(_typed(schema, doc, ids, key), _typed(schema, doc, ids, key), any_json())


def _typed(
    schema: dict[str, Any], doc: dict[str, Any], ids: dict[str, list[str]], key: str
) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _typed(doc["components"]["schemas"][name], doc, ids, key)
    if key in ("session_id", "sessionId"):
        return st.sampled_from(ids["session_id"]) | st.text(max_size=300)
    if key == "urls":
        return st.lists(st.sampled_from(HOSTILE_URLS) | st.text(max_size=60), max_size=25)
    if key == "draft":
        return st.just(TINY_DRAFT) | _draft(ids)
    if "enum" in schema or "const" in schema:
        return st.sampled_from(schema.get("enum", [schema.get("const")]))
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, doc, ids)
    if kind == "array":
        items = _typed(schema.get("items", {}), doc, ids, "")
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=5)
    simple = {
        "string": _string(schema),
        "integer": st.integers(schema.get("minimum"), schema.get("maximum")) | st.integers(),
        "boolean": st.booleans(),
    }
    return simple.get(str(kind), any_json())


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    text = st.text(min_size=schema.get("minLength", 0), max_size=80)
    pattern = schema.get("pattern")
    if pattern is None:
        return text
    return text | st.from_regex(pattern, fullmatch=pattern.startswith("^")).filter(
        lambda v: len(v) <= schema.get("maxLength", 1000)
    )


def _object(
    schema: dict[str, Any], doc: dict[str, Any], ids: dict[str, list[str]]
) -> st.SearchStrategy[Any]:
    props = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fields = {k: from_schema(v, doc, ids, k) for k, v in props.items() if k in required}
    optional = {k: from_schema(v, doc, ids, k) for k, v in props.items() if k not in required}
    extra = st.dictionaries(st.text(max_size=10), any_json(), max_size=2)
    made = st.fixed_dictionaries(fields, optional=optional)
    return st.builds(lambda a, b: {**b, **a}, made, extra)


def _segment(ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    meta = {
        "src": st.sampled_from([*ids["asset_id"], "nope", "music:calm", "../x"]),
        "kind": st.sampled_from(["image", "video", "color", "?"]),
        "text": st.text(max_size=20),
    }
    times = {
        "id": st.text(max_size=5),
        "s": any_json() | st.integers(-(10**6), 10**9),
        "d": st.integers(-10, 10**9),
    }
    return st.fixed_dictionaries(times, optional={"m": st.fixed_dictionaries({}, optional=meta)})


def _draft(ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """Drafts close to the real shape, with odd canvases, times, track types and sources."""
    track = st.fixed_dictionaries(
        {"tt": st.sampled_from([0, 1, 7, 99, "0"]), "sg": st.lists(_segment(ids), max_size=4)},
        optional={"id": st.text(max_size=4)},
    )
    canvas = {
        "width": st.sampled_from([1920, 1080, 0, -1, 10**9, "1920"]),
        "height": st.sampled_from([1080, 1920, 7]),
        "fps": st.sampled_from([30, 0, 1000]),
    }
    return st.fixed_dictionaries(
        {"d": st.integers(-(10**12), 10**12), "t": st.lists(track, max_size=3)},
        optional={"m": st.fixed_dictionaries({}, optional=canvas)},
    )


@dataclass(frozen=True)
class Call:
    """One generated request."""

    method: str
    path: str
    headers: dict[str, str]
    content: bytes | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None


_ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)


def _authorization(choice: str) -> st.SearchStrategy[dict[str, str]]:
    if choice == "none":
        return st.just({})
    if choice == "random":
        return _ASCII.map(lambda v: {"Authorization": v})
    value = f"Bearer {TOKENS.get(choice, choice)}"
    return st.just({"Authorization": value})


def _headers() -> st.SearchStrategy[dict[str, str]]:
    weighted = ["alice"] * 7 + ["bob", "garbage", "none", "random", "x" * 5000]
    bearer = st.sampled_from(weighted).flatmap(_authorization)
    skill = st.sampled_from([dict(SKILL_HEADERS), dict(SKILL_HEADERS), {}, {"X-Skill-Source": "s"}])
    skill = skill | st.dictionaries(st.sampled_from(list(SKILL_HEADERS)), _ASCII, max_size=3)
    extra = st.fixed_dictionaries({}, optional={"X-Client-Id": _ASCII, "Accept": _ASCII})
    parts = st.tuples(skill, bearer, extra)
    return parts.map(lambda p: {k: v.strip() for d in p for k, v in d.items()})


def _multipart() -> st.SearchStrategy[list[tuple[str, tuple[str, bytes, str]]]]:
    name = st.sampled_from(
        ["../../x.png", "/etc/x.png", "a\x00.png", "C:\\a.png", "x" * 400 + ".png"]
    )
    name = name | st.text(max_size=40)
    content = st.sampled_from([png_bytes(3), b"", b"\x89PNG\r\n\x1a\n"]) | st.binary(max_size=300)
    ctype = st.sampled_from(["image/png", "video/mp4", "text/plain", "application/x-evil"])
    part = st.tuples(st.sampled_from(["files", "other"]), st.tuples(name, content, ctype))
    return st.lists(part, min_size=1, max_size=3)


def _body(op: dict[str, Any], t: Target) -> st.SearchStrategy[tuple[bytes | None, Any, str]]:
    """(raw content, multipart files, content type) for an operation."""
    kinds = op.get("requestBody", {}).get("content", {})
    options: list[st.SearchStrategy[tuple[bytes | None, Any, str]]] = [
        st.sampled_from(RAW_BODIES).map(lambda b: (b, None, "application/json")),
        any_json().map(lambda v: (json.dumps(v).encode(), None, "application/json")),
        st.just((None, None, "")),
    ]
    if "application/json" in kinds:
        schema = kinds["application/json"]["schema"]
        encoded = from_schema(schema, t.doc, t.ids).map(
            lambda v: (json.dumps(v).encode(), None, "application/json")
        )
        options += [encoded, encoded]
    if "multipart/form-data" in kinds:
        options += [
            _multipart().map(lambda f: (None, f, "")),
            _multipart().map(lambda f: (None, f, "")),
        ]
    return st.one_of(options)


def calls(t: Target) -> st.SearchStrategy[Call]:
    """Requests to the document's operations (or to nowhere) with random trimmings."""
    ops = [
        (path, method.upper(), _body(op, t))
        for path, ops in t.doc["paths"].items()
        for method, op in ops.items()
    ]
    params = {
        name: st.sampled_from(t.ids[name]) | st.sampled_from(HOSTILE_TEXT) | st.text(max_size=60)
        for name in t.ids
    }
    headers = _headers()

    @st.composite
    def one(draw: st.DrawFn) -> Call:
        template, method, body = draw(st.sampled_from(ops))
        if draw(st.integers(0, 9)) == 0:
            method = draw(st.sampled_from(METHODS))
        path = template
        for name, values in params.items():
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", quote(draw(values), safe=""))
        if draw(st.integers(0, 19)) == 0:
            path = "/" + quote(draw(st.text(max_size=30)))
        sent = draw(headers)
        content, files, ctype = draw(body)
        if ctype and "Content-Type" not in sent:
            sent["Content-Type"] = ctype
        return Call(method, path, sent, content, files)

    return one()


def _send(http: httpx.Client, call: Call) -> httpx.Response:
    return http.request(
        call.method, call.path, headers=call.headers, content=call.content, files=call.files
    )


def fuzz(target: Target, count: int, seed: int) -> None:
    """Send `count` generated requests; each must get an answer below 500, refusals enveloped."""
    statuses = target.statuses
    with httpx.Client(base_url=target.srv.url, timeout=120) as http:

        @settings(
            max_examples=count,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.seed(seed)
        @given(call=calls(target))
        def one(call: Call) -> None:
            r = _send(http, call)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            assert r.status_code < 500, (call, r.text)
            if r.status_code >= 400 and call.method != "HEAD":
                body = r.json()
                assert isinstance(body["code"], int) and body["code"] != 0 and body["message"]

        one()


def _check_after(target: Target, log_start: int, count: int, started: float) -> None:
    log = target.srv.log.read_bytes()[log_start:].decode("utf-8", "replace")
    assert "Traceback" not in log, log[-3000:]
    assert files_with_secrets([target.srv.data_dir, target.srv.log], TOKENS.values()) == []
    sent = sum(target.statuses.values())
    assert sent >= count
    assert any(400 <= s < 500 for s in target.statuses) and 200 in target.statuses
    shown = sorted(target.statuses.items())
    took = time.monotonic() - started
    print(f"fuzz: {sent} requests in {took:.0f} s, no 5xx; statuses {shown}")


def test_generated_requests_get_no_5xx_and_leave_no_traceback(target: Target) -> None:
    log_start, started = target.srv.log.stat().st_size, time.monotonic()
    fuzz(target, REQUESTS, seed=0)
    _check_after(target, log_start, REQUESTS, started)


@pytest.mark.soak
@pytest.mark.timeout(0)
def test_many_generated_requests(target: Target) -> None:
    count = int(os.environ.get("VIDSKILL_SOAK_REQUESTS", "20000"))
    log_start, started = target.srv.log.stat().st_size, time.monotonic()
    target.statuses.clear()
    for batch in range(count // 1000):
        fuzz(target, 1000, seed=batch + 1)
    _check_after(target, log_start, count // 1000 * 1000, started)
