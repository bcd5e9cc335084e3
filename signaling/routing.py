"""In-process call routing: one node owns every call (the embedded default)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from signaling.domain.ports import RemoteHandler
from signaling.errors import SignalingError


class InMemoryCallRouter:
    """The CallRouter port for a single node."""

    def __init__(self, node_id: str = "local") -> None:
        self.node_id = node_id
        self._threads: dict[str, str] = {}
        self._owners: dict[str, str] = {}

    async def claim_thread(self, thread_id: str, call_id: str) -> bool:
        if thread_id in self._threads:
            return False
        self._threads[thread_id] = call_id
        self._owners[call_id] = self.node_id
        return True

    async def release_thread(self, thread_id: str, call_id: str, owner: str | None = None) -> None:
        if self._threads.get(thread_id) == call_id:
            del self._threads[thread_id]
        if self._owners.get(call_id) == (owner or self.node_id):
            del self._owners[call_id]

    async def renew_claims(self, claims: Sequence[tuple[str, str]]) -> int:
        ours = 0
        for thread_id, call_id in claims:
            if self._threads.setdefault(thread_id, call_id) == call_id:
                self._owners[call_id] = self.node_id
                ours += 1
        return ours

    async def owner(self, call_id: str) -> str | None:
        return self._owners.get(call_id)

    async def forward(self, node_id: str, request: dict[str, Any]) -> dict[str, Any]:
        raise SignalingError("no other nodes in the embedded setup", code="no_route")

    async def start(self, handler: RemoteHandler) -> None:
        return None

    async def close(self) -> None:
        return None
