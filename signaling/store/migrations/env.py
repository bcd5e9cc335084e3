"""Alembic environment: async engines, URL handed over by ``signaling.store.migrate``."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from signaling.store.schema import metadata

config = context.config


# pg_advisory_xact_lock key for "interview-server migrations" (any fixed bigint; ours alone).
MIGRATION_LOCK_KEY = 0x696E_7465_7276_6965


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Nodes starting at once all migrate: serialise them. The lock is held by this
        # transaction (every migration runs in it) and released at commit or rollback; the
        # next node then finds the schema at head and has nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
    finally:
        await engine.dispose()


# The engine is built outside the loop: building it touches the file system.
asyncio.run(_run_async(create_async_engine(str(config.attributes["url"]))))
