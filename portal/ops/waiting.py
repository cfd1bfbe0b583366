"""Waiting in background loops without swallowing a cancellation."""

from __future__ import annotations

import asyncio


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Until ``event`` is set or ``seconds`` have passed; whether it was set.

    Not ``asyncio.timeout`` (or ``wait_for``) inside ``suppress(TimeoutError)``: on
    Python 3.11 a cancellation that arrives as the timeout expires can come out as a
    ``TimeoutError``, and a loop that suppresses it never ends (a worker cancelled at
    shutdown went on polling, and whoever awaited it waited for ever)."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()
    return bool(done)
