"""/healthz, /readyz and /metrics through the real app."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import httpx
from starlette.applications import Starlette

from portal.app import create_app
from portal.config import Settings
from portal.ops.metrics import COMMENTS_ACCEPTED
from portal.search.models import SearchOutbox
from tests.consultation.test_comments import THREAD, V2, comment, setup_v2
from tests.ops.helpers import database_gone

TOKEN = "metrics-token-for-tests-0123456789"


async def test_healthz_answers_without_the_database(settings: Settings) -> None:
    app = create_app(settings, manage_orm=False)  # the ORM is never initialised here
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.get("/healthz")
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
            ready = await client.get("/readyz")  # the database check fails: no connection at all
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"]["status"] == "fail"
    finally:
        app.state.search.close()
        app.state.executors.shutdown()


async def test_readyz_passes_with_every_check_named(client: httpx.AsyncClient, settings: Settings) -> None:
    await setup_v2()  # imports write search outbox rows and nothing indexes them here
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    checks = body["checks"]
    assert set(checks) == {"database", "index", "outbox", "mail", "disk"}
    assert checks["database"]["status"] == "ok"
    assert checks["outbox"]["count"] == await SearchOutbox.all().count() > 0
    assert checks["outbox"]["oldest_age_s"] >= 0
    assert checks["mail"] == {"status": "ok", "pending": 0, "failing": 0, "oldest_age_s": 0.0}
    assert checks["index"]["status"] == "missing"  # no indexer ran: reported, not a failure
    free = shutil.disk_usage(settings.data_dir.parent).free
    assert abs(checks["disk"]["free_bytes"] - free) < 512 * 1024 * 1024
    assert checks["disk"]["min_free_bytes"] == 200 * 1024 * 1024


async def test_readyz_reports_the_index_generation_and_age(client: httpx.AsyncClient, app: Starlette) -> None:
    from portal.search.indexer import catch_up

    await setup_v2()
    await catch_up(app.state.search)  # the indexer's own round: the outbox applied, a commit made
    checks = (await client.get("/readyz")).json()["checks"]
    assert checks["index"]["status"] == "ok"
    assert checks["index"]["generation"] >= 1
    assert 0 <= checks["index"]["age_s"] < 60
    assert checks["outbox"]["count"] == 0


async def test_readyz_fails_when_the_disk_has_less_than_the_threshold(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    free_mb = shutil.disk_usage(settings.data_dir.parent).free // (1024 * 1024)
    app.state.settings = dataclasses.replace(settings, ready_min_free_mb=free_mb + 1024)
    response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["disk"]
    assert body["checks"]["disk"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


async def test_readyz_fails_when_the_database_is_gone(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    async with database_gone(database_url, tmp_path):
        response = await client.get("/readyz")
        assert (await client.get("/healthz")).status_code == 200  # alive all the same
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["failed"]
    assert body["checks"]["outbox"] == {"status": "skipped"}
    assert body["checks"]["disk"]["status"] == "ok"


async def test_metrics_are_hidden_without_the_token(client: httpx.AsyncClient, app: Starlette) -> None:
    assert (await client.get("/metrics")).status_code == 404  # no token set: as any unknown page
    app.state.settings = dataclasses.replace(app.state.settings, metrics_token=TOKEN)
    assert (await client.get("/metrics")).status_code == 404
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 404
    unknown = await client.get("/no-such-page")
    assert (
        wrong.text.replace("/metrics", "/no-such-page") == unknown.text
    )  # nothing tells it apart from an address that does not exist


async def test_metrics_with_the_token_label_routes_by_template(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    await setup_v2()
    app.state.settings = dataclasses.replace(app.state.settings, metrics_token=TOKEN)
    assert (await client.get(V2)).status_code == 200
    assert (await client.get(f"{V2}/pasal-6")).status_code == 200
    await client.get("/r/jamsos-ketenagakerjaan/v2/no-such-provision-xyz")
    before = COMMENTS_ACCEPTED._value.get()
    assert (await comment(client)).status_code == 303
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'portal_http_request_duration_seconds_count{method="GET",route="/r/{slug}/{versi}"}' in text
    assert 'route="/r/{slug}/{versi}/{path:path}"' in text
    assert "pasal-6" not in text
    assert "no-such-provision" not in text
    assert 'portal_http_requests_total{method="POST",status="3xx"}' in text
    assert COMMENTS_ACCEPTED._value.get() == before + 1
    assert re.search(r"^portal_comments_accepted_total \d", text, re.M)
    assert re.search(r"^portal_search_outbox_rows [1-9]", text, re.M)  # rows written, none applied
    assert re.search(r"^portal_mail_pending 1\.0$", text, re.M)  # the receipt mail
    assert re.search(r"^portal_database_up 1\.0$", text, re.M)
    assert "portal_mail_failing 0.0" in text
    assert "portal_search_index_age_seconds NaN" in text  # no index built in this test
    assert THREAD not in text
