"""The comment form's limits give the form back whole: a file over the attachment limit
(cut while it streams) or a body over the transport limit (cut there) comes back with
every text field as typed and the message next to the file; an over-long comment or
proposed wording is refused with the whole text kept and the limit and its length named."""

from __future__ import annotations

import re

import httpx

from portal.app import COMMENT_BODY_BYTES
from portal.config import Settings
from portal.consultation.attachments import ATTACHMENT_MAX
from portal.consultation.models import Comment
from tests.consultation.test_comments import THREAD, comment, setup_v2

BODY = "Kami keberatan: iuran nelayan harus dibantu APBD.\nAlasannya terlampir dalam kertas posisi."
TOO_LARGE = "Lampiran lebih besar dari 10 MB."


def _kept_next_to_the_file(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text[:300]
    assert re.search(
        r'<input id="attachment" name="attachment"[^>]*><p class="field-error" id="attachment-error">'
        + re.escape(TOO_LARGE),
        response.text,
    ), "the message is not next to the attachment field"
    assert BODY in response.text
    assert "Rumusan usulan kami" in response.text
    assert '<option value="Kota Serang" selected>' in response.text
    assert 'value="warga@contoh.id"' in response.text
    assert 'value="Siti Aminah"' in response.text
    assert 'value="Serikat Nelayan Banten"' in response.text


def _stored(settings: Settings) -> list[str]:
    folder = settings.data_dir / "lampiran"
    return [p.name for p in folder.iterdir()] if folder.exists() else []


async def _with_file(client: httpx.AsyncClient, size: int) -> httpx.Response:
    return await comment(
        client,
        body=BODY,
        replacement="Rumusan usulan kami",
        name="Siti Aminah",
        organisation="Serikat Nelayan Banten",
        files={"attachment": ("besar.pdf", b"%PDF-1.7\n" + b"0" * size, "application/pdf")},
    )


async def test_a_file_over_the_attachment_limit_gives_the_form_back_whole(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await setup_v2()
    _kept_next_to_the_file(await _with_file(client, ATTACHMENT_MAX + 2 * 1024 * 1024))
    assert not await Comment.exists()
    assert not _stored(settings)  # nothing of the file kept


async def test_a_body_over_the_transport_limit_is_cut_and_the_text_kept(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await setup_v2()
    _kept_next_to_the_file(await _with_file(client, COMMENT_BODY_BYTES + 1024 * 1024))
    assert not await Comment.exists()
    assert not _stored(settings)


async def test_other_forms_still_get_413_at_the_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/masuk",
        content=b"x" * (2 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "Request body too large" in response.text


async def test_an_over_long_comment_is_refused_whole_with_its_length(client: httpx.AsyncClient) -> None:
    await setup_v2()
    body = "Panjang sekali. " * 325  # 5,200 characters
    replacement = "Rumusan " * 700  # 5,600 characters
    response = await comment(client, body=body, replacement=replacement)
    assert response.status_code == 400
    assert "paling banyak 5.000 karakter, sedangkan komentar ini 5.200 karakter" in response.text
    assert "paling banyak 5.000 karakter, sedangkan usulan ini 5.600 karakter" in response.text
    assert f">{body}</textarea>" in response.text  # every character, not cut
    assert f">{replacement}</textarea>" in response.text
    assert not await Comment.exists()


async def test_line_breaks_count_once_and_a_text_at_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    await setup_v2()
    body = ("a" * 99 + "\r\n") * 50  # 5,000 characters as the writer sees them
    response = await comment(client, body=body)
    assert response.status_code == 303, response.text[:300]


async def test_the_form_has_counters_and_no_maxlength_that_cuts_a_paste(client: httpx.AsyncClient) -> None:
    await setup_v2()
    page = (await client.get(THREAD)).text
    assert 'maxlength="5000"' not in page
    assert 'id="body" name="body" rows="6" data-max-chars="5000"' in page
    assert 'name="replacement" rows="4" data-max-chars="5000"' in page
    assert f'data-max-bytes="{ATTACHMENT_MAX}"' in page
    assert 'data-count="%(count)s / %(limit)s karakter"' in page
    assert "comment.js" in page
    # The file comes after every text field, so a body cut at the limit keeps them.
    assert page.index('name="attachment"') > page.index('name="email"')
