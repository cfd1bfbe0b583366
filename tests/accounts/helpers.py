from __future__ import annotations

import re

import httpx

from portal.accounts import services
from portal.accounts.models import User
from portal.mail.models import MailMessage

PASSWORD = "Kata-sandi-yang-kuat-2026"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, str], form_url: str | None = None
) -> httpx.Response:
    page = await client.get(form_url or url)
    return await client.post(url, data={**data, "csrf_token": csrf_of(page.text)})


async def make_user(email: str, role: str = "publik", password: str = PASSWORD) -> User:
    user, problems = await services.create_user(email, password, role, name=email.split("@")[0].title())
    assert user is not None, problems
    return user


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await post_form(client, "/masuk", {"email": email, "password": password})


async def last_link(to: str, path: str) -> str:
    message = await MailMessage.filter(to=to).order_by("-id").first()
    assert message is not None, f"no mail to {to}"
    match = re.search(rf"https?://[^/\s]+(/{path}/[\w-]+)", message.body)
    assert match, message.body
    return match.group(1)
