"""schemathesis hooks for the contract run (loaded with ``SCHEMATHESIS_HOOKS``).

Some rules cannot be stated in JSON Schema: a time zone that exists, a start in the future and
within the horizon, slots that do not overlap, a cursor this server issued, ``from`` before
``to``. A schema-valid request that breaks one is refused with a 4xx problem whose ``code``
names the rule; that is the documented behaviour, not a failure, so :func:`filter_failure`
drops exactly those "schema-valid request rejected" (ST202) reports. Every other failure stays.

Date-times are generated where the server accepts them (from an hour to 300 days ahead;
``signaling.api.models`` refuses years outside 2000..2100 and schedules refuse the past), so
positive cases reach the handlers instead of stopping at the date rule.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis
from hypothesis import strategies as st

# code → why a schema-valid request may still be refused with it
SEMANTIC: dict[str, str] = {
    "unknown_timezone": "an IANA time zone that exists (the list depends on tzdata)",
    "slot_in_past": "a slot starts in the future",
    "slot_too_far": "a slot starts within the horizon",
    "overlapping_slots": "slots do not overlap",
    "start_in_past": "a meeting starts in the future",
    "start_too_far": "a meeting starts within the horizon",
    "bad_cursor": "a cursor is one this server issued",
    "bad_range": "'from' before 'to'; proof sizes within the log",
    "policy_blocked": "the contact policy blocked the text",
    "entry_not_found": "an audit entry at that index",
    "file_name_invalid": "a file name with a visible last path component",
    "file_empty": "a file has at least one byte",
    "file_executable": "a file that is not an executable or a script",
    "file_unscannable": "before a contract, a document the contact guard can read",
    "bad_assignee": "a case is assigned to a known auditor or admin",
}
# A few rules share the generic code; they are matched by their exact text.
SEMANTIC_DETAILS = (
    "client and freelancer must differ",
    "client_id is required with the service token",
    # UpdateCase states minProperties: 1, but the coverage phase may still send {}
    "give a status, a note, legal_hold or assignee_id",
    "give exactly one of index (entry id) and leaf_index",
)

NOW = datetime.now(UTC).replace(microsecond=0)


schemathesis.openapi.format(
    "date-time",
    st.integers(min_value=3600, max_value=300 * 86400).map(
        lambda s: (NOW + timedelta(seconds=s)).isoformat().replace("+00:00", "Z")
    ),
)


def _problem(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except (ValueError, TypeError):
        return {}
    return body if isinstance(body, dict) else {}


def semantic_rejection(status: int, problem: dict[str, Any]) -> bool:
    if status not in (400, 409, 422):
        return False
    if problem.get("code") in SEMANTIC:
        return True
    detail = str(problem.get("detail", ""))
    return any(text in detail for text in SEMANTIC_DETAILS)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure except a documented semantic refusal of schema-valid data."""
    if getattr(failure, "code", None) != "ST202":
        return True
    return not semantic_rejection(response.status_code, _problem(response))
