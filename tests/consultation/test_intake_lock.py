"""The per-address limit holds across workers: two apps (two comment writers, as two
`portal serve` workers have) on one database accept no more than one would (#15)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from portal.app import create_app
from portal.config import Settings
from portal.consultation.models import Comment
from tests.accounts.helpers import csrf_of
from tests.consultation.test_comments import THREAD, setup_v2

pytestmark = pytest.mark.db


async def test_the_address_limit_holds_across_two_workers(
    app: Starlette, settings: Settings, db: TortoiseContext
) -> None:
    await setup_v2()
    other = create_app(settings, manage_orm=False)
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://portal.test")
        for a in (app, other)
    ]
    try:
        tokens = [csrf_of((await c.get(THREAD)).text) for c in clients]

        def form(k: int) -> dict[str, str]:
            return {
                "csrf_token": tokens[k % 2], "submission_key": f"kunci-{k:02d}", "position": "pertanyaan",
                "category": "lainnya", "body": f"Pertanyaan nomor {k} tentang iuran.", "email": f"orang{k}@contoh.id",
            }  # fmt: skip

        responses = await asyncio.gather(*(clients[k % 2].post(THREAD, data=form(k)) for k in range(40)))
    finally:
        for c in clients:
            await c.aclose()
        other.state.search.close()
        other.state.executors.shutdown()
    accepted = [r for r in responses if r.status_code == 303]
    assert len(accepted) == 30  # RATE_PER_ADDRESS, counted over both workers' batches
    assert await Comment.all().count() == 30
