"""``wait_for_event``: set, timed out, and cancelled (a cancellation always goes through)."""

from __future__ import annotations

import asyncio

import pytest

from portal.ops.waiting import wait_for_event


async def test_it_returns_when_set_or_when_the_time_is_up() -> None:
    event = asyncio.Event()
    assert await wait_for_event(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_for_event(event, 30) is True


async def test_a_worker_that_waits_in_a_loop_ends_when_cancelled_at_any_moment() -> None:
    """Like the mail sender and the PDF sweep: wait, work, wait again. Cancelled at any
    point, even as a wait times out, it ends (it must not go on polling for ever)."""
    event = asyncio.Event()

    async def worker() -> None:
        while True:
            await wait_for_event(event, 0.002)

    for k in range(40):
        running = asyncio.create_task(worker())
        await asyncio.sleep(k * 0.0005)  # cancels falling before, at and after a timeout
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(running, 5)
