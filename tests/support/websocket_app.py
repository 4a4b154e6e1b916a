"""The production app plus one WebSocket echo route, served exactly as ``aluzio serve`` does.

The app has no WebSocket route of its own yet; this shows what serve's uvicorn settings do to
an open WebSocket on SIGTERM. Run as ``python -m tests.support.websocket_app`` with the
``ALUZIO_*`` settings in the environment.
"""

from __future__ import annotations

import uvicorn
from litestar import Litestar, WebSocket, websocket

from aluzio.entrypoints.app import create_app_from_env
from aluzio.entrypoints.cli.serve import uvicorn_options
from aluzio.entrypoints.settings import Settings

ECHO_PATH = "/test/echo"


@websocket(ECHO_PATH)
async def echo(socket: WebSocket) -> None:
    await socket.accept()
    while True:  # ends with WebSocketDisconnect when the connection closes
        await socket.send_text(await socket.receive_text())


def create() -> Litestar:
    app = create_app_from_env()
    app.register(echo)
    return app


if __name__ == "__main__":
    uvicorn.run(f"{__name__}:create", factory=True, **uvicorn_options(Settings.from_env()))
