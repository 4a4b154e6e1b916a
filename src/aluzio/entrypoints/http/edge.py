"""What the app does at its edge, for every request: hosts, CORS, security headers, request ids.

``create_app`` passes :func:`edge_options` to ``Litestar(...)`` and then calls
:func:`install_edge_middleware`. The request-id and security-header middleware wrap the whole
ASGI handler rather than being listed in ``Litestar(middleware=...)``, because Litestar runs
listed middleware only for matched routes: 404, 405, CORS preflight and allowed-host answers
need the headers and the request id too.
"""

from __future__ import annotations

import re
from typing import TypedDict

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from aluzio.entrypoints.http.allowed_hosts import AllowedHostsMiddleware
from aluzio.entrypoints.http.health import HEALTH_PATHS
from aluzio.entrypoints.http.methods import MethodsMiddleware
from aluzio.entrypoints.http.request_context import REQUEST_ID_HEADER, RequestContextMiddleware
from aluzio.entrypoints.http.security_headers import SecurityHeadersMiddleware, docs_csp
from aluzio.entrypoints.logging import ProcessLogging
from aluzio.entrypoints.settings import Settings

# Headers a browser on an allowed origin may read from a response.
EXPOSED_HEADERS = [REQUEST_ID_HEADER, "Retry-After", "Location"]


class EdgeOptions(TypedDict):
    cors_config: CORSConfig | None
    logging_config: ProcessLogging


def edge_options(settings: Settings) -> EdgeOptions:
    """Keyword arguments for ``Litestar(...)``.

    - CORS only for ``ALUZIO_ALLOWED_ORIGINS``, with credentials (the session cookie); no
      listed origin, no CORS at all.
    - Logging is configured by the process (``entrypoints/logging.py``), not by Litestar,
      which would otherwise replace the root logger's handlers with its own.
    """
    cors = None
    if settings.allowed_origins:
        cors = CORSConfig(
            allow_origins=list(settings.allowed_origins),
            allow_credentials=True,
            expose_headers=EXPOSED_HEADERS,
        )
    return EdgeOptions(
        cors_config=cors,
        logging_config=ProcessLogging(),
    )


def install_edge_middleware(app: Litestar, settings: Settings) -> None:
    """Wrap the app's ASGI handler: request id outermost, then the security headers, then
    the allowed hosts (from ``ALUZIO_ALLOWED_HOSTS``), then HEAD and ``Allow``
    (``methods.py``). The health probes answer any host:
    Fly.io's checks reach the machine by its private address, not by the public host name."""
    scripts: list[str] = []
    styles: list[str] = []
    images: list[str] = []
    docs_root = None
    if app.openapi_config is not None:
        docs_root = app.openapi_config.path
        for plugin in app.openapi_config.render_plugins:
            if isinstance(plugin, ScalarRenderPlugin):
                scripts.append(plugin.js_url)
                styles.append(plugin.css_url)
                images.extend(_ICON_HREF.findall(plugin.favicon))
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(
            AllowedHostsMiddleware(
                MethodsMiddleware(app.asgi_handler, litestar=app),
                hosts=settings.allowed_hosts,
                exempt_paths=HEALTH_PATHS,
            ),
            trust_proxy=settings.trust_proxy,
            docs_root=docs_root,
            docs_policy=docs_csp(script_urls=scripts, style_urls=styles, image_urls=images),
        )
    )


_ICON_HREF = re.compile(r"""href=["']([^"']+)["']""")
