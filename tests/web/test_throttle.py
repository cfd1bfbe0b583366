"""The database throttle and the bounded executors shared by every route."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from tortoise.context import TortoiseContext

from portal.web import throttle
from portal.web.executors import Busy, Executors
from portal.web.models import ThrottleHit

pytestmark = pytest.mark.db


async def test_throttle_counts_per_key_and_stores_no_key_in_clear(db: TortoiseContext) -> None:
    window = timedelta(minutes=10)
    for _ in range(3):
        assert (await throttle.hit("s", ("mail-to", "a@example.org"), 3, window)).allowed
    refused = await throttle.hit("s", ("mail-to", "a@example.org"), 3, window)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 600
    assert (await throttle.hit("s", ("mail-to", "b@example.org"), 3, window)).allowed
    assert await throttle.peek("s", ("mail-to", "a@example.org"), window) == 3  # the refusal not counted
    keys = await ThrottleHit.all().values_list("key", flat=True)
    assert all("example.org" not in str(k) and len(str(k)) == 64 for k in keys)


async def test_throttle_all_or_nothing(db: TortoiseContext) -> None:
    window = timedelta(minutes=10)
    assert (await throttle.hit("s", ("ip", "1"), 1, window)).allowed
    both = [(("ip", "1"), 5), (("to", "x"), 5)]
    assert not (await throttle.hit_all("s", [(("ip", "1"), 1), (("to", "x"), 5)], window)).allowed
    assert await throttle.peek("s", ("to", "x"), window) == 0  # refused by one: counted by none
    assert (await throttle.hit_all("s", both, window)).allowed


async def test_a_full_pool_refuses_at_once_and_other_kinds_still_run() -> None:
    pools = Executors({"search": 1, "export": 1}, queue=1)
    release = threading.Event()
    try:
        stuck = [asyncio.ensure_future(pools.run("search", release.wait, 5)) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await pools.run("search", lambda: None)
        assert await asyncio.wait_for(pools.run("export", lambda: 42), 2) == 42  # not starved
        release.set()
        assert await asyncio.gather(*stuck) == [True, True]
        await asyncio.sleep(0.05)
        assert pools.admitted("search") == 0
    finally:
        release.set()
        pools.shutdown()
