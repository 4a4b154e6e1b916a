"""The published contract matches what the service sends (issue 10), and request bodies are
decoded strictly and safely."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from aluzio.domain.accounts.passwords import DEFAULT_MIN_LENGTH
from aluzio.domain.accounts.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from aluzio.domain.accounts.user import MAX_NAME_LENGTH
from aluzio.entrypoints.http.problems import PROBLEM_MEDIA_TYPE
from aluzio.entrypoints.http.requests import BODY_REQUIRED
from tests.integration.accounts.conftest import PASSWORD, Register, csrf_of

SIGN_UP = {
    "name": "Grace",
    "email": "grace@example.com",
    "password": PASSWORD,
    "confirmsAdult": True,
}


def _operations(app: Litestar):
    schema = app.openapi_schema.to_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_every_error_is_documented_as_one_problem_schema(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "errors",
        "organizations",
    }
    assert set(problem["required"]) == {"type", "title", "status"}
    for path, method, operation in _operations(app):
        statuses = {int(code) for code in operation["responses"]}
        assert 500 in statuses, (method, path)
        if path.startswith("/api/"):
            assert {403, 503} <= statuses, (method, path)
        if "requestBody" in operation:
            assert {400, 413} <= statuses, (method, path)
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (method, path, code)
                ref = response["content"][PROBLEM_MEDIA_TYPE]["schema"]["$ref"]
                assert ref == "#/components/schemas/Problem"


def test_statuses_from_the_use_cases_and_the_session_are_documented(app: Litestar) -> None:
    ops = {(method, path): op for path, method, op in _operations(app)}
    assert {"401", "429"} <= set(ops[("POST", "/api/auth/login")]["responses"])
    assert "409" in ops[("POST", "/api/auth/register")]["responses"]
    assert "429" in ops[("POST", "/api/auth/register")]["responses"]
    assert "401" in ops[("GET", "/api/me")]["responses"]
    assert ops[("GET", "/api/me")]["security"] == [{"sessionCookie": []}]
    assert ops[("PATCH", "/api/me")]["security"] == [{"sessionCookie": [], "csrfHeader": []}]
    assert "csrf-rejected" in ops[("PATCH", "/api/me")]["responses"]["403"]["description"]
    assert "503" in ops[("GET", "/readyz")]["responses"]
    for (method, path), operation in ops.items():
        if "429" in operation["responses"]:
            retry = operation["responses"]["429"]["headers"]["Retry-After"]
            assert retry["required"] is True, (method, path)
    schemes = app.openapi_schema.to_schema()["components"]["securitySchemes"]
    assert schemes["sessionCookie"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "_aluzio_key",
        "description": schemes["sessionCookie"]["description"],
    }
    assert (schemes["csrfHeader"]["in"], schemes["csrfHeader"]["name"]) == (
        "header",
        "X-CSRF-Token",
    )


def test_empty_responses_are_documented_without_a_body(app: Litestar) -> None:
    ops = {(method, path): op for path, method, op in _operations(app)}
    for key, status in [
        (("POST", "/api/auth/logout"), "204"),
        (("POST", "/api/auth/password-reset"), "202"),
        (("POST", "/api/me/email"), "202"),
        (("DELETE", "/api/me/sessions/others"), "204"),
    ]:
        assert "content" not in ops[key]["responses"][status], key


def test_request_schemas_carry_the_domain_limits(app: Litestar) -> None:
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    register = schemas["RegisterRequest"]["properties"]
    assert (register["name"]["minLength"], register["name"]["maxLength"]) == (1, MAX_NAME_LENGTH)
    assert register["password"]["minLength"] == DEFAULT_MIN_LENGTH
    assert register["password"]["maxLength"] == PASSWORD_MAX_LENGTH
    assert register["email"]["format"] == "email"
    assert register["confirmsAdult"]["type"] == "boolean"


async def test_accepted_is_sent_empty_without_a_content_type(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post("/api/auth/password-reset", json={"email": "x@example.com"})
    assert response.status_code == 202
    assert response.content == b""
    assert "content-type" not in response.headers


async def test_options_allows_every_method_of_the_path_and_head_works(
    client: AsyncTestClient[Litestar], register: Register
) -> None:
    response = await client.options("/api/me")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"
    refused = await client.put("/api/me")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"
    for path in ("/healthz", "/api/auth/session", "/schema/openapi.json"):
        head = await client.head(path)
        get = await client.get(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
    assert (await register()).status_code == 201
    head = await client.head("/api/me")
    assert (head.status_code, head.content) == (200, b"")


@pytest.mark.parametrize(
    "body",
    [
        b'{"email":"\xff\xfe","password":"x"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    ],
    ids=["invalid-utf8", "nested-arrays", "nested-objects"],
)
async def test_bad_bytes_are_a_400_problem_and_no_error_log(
    client: AsyncTestClient[Litestar], caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    response = await client.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("loose", ["1", "true", 1])
async def test_a_string_or_number_is_not_a_boolean(
    client: AsyncTestClient[Litestar], loose: object
) -> None:
    response = await client.post("/api/auth/register", json={**SIGN_UP, "confirmsAdult": loose})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errors"][0]["field"] == "confirmsAdult"
    assert "_aluzio_key" not in response.headers.get("set-cookie", "")


async def test_a_missing_body_says_so(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/api/auth/login")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == BODY_REQUIRED
    assert body["errors"] == [{"field": "body", "message": BODY_REQUIRED}]


async def test_constraints_are_enforced_at_the_edge(
    client: AsyncTestClient[Litestar], register: Register
) -> None:
    response = await client.post("/api/auth/register", json={**SIGN_UP, "name": "a\x07b"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    assert (await register()).status_code == 201
    csrf = await csrf_of(client)
    renamed = await client.patch(
        "/api/me", json={"name": "x" * (MAX_NAME_LENGTH + 1)}, headers={"X-CSRF-Token": csrf}
    )
    assert renamed.status_code == 400
