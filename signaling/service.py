"""Application services: the use cases the REST and socket.io edges share.

The service checks access, applies the policy guard, persists through the store port and
publishes through the notifier port. It knows nothing of aiohttp or socket.io.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from signaling.auth import Principal
from signaling.domain.messages import SYSTEM_AUTHOR, Message, MessageKind, NewMessage
from signaling.domain.ports import FindingRow, ThreadStore
from signaling.domain.threads import Role, Stage, Thread
from signaling.errors import (
    Conflict,
    Forbidden,
    PolicyViolation,
    RateLimited,
    Unprocessable,
    not_found,
)
from signaling.policy.guard import (
    PolicyAction,
    apply_policy,
    notice_text,
    redact_contact_details,
)
from signaling.ratelimit import Limits, RateLimiter

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """Fan-out of server events to connected clients (socket.io rooms)."""

    async def to_thread(self, thread_id: str, event: str, payload: dict[str, Any]) -> None: ...

    async def to_user(self, user_id: str, event: str, payload: dict[str, Any]) -> None: ...


class NullNotifier:
    """A notifier that drops everything (CLI tools, tests of the service alone)."""

    async def to_thread(self, thread_id: str, event: str, payload: dict[str, Any]) -> None:
        return None

    async def to_user(self, user_id: str, event: str, payload: dict[str, Any]) -> None:
        return None


def thread_room(thread_id: str) -> str:
    return f"thread:{thread_id}"


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "thread_id": message.thread_id,
        "seq": message.seq,
        "author_id": message.author_id,
        "kind": message.kind.value,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "client_msg_id": message.client_msg_id,
    }


@dataclass(frozen=True)
class SendOutcome:
    """What happened to a sent text: the stored message (None if blocked) and notices."""

    message: Message | None
    created: bool
    notices: tuple[Message, ...] = ()


class ThreadService:
    """Threads and messages, with access control and the contact-information policy."""

    def __init__(
        self,
        store: ThreadStore,
        notifier: Notifier,
        rate_limiter: RateLimiter,
        *,
        policy_action: str = "redact",
        max_chars: int = 10_000,
        limits: Limits | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.rate_limiter = rate_limiter
        self.limits = limits if limits is not None else Limits(())
        self.policy_action = PolicyAction(policy_action)
        self.max_chars = max_chars

    async def thread_json(self, thread: Thread) -> dict[str, Any]:
        """The thread as both parties see it: while pre-contract, the job title and the
        parties' display names (each written by one party, read by the other) go through the
        policy guard like a message would."""
        users = await self.store.get_users(thread.parties())

        def shown(text: str | None) -> str | None:
            if text is None or not thread.pre_contract:
                return text
            return redact_contact_details(text)

        return {
            "id": thread.id,
            "job_id": thread.job_id,
            "job_title": shown(thread.job_title),
            "client_id": thread.client_id,
            "freelancer_id": thread.freelancer_id,
            "client_name": shown(users[thread.client_id].name)
            if thread.client_id in users
            else None,
            "freelancer_name": (
                shown(users[thread.freelancer_id].name) if thread.freelancer_id in users else None
            ),
            "stage": thread.stage.value,
            "pre_contract": thread.pre_contract,
            "created_at": thread.created_at.isoformat(),
            "contract_started_at": (
                thread.contract_started_at.isoformat() if thread.contract_started_at else None
            ),
            "last_seq": thread.last_seq,
        }

    async def visible_thread(
        self, who: Principal, thread_id: str, *, kind: str = "thread", recent: bool = False
    ) -> Thread:
        """The thread if ``who`` may see it; otherwise 404 so existence does not leak.

        ``kind`` names what the caller asked for (``schedule`` when the thread was reached
        through a schedule id): a stranger gets the same ``<kind>_not_found`` for an id that
        exists as for a random one. ``recent``: the store's cached copy will do (its parties
        never change; its stage may lag another node's change by one write, which the message
        writer checks again when it stores).
        """
        if recent:
            thread = await self.store.recent_thread(thread_id)
        else:
            thread = await self.store.get_thread(thread_id)
        if thread is None or not (who.is_service or who.is_auditor or thread.is_party(who.user_id)):
            if thread is not None:
                logger.info("thread access refused user=%s thread_id=%s", who.user_id, thread_id)
            raise not_found(kind)
        return thread

    async def party_thread(
        self, who: Principal, thread_id: str, *, kind: str = "thread", recent: bool = False
    ) -> Thread:
        """The thread if ``who`` is one of its two parties (auditors read only)."""
        thread = await self.visible_thread(who, thread_id, kind=kind, recent=recent)
        if not thread.is_party(who.user_id):
            raise Forbidden("only the thread's two parties can do this", code="not_a_party")
        return thread

    async def open_thread(self, who: Principal, thread_id: str, *, kind: str = "thread") -> Thread:
        """A party's thread that is still open: closed, declined and withdrawn threads take no
        new messages, calls, meetings or schedules (409 ``thread_closed``)."""
        thread = await self.party_thread(who, thread_id, kind=kind)
        if not thread.open_for_messages:
            raise Conflict(f"the thread is {thread.stage.value}", code="thread_closed")
        return thread

    async def create_thread(
        self,
        who: Principal,
        *,
        job_id: str,
        job_title: str,
        freelancer_id: str,
        client_id: str | None,
    ) -> tuple[Thread, bool]:
        if who.is_service:
            if not client_id:
                raise Unprocessable("client_id is required with the service token", code="invalid")
            client = client_id
        elif who.role is Role.CLIENT:
            if client_id not in (None, who.user_id):
                raise Forbidden("a client can only open threads as itself", code="forbidden")
            client = who.user_id
        else:
            raise Forbidden("only a client (or the platform) can open a thread", code="forbidden")
        if client == freelancer_id:
            raise Unprocessable("client and freelancer must differ", code="invalid")
        thread, created = await self.store.create_thread(
            job_id=job_id,
            job_title=job_title,
            client_id=client,
            freelancer_id=freelancer_id,
            actor_id=who.user_id,
        )
        if created:
            payload = await self.thread_json(thread)
            for user in thread.parties():
                await self.notifier.to_user(user, "thread:new", payload)
        return thread, created

    async def list_threads(self, who: Principal) -> list[Thread]:
        everyone = who.is_auditor or who.is_service
        return await self.store.list_threads(None if everyone else who.user_id)

    async def messages(
        self, who: Principal, thread_id: str, *, after_seq: int, limit: int
    ) -> list[Message]:
        await self.visible_thread(who, thread_id)
        return await self.store.list_messages(thread_id, after_seq=after_seq, limit=limit)

    async def set_stage(self, who: Principal, thread_id: str, stage: Stage) -> Thread:
        if who.is_service:
            await self.visible_thread(who, thread_id)
            role = Role.SERVICE
        else:
            thread = await self.party_thread(who, thread_id)
            role = thread.role_of(who.user_id) or who.role
        moved = await self.store.set_stage(thread_id, stage, actor_id=who.user_id, actor_role=role)
        await self.post_system(thread_id, f"The application moved to {stage.value}.", stage=stage)
        return moved

    async def post(self, new: NewMessage) -> Message:
        """Append a server-authored message (call log, notice, …) and publish it."""
        result = await self.store.append_message(new)
        if result.created:
            await self.notifier.to_thread(
                new.thread_id, "message:new", message_json(result.message)
            )
        return result.message

    async def post_system(self, thread_id: str, text: str, **extra: Any) -> Message:
        body: dict[str, Any] = {"text": text, **{k: str(v) for k, v in extra.items()}}
        return await self.post(NewMessage(thread_id, SYSTEM_AUTHOR, MessageKind.SYSTEM, body))

    async def shown_text(self, thread: Thread, text: str) -> str:
        """Text a party wrote that the other party will see outside a chat message (meeting
        topics, schedule notes): the policy guard masks contact details while pre-contract."""
        if not thread.pre_contract or not text:
            return text
        return redact_contact_details(text, exempt_urls=await self.exempt_urls(thread))

    async def exempt_urls(self, thread: Thread) -> list[str]:
        """Meeting links the platform created in this thread; the guard lets them through.
        The store keeps them indexed (no read of the thread's messages per send)."""
        return await self.store.exempt_links(thread.id, thread.last_seq)

    async def send_text(
        self, who: Principal, thread_id: str, text: str, client_msg_id: str | None
    ) -> SendOutcome:
        """A party sends a text message; the policy guard runs while pre-contract.

        Nothing here reads the database when the node wrote to the thread lately: the thread
        and its platform links come from the message writer's cache, which the write itself
        checks against the database (signaling.store.batch)."""
        thread = await self.party_thread(who, thread_id, recent=True)
        if not text.strip():
            raise Unprocessable("the message is empty", code="empty_message")
        if len(text) > self.max_chars:
            raise Unprocessable(
                f"the message has {len(text)} characters; the limit is {self.max_chars}",
                code="message_too_long",
            )
        retry_after = await self.rate_limiter.hit(f"msg:{who.user_id}")
        if retry_after is not None:
            raise RateLimited(
                "you are sending messages too fast; wait a moment", retry_after=retry_after
            )
        decision = apply_policy(
            text,
            action=self.policy_action,
            pre_contract=thread.pre_contract,
            exempt_urls=await self.exempt_urls(thread) if thread.pre_contract else (),
        )
        if decision.action is None:
            result = await self.store.append_message(
                NewMessage(thread_id, who.user_id, MessageKind.TEXT, {"text": text}, client_msg_id)
            )
            if result.created:
                await self.notifier.to_thread(
                    thread_id, "message:new", message_json(result.message)
                )
            return SendOutcome(result.message, result.created)

        labels = list(decision.labels)
        spans = [{"label": f.label, "start": f.start, "end": f.end} for f in decision.findings]
        rows = [FindingRow(f.label, f.start, f.end, f.text, f.value) for f in decision.findings]
        notice = notice_text(decision)
        if decision.action is PolicyAction.BLOCK:
            await self.store.record_findings(
                thread_id=thread_id,
                message_id=None,
                author_id=who.user_id,
                action=decision.action.value,
                original_text=text,
                findings=rows,
            )
            await self.store.append_audit(
                thread_id,
                "policy.blocked",
                who.user_id,
                {"labels": labels, "spans": spans, "text_length": len(text)},
            )
            await self.post(
                NewMessage(
                    thread_id,
                    SYSTEM_AUTHOR,
                    MessageKind.POLICY,
                    {
                        "action": "block",
                        "labels": labels,
                        "notice": notice,
                        "author_id": who.user_id,
                    },
                )
            )
            logger.info("policy blocked thread_id=%s labels=%s", thread_id, labels)
            raise PolicyViolation(notice, labels=labels)

        delivered = decision.delivered_text if decision.delivered_text is not None else text
        result = await self.store.append_message(
            NewMessage(
                thread_id,
                who.user_id,
                MessageKind.TEXT,
                {"text": delivered, "policy": {"action": decision.action.value, "labels": labels}},
                client_msg_id,
                audit={
                    "policy": {"action": decision.action.value, "labels": labels, "spans": spans}
                },
            )
        )
        if not result.created:
            return SendOutcome(result.message, False)
        await self.store.record_findings(
            thread_id=thread_id,
            message_id=result.message.id,
            author_id=who.user_id,
            action=decision.action.value,
            original_text=text,
            findings=rows,
        )
        await self.notifier.to_thread(thread_id, "message:new", message_json(result.message))
        notice_msg = await self.post(
            NewMessage(
                thread_id,
                SYSTEM_AUTHOR,
                MessageKind.POLICY,
                {
                    "action": decision.action.value,
                    "labels": labels,
                    "notice": notice,
                    "author_id": who.user_id,
                    "message_seq": result.message.seq,
                },
            )
        )
        return SendOutcome(result.message, True, (notice_msg,))


def public_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    return [message_json(m) for m in messages]
