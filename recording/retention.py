"""Retention: delete recordings older than the configured number of days, unless on hold."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from recording.storage import RecordingStorage
from signaling.errors import RecordingError

logger = logging.getLogger(__name__)


def sweep(
    storage: RecordingStorage,
    *,
    retention_days: int,
    now: datetime,
    held: Callable[[str], bool],
) -> list[str]:
    """Delete expired recordings not under legal hold; return the deleted keys (blocking)."""
    cutoff = now - timedelta(days=retention_days)
    deleted = []
    for item in storage.list():
        if item.modified >= cutoff:
            continue
        if held(item.key):
            logger.info("recording kept under legal hold key=%s", item.key)
            continue
        try:
            storage.delete(item.key)
        except RecordingError as exc:  # e.g. the object store still holds it under Object Lock
            logger.warning("recording not deleted key=%s: %s", item.key, exc.reason)
            continue
        deleted.append(item.key)
        logger.info(
            "recording deleted by retention key=%s age_days=%.1f",
            item.key,
            (now - item.modified).total_seconds() / 86400,
        )
    return deleted
