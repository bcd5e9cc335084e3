"""One way for tests to open a Socket.IO connection.

python-socketio's client waits one second by default for the server to accept the
namespace and then gives up with "Unexpected connection error". On a loaded 2-core CI
machine the server's connect handler (token check, database lookups) can take longer
than that, so a test failed with a timeout that said nothing about the code under test.
Every test connects through here, with a wait long enough that only a real refusal
or a real hang ends it.
"""

from __future__ import annotations

from typing import Any

import socketio

CONNECT_WAIT_SECONDS = 30.0


def new_client() -> socketio.AsyncClient:
    return socketio.AsyncClient(reconnection=False)


async def connect(sio: socketio.AsyncClient, url: str, auth: Any = None) -> None:
    await sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=CONNECT_WAIT_SECONDS)


async def open_socket(url: str, token: str) -> socketio.AsyncClient:
    sio = new_client()
    await connect(sio, url, {"token": token})
    return sio
