"""Waiting in background loops without swallowing a cancellation."""

from __future__ import annotations

import asyncio


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Until ``event`` is set or ``seconds`` have passed; whether it was set.

    Not ``asyncio.wait_for`` inside ``suppress(TimeoutError)``: on Python 3.11 it can
    swallow a cancellation that arrives as the wait ends, and a loop that goes on after
    it never stops (a worker cancelled at shutdown went on polling, and whoever awaited
    it waited for ever). A stop already asked for is honoured before waiting."""
    raise_if_cancelling()
    waiter = asyncio.ensure_future(event.wait())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()
    return bool(done)


def raise_if_cancelling() -> None:
    """Raise ``CancelledError`` when the current task has been asked to stop.

    A library that turns a cancellation into an exception of its own (an SMTP client
    reporting a broken connection, say) would otherwise let a loop that survives such
    errors go on for ever; the task still counts the request (``Task.cancelling``)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
