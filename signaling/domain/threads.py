"""Threads: one per client x applicant x job, and the marketplace's stage rules.

Pure domain code: no I/O, standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from signaling.errors import Conflict, Forbidden


class Stage(StrEnum):
    """Where the applicant stands. Everything before HIRED is pre-contract."""

    INVITED = "invited"
    INTERVIEWING = "interviewing"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    HIRED = "hired"


class Role(StrEnum):
    CLIENT = "client"
    FREELANCER = "freelancer"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SERVICE = "service"


# Who may move a thread from one stage to another. The platform's service token may make every
# transition listed here; a party only those naming its role. A contract starts on the
# marketplace's side, so moving to HIRED (which switches the contact policy off) is for the
# service token alone: no party role is listed for it. Every stage after INTERVIEWING is final.
SERVICE_ONLY: frozenset[Role] = frozenset()
_TRANSITIONS: dict[tuple[Stage, Stage], frozenset[Role]] = {
    # the applicant accepts the invitation / the client starts talking
    (Stage.INVITED, Stage.INTERVIEWING): frozenset({Role.FREELANCER, Role.CLIENT}),
    # the client turns the applicant down, or the applicant turns the invitation down
    (Stage.INVITED, Stage.DECLINED): frozenset({Role.CLIENT, Role.FREELANCER}),
    (Stage.INVITED, Stage.WITHDRAWN): frozenset({Role.FREELANCER}),
    (Stage.INVITED, Stage.CLOSED): frozenset({Role.CLIENT}),
    (Stage.INVITED, Stage.HIRED): SERVICE_ONLY,
    (Stage.INTERVIEWING, Stage.DECLINED): frozenset({Role.CLIENT}),
    (Stage.INTERVIEWING, Stage.HIRED): SERVICE_ONLY,
    (Stage.INTERVIEWING, Stage.WITHDRAWN): frozenset({Role.FREELANCER}),
    (Stage.INTERVIEWING, Stage.CLOSED): frozenset({Role.CLIENT}),
}


def transitions() -> dict[tuple[Stage, Stage], frozenset[Role]]:
    """The transition table (for documentation and tests)."""
    return dict(_TRANSITIONS)


TERMINAL = frozenset({Stage.DECLINED, Stage.WITHDRAWN, Stage.CLOSED, Stage.HIRED})


@dataclass(frozen=True)
class Thread:
    """The conversation between one client and one applicant about one job."""

    id: str
    job_id: str
    job_title: str
    client_id: str
    freelancer_id: str
    stage: Stage
    created_at: datetime
    contract_started_at: datetime | None = None
    last_seq: int = 0

    def __post_init__(self) -> None:
        if self.client_id == self.freelancer_id:
            raise ValueError("client and freelancer must be different users")
        if not self.job_id or not self.job_title:
            raise ValueError("job_id and job_title are required")

    @property
    def pre_contract(self) -> bool:
        """True until a contract starts; the policy guard and call logs key off this."""
        return self.stage is not Stage.HIRED

    @property
    def open_for_messages(self) -> bool:
        return self.stage in {Stage.INVITED, Stage.INTERVIEWING, Stage.HIRED}

    def parties(self) -> tuple[str, str]:
        return (self.client_id, self.freelancer_id)

    def is_party(self, user_id: str) -> bool:
        return user_id in (self.client_id, self.freelancer_id)

    def role_of(self, user_id: str) -> Role | None:
        if user_id == self.client_id:
            return Role.CLIENT
        if user_id == self.freelancer_id:
            return Role.FREELANCER
        return None

    def other_party(self, user_id: str) -> str:
        return self.freelancer_id if user_id == self.client_id else self.client_id

    def transition(self, to: Stage, *, actor_role: Role, at: datetime) -> Thread:
        """Return the thread in stage ``to`` or raise Conflict/Forbidden with a reason."""
        if to is self.stage:
            raise Conflict(f"thread is already {to.value}", code="stage_unchanged")
        allowed = _TRANSITIONS.get((self.stage, to))
        if allowed is None:
            raise Conflict(
                f"cannot move a thread from {self.stage.value} to {to.value}",
                code="illegal_transition",
            )
        if actor_role is not Role.SERVICE and actor_role not in allowed:
            raise Forbidden(
                f"a {actor_role.value} cannot move a thread from {self.stage.value} to {to.value}",
                code="transition_not_allowed",
            )
        contract = at if to is Stage.HIRED else self.contract_started_at
        return replace(self, stage=to, contract_started_at=contract)

    def on_message(self) -> Thread:
        """Sending the first message moves an invited applicant to interviewing."""
        if self.stage is Stage.INVITED:
            return replace(self, stage=Stage.INTERVIEWING)
        return self
