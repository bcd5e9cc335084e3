from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from signaling.domain.threads import Role, Stage, Thread
from signaling.errors import Conflict, Forbidden

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def thread(stage: Stage = Stage.INVITED) -> Thread:
    return Thread("t", "job", "Job", "c", "f", stage, NOW)


def test_first_message_moves_invited_to_interviewing() -> None:
    assert thread().on_message().stage is Stage.INTERVIEWING
    assert thread(Stage.INTERVIEWING).on_message().stage is Stage.INTERVIEWING


def test_hire_starts_contract_and_ends_pre_contract() -> None:
    hired = thread(Stage.INTERVIEWING).transition(Stage.HIRED, actor_role=Role.SERVICE, at=NOW)
    assert hired.stage is Stage.HIRED
    assert hired.contract_started_at == NOW
    assert not hired.pre_contract
    assert thread(Stage.INTERVIEWING).pre_contract


@pytest.mark.parametrize(
    ("start", "to", "role"),
    [
        (Stage.INTERVIEWING, Stage.DECLINED, Role.CLIENT),
        (Stage.INTERVIEWING, Stage.WITHDRAWN, Role.FREELANCER),
        (Stage.INTERVIEWING, Stage.CLOSED, Role.CLIENT),
        (Stage.INVITED, Stage.DECLINED, Role.FREELANCER),
        (Stage.INVITED, Stage.INTERVIEWING, Role.FREELANCER),
    ],
)
def test_allowed_transitions(start: Stage, to: Stage, role: Role) -> None:
    assert thread(start).transition(to, actor_role=role, at=NOW).stage is to


def test_wrong_party_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        thread(Stage.INTERVIEWING).transition(Stage.HIRED, actor_role=Role.FREELANCER, at=NOW)
    with pytest.raises(Forbidden):
        thread(Stage.INTERVIEWING).transition(Stage.WITHDRAWN, actor_role=Role.CLIENT, at=NOW)


def test_service_may_do_any_legal_transition() -> None:
    moved = thread(Stage.INTERVIEWING).transition(Stage.HIRED, actor_role=Role.SERVICE, at=NOW)
    assert moved.stage is Stage.HIRED
    assert thread().transition(Stage.HIRED, actor_role=Role.SERVICE, at=NOW).stage is Stage.HIRED


@pytest.mark.parametrize("start", [Stage.INVITED, Stage.INTERVIEWING])
@pytest.mark.parametrize("role", [Role.CLIENT, Role.FREELANCER, Role.ADMIN, Role.AUDITOR])
def test_only_the_service_starts_a_contract(start: Stage, role: Role) -> None:
    # hiring switches the contact policy off, so no party may do it alone
    with pytest.raises(Forbidden):
        thread(start).transition(Stage.HIRED, actor_role=role, at=NOW)


LEGAL = {
    (Stage.INVITED, Stage.INTERVIEWING),
    (Stage.INVITED, Stage.DECLINED),
    (Stage.INVITED, Stage.WITHDRAWN),
    (Stage.INVITED, Stage.CLOSED),
    (Stage.INVITED, Stage.HIRED),
    (Stage.INTERVIEWING, Stage.DECLINED),
    (Stage.INTERVIEWING, Stage.HIRED),
    (Stage.INTERVIEWING, Stage.WITHDRAWN),
    (Stage.INTERVIEWING, Stage.CLOSED),
}


@pytest.mark.parametrize(
    ("start", "to"), [p for p in itertools.product(Stage, Stage) if p not in LEGAL]
)
def test_every_illegal_transition_is_a_conflict(start: Stage, to: Stage) -> None:
    with pytest.raises(Conflict) as info:
        thread(start).transition(to, actor_role=Role.SERVICE, at=NOW)
    assert info.value.status == 409
    assert info.value.reason


def test_thread_validates_parties() -> None:
    with pytest.raises(ValueError, match="different"):
        Thread("t", "job", "Job", "same", "same", Stage.INVITED, NOW)
