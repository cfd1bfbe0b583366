"""Forms fuzzed with hypothesis against a live server: whatever is typed, never a 500,
and a refused form comes back with the user's text in it."""

from __future__ import annotations

import itertools
import re

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)
FORMS = {
    "/daftar": ("name", "email", "password", "password2"),
    "/masuk": ("email", "password"),
    "/lupa-sandi": ("email",),
}


# Each example comes from an address of its own (the server trusts X-Forwarded-For from
# loopback, as behind a proxy): failed logins here must not lock 127.0.0.1 for the browser
# tests that share this live server.
ADDRESSES = itertools.count(1)


def token(client: httpx.Client, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(url).text)
    assert match
    return match.group(1)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(url=st.sampled_from(sorted(FORMS)), values=st.lists(TEXT, min_size=4, max_size=4))
def test_forms_never_fail_and_keep_what_was_typed(live_server: str, url: str, values: list[str]) -> None:
    n = next(ADDRESSES)
    forwarded = {"x-forwarded-for": f"10.99.{n // 250 % 250}.{n % 250 + 1}"}
    with httpx.Client(base_url=live_server, headers=forwarded) as client:
        data = dict(zip(FORMS[url], values, strict=False))
        response = client.post(url, data={**data, "csrf_token": token(client, url)})
        assert response.status_code < 500, (url, data, response.status_code)
        if url == "/daftar" and response.status_code == 400:
            assert f'value="{escape(data["name"][:200])}"' in response.text
