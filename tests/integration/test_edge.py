"""Security headers, request ids, allowed hosts and CORS on every kind of response."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from litestar import Request, get
from litestar.testing import AsyncTestClient

from aluzio.entrypoints.app import create_app
from aluzio.entrypoints.http.docs import SCALAR_JS, SCALAR_VERSION
from aluzio.entrypoints.http.security_headers import API_CSP, HSTS
from aluzio.entrypoints.logging import current_request_id
from aluzio.entrypoints.settings import Settings

# /healthz needs no database and /readyz answers 503 without one: no Postgres needed here.
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def settings(**overrides: object) -> Settings:
    return Settings(database_url=UNREACHABLE, **overrides)  # type: ignore[arg-type]


def client(base_url: str = "http://aluzio.test", **overrides: object) -> AsyncTestClient:
    return AsyncTestClient(create_app(settings(**overrides)), base_url=base_url)


def assert_common_headers(headers: object) -> None:
    for name, value in COMMON.items():
        assert headers[name] == value, name  # type: ignore[index]


@pytest.mark.parametrize(
    ("method", "path", "status", "media_type"),
    [
        ("GET", "/healthz", 200, "application/json"),
        ("GET", "/no-such-route", 404, "application/problem+json"),
        ("DELETE", "/healthz", 405, "application/problem+json"),
        ("GET", "/readyz", 503, "application/problem+json"),
        ("GET", "/schema/openapi.json", 200, "application/vnd.oai.openapi+json"),
    ],
)
async def test_api_responses_carry_the_security_headers(
    method: str, path: str, status: int, media_type: str
) -> None:
    async with client() as http:
        response = await http.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-security-policy"] == API_CSP
    assert_common_headers(response.headers)
    assert "strict-transport-security" not in response.headers  # plain http


class _Resources(HTMLParser):
    """The URLs a page makes the browser load, by CSP directive."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.found: dict[str, list[str]] = {"script-src": [], "style-src": [], "img-src": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.found["script-src"].append(urljoin(self.base, attributes["src"] or ""))
        if tag == "link" and attributes.get("href"):
            rel = attributes.get("rel") or ""
            directive = "style-src" if "stylesheet" in rel else "img-src"
            self.found[directive].append(urljoin(self.base, attributes["href"] or ""))


def allowed_sources(policy: str) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {parts[0]: parts[1:] for parts in directives}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def test_the_docs_page_gets_a_policy_that_allows_what_it_loads() -> None:
    async with client() as http:
        page = await http.get("/schema")
        document = await http.get("/schema/openapi.json")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert policy != API_CSP
    sources = allowed_sources(policy)
    assert sources["default-src"] == ["'none'"]
    assert sources["frame-ancestors"] == ["'none'"]
    assert "'self'" in sources["connect-src"]  # Scalar fetches the OpenAPI document
    resources = _Resources("http://aluzio.test/schema")
    resources.feed(page.text)
    assert resources.found["script-src"], "the page loads Scalar's script"
    for directive, urls in resources.found.items():
        for url in urls:
            # Everything the page loads comes from this server, pinned by version.
            assert origin(url) == "http://aluzio.test", (directive, url)
            assert "'self'" in sources[directive], (directive, url)
    # No third party anywhere in the policy: no CDN, no web fonts.
    assert "https:" not in policy
    assert "http:" not in policy
    assert_common_headers(page.headers)
    assert document.headers["content-security-policy"] == API_CSP
    async with client() as http:
        for url in resources.found["script-src"]:
            asset = await http.get(url)
            assert asset.status_code == 200
            assert "javascript" in asset.headers["content-type"]
            assert SCALAR_VERSION in url
    assert "withDefaultFonts" in page.text


async def test_the_docs_ui_can_be_switched_off_and_the_schema_stays() -> None:
    async with client(api_docs_ui=False) as http:
        page = await http.get("/schema")
        document = await http.get("/schema/openapi.json")
        asset = await http.get(SCALAR_JS)
    assert not page.headers["content-type"].startswith("text/html")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Aluzio API"
    assert asset.status_code == 404


async def test_hsts_over_https() -> None:
    async with client(base_url="https://aluzio.test") as http:
        response = await http.get("/healthz")
    assert response.headers["strict-transport-security"] == HSTS
    assert HSTS == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(("trust_proxy", "hsts"), [(True, True), (False, False)])
async def test_hsts_behind_the_proxy_only_when_the_proxy_is_trusted(
    trust_proxy: bool, hsts: bool
) -> None:
    async with client(trust_proxy=trust_proxy) as http:
        ok = await http.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        error = await http.get("/nowhere", headers={"X-Forwarded-Proto": "https"})
    for response in (ok, error):
        assert ("strict-transport-security" in response.headers) is hsts


async def test_request_id_from_fly_or_the_caller_or_generated() -> None:
    async with client() as http:
        fly = await http.get("/healthz", headers={"Fly-Request-Id": "01JF3WBKXN8PQZ-fra"})
        caller = await http.get("/nowhere", headers={"X-Request-Id": "abc.123"})
        both = await http.get("/healthz", headers={"Fly-Request-Id": "f1", "X-Request-Id": "x1"})
        generated = [await http.get("/healthz") for _ in range(2)]
        rejected = await http.get("/healthz", headers={"X-Request-Id": "bob@example.com"})
    assert fly.headers["x-request-id"] == "01JF3WBKXN8PQZ-fra"
    assert caller.headers["x-request-id"] == "abc.123"
    assert both.headers["x-request-id"] == "f1"
    ids = [response.headers["x-request-id"] for response in generated]
    assert ids[0] != ids[1]
    assert all(uuid.UUID(value) for value in ids)
    assert rejected.headers["x-request-id"] != "bob@example.com"
    uuid.UUID(rejected.headers["x-request-id"])


async def test_unlisted_hosts_are_refused_but_health_probes_are_not() -> None:
    async with client(allowed_hosts=("aluzio.example", "*.aluzio.example")) as http:
        listed = await http.get("/schema/openapi.json", headers={"Host": "aluzio.example"})
        wildcard = await http.get("/schema/openapi.json", headers={"Host": "api.aluzio.example"})
        unlisted = await http.get("/schema/openapi.json", headers={"Host": "evil.example"})
        # Fly.io's health checks reach the machine by its private address.
        probe = await http.get("/healthz", headers={"Host": "172.19.2.10:8080"})
    assert listed.status_code == 200
    assert wildcard.status_code == 200
    assert unlisted.status_code == 400
    assert unlisted.headers["content-type"] == "application/problem+json"
    assert unlisted.json()["type"].endswith("/invalid-host")
    assert_common_headers(unlisted.headers)
    assert unlisted.headers["content-security-policy"] == API_CSP
    assert probe.status_code == 200


FRONTEND = "https://app.aluzio.example"


async def test_cors_with_credentials_only_for_listed_origins() -> None:
    async with client(allowed_origins=(FRONTEND,)) as http:
        listed = await http.get("/healthz", headers={"Origin": FRONTEND})
        unlisted = await http.get("/healthz", headers={"Origin": "https://evil.example"})
        preflight = await http.options(
            "/healthz",
            headers={
                "Origin": FRONTEND,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-csrf-token",
            },
        )
        refused = await http.options(
            "/healthz",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert listed.headers["access-control-allow-origin"] == FRONTEND
    assert listed.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in listed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in unlisted.headers
    assert "access-control-allow-credentials" not in unlisted.headers
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == FRONTEND
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "x-csrf-token" in preflight.headers["access-control-allow-headers"].lower()
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert_common_headers(refused.headers)


async def test_no_listed_origin_means_no_cors_at_all() -> None:
    async with client() as http:
        response = await http.get("/healthz", headers={"Origin": FRONTEND})
    assert not any(name.startswith("access-control-") for name in response.headers)


@get("/request-id")
async def show_request_id(request: Request) -> dict[str, str | None]:
    return {"context": current_request_id(), "state": request.state.request_id}


async def test_code_serving_the_request_sees_its_id() -> None:
    app = create_app(settings())
    app.register(show_request_id)
    async with AsyncTestClient(app) as http:
        response = await http.get("/request-id", headers={"X-Request-Id": "abc-1"})
    assert response.json() == {"context": "abc-1", "state": "abc-1"}
    assert current_request_id() is None  # and nothing leaks outside the request
