"""Every route × every role: allowed, 403, or off to the login page (a route without
a rule in portal.accounts.policy fails here)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from portal.accounts.policy import ANONYMOUS, GRANTS, ROUTES, Actor, can
from portal.consultation.models import Comment
from portal.drafting.models import WorkingDraft
from portal.versions.services import import_text
from tests.accounts.helpers import make_user, sign_in

SAMPLES = {
    "slug": "jamsos-ketenagakerjaan",
    "versi": "v1",
    "path": "pasal-1",
    "pair": "v1..v2",
    "name": "matriks",
    "lang": "en",
    "token": "tidak-berlaku",
    "user_id": "1",
    "draft_id": "1",
    "nomor": "UJI-2026-000001",
}
DATA = Path(__file__).resolve().parents[1] / "data"
ROLES = [ANONYMOUS, "publik", "pemangku", "moderator", "penyusun", "admin"]


def named_routes(app: Starlette) -> list[Route | Mount]:
    return [r for r in app.routes if isinstance(r, (Route, Mount))]


def test_every_route_has_a_rule(app: Starlette) -> None:
    names = {route.name for route in named_routes(app)}
    assert names - set(ROUTES) == set(), "routes without a rule in portal/accounts/policy.py"
    assert set(ROUTES) - names == set(), "rules for routes that do not exist"


def url_for(route: Route) -> str:
    path = route.path
    for key, value in SAMPLES.items():
        path = path.replace("{" + key + "}", value).replace("{" + key + ":path}", value)
    return path


@pytest.mark.parametrize("role", ROLES)
async def test_every_route_answers_each_role_as_the_policy_says(
    app: Starlette, client: httpx.AsyncClient, role: str
) -> None:
    if role != ANONYMOUS:
        await make_user(f"{role}@contoh.id", role=role)
        assert (await sign_in(client, f"{role}@contoh.id")).status_code == 303
    actor = Actor(None if role == ANONYMOUS else 1, role)
    await WorkingDraft.create(slug="contoh", versi="v1", source="---\nslug: contoh\n---\n")
    version = (await import_text((DATA / "contoh.md").read_text(encoding="utf-8"))).version
    await Comment.create(
        number=SAMPLES["nomor"], version=version, body="Uji.", submission_key="uji", category="lainnya"
    )
    checked = 0
    for route in named_routes(app):
        if isinstance(route, Mount) or route.name in ("logout",):
            continue
        url = url_for(route)
        rule = ROUTES[route.name]
        method = "GET" if "GET" in (route.methods or {"GET"}) else "POST"
        response = await client.request(method, url, follow_redirects=False)
        location = response.headers.get("location", "")
        if rule in ("public", "read"):
            assert response.status_code != 403, url
            assert not location.startswith("/masuk"), url
        elif role == ANONYMOUS and url.endswith(".json"):
            assert response.status_code == 401, url  # the JSON API asks for a token instead
        elif role == ANONYMOUS:
            assert (response.status_code, location.split("?")[0]) == (303, "/masuk"), url
        elif not can(actor, rule):
            assert response.status_code == 403, (role, url)
        elif method == "POST":
            assert response.status_code == 403, (role, url)  # allowed, but no CSRF token: refused
        else:
            assert response.status_code == 200, (role, url)
        checked += 1
    assert checked >= 20


def test_grants_are_least_privilege() -> None:
    admin_only = {"admin.users", "admin.audit"}
    for role, permissions in GRANTS.items():
        if role != "admin":
            assert not permissions & admin_only, role
    assert GRANTS[ANONYMOUS] == frozenset({"read"})
    drafting = {"draft.edit", "draft.publish"}
    assert {role for role, permissions in GRANTS.items() if permissions & drafting} == {"penyusun", "admin"}
