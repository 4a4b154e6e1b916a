"""The API docs at ``/schema``: Scalar, pinned and served by the app itself.

The page loads one script, the Scalar bundle shipped in ``docs_assets/`` (version and licence
noted there), from ``/schema/assets/``; no CDN, no web fonts, so no visitor's address reaches a
third party. ``ALUZIO_API_DOCS_UI=false`` turns the page off; ``/schema/openapi.json`` stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, ScalarRenderPlugin
from litestar.static_files import create_static_files_router

from aluzio.entrypoints.http.openapi import openapi_components

DOCS_PATH = "/schema"
ASSETS_PATH = DOCS_PATH + "/assets"
ASSETS_DIR = Path(__file__).parent / "docs_assets"
SCALAR_VERSION = "1.76.0"
SCALAR_JS = f"{ASSETS_PATH}/scalar-api-reference-{SCALAR_VERSION}.js"
# Scalar's defaults would fetch fonts from fonts.scalar.com and offer its hosted proxy.
SCALAR_OPTIONS: dict[str, Any] = {"withDefaultFonts": False, "hideClientButton": True}


class SelfHostedScalar(ScalarRenderPlugin):
    """Scalar with the pinned local bundle, its options in an attribute (no inline script),
    no external stylesheet and no external favicon."""

    def __init__(self) -> None:
        super().__init__(js_url=SCALAR_JS, path="/", options=SCALAR_OPTIONS, favicon="")
        self.css_url = ""  # the bundle carries its styles

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = openapi_schema["info"]["title"]
        configuration = msgspec.json.encode(SCALAR_OPTIONS).decode().replace('"', "&quot;")
        return f"""<!DOCTYPE html>
<html>
  <head>
    <title>{title}</title>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    {self.style}
  </head>
  <body>
    <noscript>The API reference needs JavaScript; the schema is at openapi.json.</noscript>
    <script id="api-reference" data-url="{self.get_openapi_json_route(request)}"
      data-configuration="{configuration}"></script>
    <script src="{self.js_url}"></script>
  </body>
</html>
""".encode()


def openapi_config(*, title: str, version: str, docs_ui: bool) -> OpenAPIConfig:
    plugins: list[OpenAPIRenderPlugin] = [SelfHostedScalar()] if docs_ui else []
    plugins.append(JsonRenderPlugin())
    return OpenAPIConfig(
        title=title,
        version=version,
        path=DOCS_PATH,
        render_plugins=plugins,
        components=openapi_components(),
    )


def docs_assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS_DIR],
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=365 * 24 * 3600, public=True),
    )
