"""Demo data for ``make run``: one job, a client, a freelancer and an auditor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from signaling.auth import Authenticator
from signaling.domain.ports import ThreadsAndMessages, UserDirectory
from signaling.domain.threads import Role
from signaling.settings import Settings


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    role: Role


DEMO_USERS = (
    DemoUser("demo-client", "Carla Client", Role.CLIENT),
    DemoUser("demo-freelancer", "Felix Freelancer", Role.FREELANCER),
    DemoUser("demo-auditor", "Ada Auditor", Role.AUDITOR),
)
DEMO_JOB = ("demo-job-1", "Build a React dashboard for our logistics data")


class _SeedStore(UserDirectory, ThreadsAndMessages, Protocol):
    """What seeding the demo writes: its users and a thread."""


async def seed(store: _SeedStore) -> str:
    """Create the demo users and thread (idempotent); return the thread id."""
    for user in DEMO_USERS:
        await store.upsert_user(user.user_id, user.name, user.role.value)
    thread, _ = await store.create_thread(
        job_id=DEMO_JOB[0],
        job_title=DEMO_JOB[1],
        client_id=DEMO_USERS[0].user_id,
        freelancer_id=DEMO_USERS[1].user_id,
        actor_id="system",
    )
    return thread.id


def sign_in_link(base_url: str, token: str) -> str:
    """A sign-in URL carrying the token in the fragment (``/#token=JWT``).

    A fragment is never sent to the server, so the token stays out of access logs, proxies
    and ``Referer`` headers; the web client moves it to session storage and removes it from
    the address bar (and so from the browser history).
    """
    return f"{base_url.rstrip('/')}/#token={token}"


def sign_in_links(settings: Settings, auth: Authenticator) -> list[tuple[DemoUser, str]]:
    """One sign-in URL per demo user."""
    return [
        (u, sign_in_link(settings.public_url, auth.issue(u.user_id, u.name, u.role)))
        for u in DEMO_USERS
    ]
