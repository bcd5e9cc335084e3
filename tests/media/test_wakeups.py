"""media.wakeups: a busy loop's wake-ups are spaced out; ready work and idle loops are not.

The selector runs on real sockets; its clock and sleep are injected, so what it waits is
read from the fake clock, never from wall-clock timing.
"""

from __future__ import annotations

import asyncio
import selectors
import socket
from collections.abc import Iterator

import pytest

from media.wakeups import CoalescingSelector, event_loop
from signaling.errors import ConfigError
from signaling.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def ready_socket() -> Iterator[socket.socket]:
    """A datagram socket with a datagram waiting: ``select`` finds it ready at once."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx.sendto(b"x", rx.getsockname())
    yield rx
    rx.close()
    tx.close()


def make(window: float, clock: FakeClock, sock: socket.socket) -> CoalescingSelector:
    selector = CoalescingSelector(window, clock=clock, sleep=clock.sleep)
    selector.register(sock, selectors.EVENT_READ)
    return selector


def test_a_wake_up_within_the_window_waits_out_the_rest_of_it(
    ready_socket: socket.socket,
) -> None:
    clock = FakeClock()
    selector = make(0.001, clock, ready_socket)
    assert len(selector.select(None)) == 1  # the first wake-up is not delayed
    assert clock.slept == []
    clock.now += 0.0004  # the loop ran its callbacks for 0.4 ms
    assert len(selector.select(None)) == 1
    assert clock.slept == [pytest.approx(0.0006)]  # the rest of the 1 ms window
    assert selector.waits == 1
    selector.close()


def test_ready_work_and_a_quiet_loop_never_wait(ready_socket: socket.socket) -> None:
    clock = FakeClock()
    selector = make(0.001, clock, ready_socket)
    selector.select(None)
    # asyncio passes 0 when callbacks are ready: they run at once
    assert len(selector.select(0)) == 1
    assert clock.slept == []
    # a wake-up after the window has passed is not delayed either
    clock.now += 0.002
    selector.select(None)
    assert clock.slept == []
    selector.close()


def test_a_timer_due_inside_the_window_is_not_overslept(ready_socket: socket.socket) -> None:
    clock = FakeClock()
    selector = make(0.001, clock, ready_socket)
    selector.select(None)
    # asyncio's next timer is due in 0.3 ms: wait only that long, then poll
    selector.select(0.0003)
    assert clock.slept == [pytest.approx(0.0003)]
    selector.close()


def test_a_zero_window_is_a_plain_selector(ready_socket: socket.socket) -> None:
    clock = FakeClock()
    selector = make(0.0, clock, ready_socket)
    for _ in range(3):
        assert len(selector.select(None)) == 1
    assert clock.slept == [] and selector.waits == 0
    selector.close()


def test_the_window_is_bounded() -> None:
    with pytest.raises(ValueError, match=r"0\.\.50 ms"):
        CoalescingSelector(0.2)
    with pytest.raises(ConfigError, match="INTERVIEW_MEDIA_WAKEUP_MS"):
        Settings.from_env({"INTERVIEW_MEDIA_WAKEUP_MS": "80"})
    assert Settings.from_env({"INTERVIEW_MEDIA_WAKEUP_MS": "0"}).media_wakeup_ms == 0


def test_the_servers_loop_runs_sockets_and_timers() -> None:
    """An echo over TCP and a datagram round trip on the loop ``serve`` uses, with the
    default window, and timers firing in order."""

    async def scenario() -> list[str]:
        seen: list[str] = []

        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in range(20):
            writer.write(f"line {n}\n".encode())
            await writer.drain()
            seen.append((await reader.readline()).decode().strip())
            if n < 19:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        server.close()
        await server.wait_closed()
        loop = asyncio.get_running_loop()
        fired: list[int] = []
        for delay in (0.003, 0.001, 0.002):
            loop.call_later(delay, fired.append, int(delay * 1000))
        await asyncio.sleep(0.01)
        seen.append(",".join(map(str, fired)))
        return seen

    loop = event_loop(Settings().media_wakeup_ms)
    try:
        assert isinstance(loop._selector, CoalescingSelector)  # type: ignore[attr-defined]
        seen = loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert seen == [f"line {n}" for n in range(20)] + ["1,2,3"]
