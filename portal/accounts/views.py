"""Web handlers for registering, signing in and out, passwords and one's own account."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal.accounts import services, tokens, verification
from portal.accounts.mail_limits import Verdict, allow_mail, refusal_message, retry_headers
from portal.accounts.models import CATEGORIES, ApiToken, Session, VerificationRequest
from portal.accounts.web import (
    SESSION_COOKIE,
    client_ip,
    require,
    require_api,
    session_token,
    set_session_cookie,
)
from portal.consultation.models import Comment
from portal.consultation.services import STATUS_NAMES
from portal.i18n import Translator
from portal.web.forms import (
    cookie_name,
    delete_cookie,
    read_form,
    render,
    set_cookie,
    text,
)
from portal.web.lang import safe_next
from portal.web.pages import request_lang
from portal.web.params import page_number, row_id

REGISTRATION_COOKIE = "daftar"  # the registering browser's proof for its activation link


def _keep_proof(request: Request, response: Response, proof: str) -> Response:
    set_cookie(
        response, REGISTRATION_COOKIE, proof, request.app.state.settings, max_age=services.VERIFY_HOURS * 3600
    )
    return response


def notice(request: Request, title: str, message: str, status: int = 200, **links: str) -> Response:
    return render(request, "accounts/notice.html", status=status, title=title, message=message, links=links)


# -- registration ---------------------------------------------------------------------


async def register(request: Request) -> Response:
    t = Translator(request_lang(request))
    if request.method == "GET":
        return render(request, "accounts/register.html", values={}, errors={})
    form = await read_form(request)
    values = {"name": text(form, "name", 200), "email": text(form, "email", 254)}
    password, again = text(form, "password", 2000), text(form, "password2", 2000)
    settings = request.app.state.settings
    result = services.Registration({})
    if password != again:
        result = services.Registration({"password2": ["password_mismatch"]})
    else:
        result = await services.register(
            values["name"], values["email"], password, settings, client_ip(request)
        )
    if result.errors:
        return render(request, "accounts/register.html", status=400, values=values, errors=result.errors)
    if result.refused is not None:
        return _mail_refused(request, "accounts/register.html", result.refused, values=values, errors={})
    response = notice(
        request,
        t.gettext("Check your email"),
        t.gettext("If the address is right, a message with a link to activate your account is on its way."),
    )
    return _keep_proof(request, response, result.proof)


def _mail_refused(request: Request, template: str, verdict: Verdict, **context: Any) -> Response:
    """429: the mail throttle said no; the form again, with what was typed (never a password)."""
    error = refusal_message(Translator(request_lang(request)), verdict)
    return render(request, template, status=429, headers=retry_headers(verdict), error=error, **context)


async def verify_email(request: Request) -> Response:
    """A link from a mail: a change of address (confirmed on opening it), or an activation.

    An activation link opened in the browser that registered (it holds the proof cookie)
    activates at once; anywhere else it asks for the password chosen at registration, so
    that a link never activates a password the person opening it did not type."""
    t = Translator(request_lang(request))
    token = request.path_params["token"]
    settings = request.app.state.settings
    opening = request.method in ("GET", "HEAD")
    if opening:
        changed = await services.confirm_email_change(token)
        if changed is not None:
            return notice(
                request,
                t.gettext("Email address changed"),
                t.gettext("Your account now uses %(email)s.", email=changed.email),
            )
    found = await services.activation_link(token)
    if found is None:
        return _link_invalid(request)
    if opening:
        proof = request.cookies.get(cookie_name(REGISTRATION_COOKIE, settings), "")
        if not services.proof_matches(settings, token, proof):
            return render(request, "accounts/activate.html", token=token, error=None)
        activated = await services.activate(found, found.password_hash)
        if activated is None:
            return _link_invalid(request)
        return _activated(request)
    form = await read_form(request)
    outcome = await services.activate_with_password(
        token, text(form, "password", 2000), client_ip(request), settings
    )
    if outcome.outcome == "ok":
        return _activated(request)
    if outcome.outcome == "invalid":
        return _link_invalid(request)
    if outcome.outcome == "locked":
        error = t.gettext(
            "Too many failed attempts from this network address. Try again in %(minutes)s minutes.",
            minutes=max(1, -(-outcome.retry_after // 60)),
        )
        return render(
            request, "accounts/activate.html", status=429, headers={"retry-after": str(outcome.retry_after)},
            token=token, error=error,
        )  # fmt: skip
    return render(
        request,
        "accounts/activate.html",
        status=400,
        token=token,
        error=t.gettext(
            "This is not the password chosen when this link was asked for. If you did not create this account, you can register with this address yourself: the account then gets your password once you open the new link."
        ),
    )


def _link_invalid(request: Request) -> Response:
    t = Translator(request_lang(request))
    return notice(
        request,
        t.gettext("Link not valid"),
        t.gettext("This link is invalid or has expired. Ask for a new one."),
        400,
    )


def _activated(request: Request) -> Response:
    t = Translator(request_lang(request))
    response = notice(
        request,
        t.gettext("Email address verified"),
        t.gettext("Your account is active. You can sign in now."),
        masuk="/masuk",
    )
    delete_cookie(response, REGISTRATION_COOKIE, request.app.state.settings)
    return response


# -- signing in and out -----------------------------------------------------------------


async def login(request: Request) -> Response:
    t = Translator(request_lang(request))
    target = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", values={}, error=None, next=target)
    form = await read_form(request)
    email = text(form, "email", 254)
    settings = request.app.state.settings
    result = await services.authenticate(email, text(form, "password", 2000), client_ip(request), settings)
    if result.outcome == "ok" and result.user is not None:
        previous = session_token(request)
        if previous:
            await services.end_session(previous)  # rotate: never reuse a session across a login
        token = await services.start_session(
            result.user, client_ip(request), request.headers.get("user-agent")
        )
        response = RedirectResponse(safe_next(text(form, "next", 500) or target), status_code=303)
        set_session_cookie(request, response, token)
        return response
    headers: dict[str, str] = {}
    proof = ""
    if result.outcome == "locked":
        error = t.gettext(
            "Too many failed attempts from this network address. Signing in to this account from here is locked for %(minutes)s minutes; try again later or reset your password.",
            minutes=result.minutes,
        )
        status = 429
        headers = {"retry-after": str(result.retry_after)}
    elif result.outcome == "unverified" and result.user is not None:
        verdict = await allow_mail(settings, "activation", client_ip(request), result.user.email)
        if verdict.allowed:
            token = await services.send_verification(result.user, settings)
            proof = services.registration_proof(settings, token)
            error = t.gettext(
                "Your email address is not verified yet: we have sent the activation link again."
            )
            status = 403
        else:
            error = t.gettext(
                "Your email address is not verified yet. The activation link has been sent several times already: look for it in your mailbox (and its spam folder), or try again in %(minutes)s minutes.",
                minutes=max(1, -(-verdict.retry_after // 60)),
            )
            status = 429
            headers = retry_headers(verdict)
    else:
        error = t.gettext("The email address or the password is not correct.")
        status = 400
    page = render(
        request, "accounts/login.html", status=status, headers=headers, values={"email": email}, error=error,
        next=target,
    )  # fmt: skip
    return _keep_proof(request, page, proof) if proof else page


async def logout(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "accounts/logout.html")
    await read_form(request)
    token = session_token(request)
    if token:
        await services.end_session(token)
    response = RedirectResponse("/", status_code=303)
    delete_cookie(response, SESSION_COOKIE, request.app.state.settings)
    return response


async def forgot_password(request: Request) -> Response:
    t = Translator(request_lang(request))
    if request.method == "GET":
        return render(request, "accounts/forgot.html", values={})
    form = await read_form(request)
    values = {"email": text(form, "email", 254)}
    verdict = await services.request_reset(values["email"], request.app.state.settings, client_ip(request))
    if not verdict.allowed:
        return _mail_refused(request, "accounts/forgot.html", verdict, values=values)
    return notice(
        request,
        t.gettext("Check your email"),
        t.gettext("If an account uses this address, a link to set a new password is on its way."),
    )


async def reset_password(request: Request) -> Response:
    t = Translator(request_lang(request))
    token = request.path_params["token"]
    if request.method == "GET":
        return render(request, "accounts/reset.html", errors={}, token=token)
    form = await read_form(request)
    password, again = text(form, "password", 2000), text(form, "password2", 2000)
    if password != again:
        return render(
            request,
            "accounts/reset.html",
            status=400,
            errors={"password2": ["password_mismatch"]},
            token=token,
        )
    user, problems = await services.reset_password(token, password)
    if user is None:
        return render(request, "accounts/reset.html", status=400, errors={"password": problems}, token=token)
    return notice(
        request,
        t.gettext("Password changed"),
        t.gettext("You can sign in with your new password."),
        masuk="/masuk",
    )


# -- one's own account -------------------------------------------------------------------


async def _account_page(
    request: Request,
    user: Any,
    session: Session,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
    new_token: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    sessions = await Session.filter(user_id=user.id, revoked_at=None).order_by("-last_seen_at").limit(50)
    comments, comments_page, comments_pages = await _own_comments(user, request)
    requests = await VerificationRequest.filter(user_id=user.id).order_by("-id").limit(10)
    api_tokens = await ApiToken.filter(user_id=user.id, revoked_at=None).order_by("-id").limit(50)
    return render(
        request,
        "accounts/account.html",
        status=status,
        headers=headers,
        user=user,
        session=session,
        sessions=sessions,
        verification_requests=requests,
        tokens=api_tokens,
        new_token=new_token,
        categories=CATEGORIES,
        scopes=tokens.scopes_for(user),
        can_apply=user.role == "publik" and not any(r.status == "pending" for r in requests),
        errors=errors or {},
        values=values or {},
        saved=request.query_params.get("disimpan"),
        comments=comments,
        comments_page=comments_page,
        comments_pages=comments_pages,
        status_names=STATUS_NAMES,
        comments_url=lambda page: f"/akun?halaman={page}#komentar",
    )


COMMENTS_PER_PAGE = 20


async def _own_comments(user: Any, request: Request) -> tuple[list[Comment], int, int]:
    """One page of the comments and replies this person sent while signed in, newest
    first, with their statuses (two queries)."""
    own = Comment.filter(author_id=user.id)
    total = await own.count()
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    page = min(page_number(request.query_params.get("halaman")), pages)
    rows = (
        await own.order_by("-id")
        .offset((page - 1) * COMMENTS_PER_PAGE)
        .limit(COMMENTS_PER_PAGE)
        .select_related("version__regulation")
    )
    return list(rows), page, pages


async def account(request: Request) -> Response:
    if request.url.path.endswith(".json"):
        owner = await require_api(request, "account")
        return JSONResponse(
            {
                "email": owner.email,
                "name": owner.name,
                "role": owner.role,
                "organisation": owner.organisation,
            },
            headers={"cache-control": "no-store"},
        )
    user, session = await require(request, "account")
    return await _account_page(request, user, session)


async def account_tokens(request: Request) -> Response:
    user, session = await require(request, "account")
    form = await read_form(request)
    if text(form, "action", 20) == "revoke":
        raw = text(form, "token", 20)
        token_id = row_id(raw)
        if token_id:
            await tokens.revoke_token(user, token_id)
        return RedirectResponse("/akun?disimpan=token", status_code=303)
    values = {"token_name": text(form, "token_name", 100), "scope": text(form, "scope", 10)}
    plain, errors = await tokens.create_token(user, values["token_name"], values["scope"])
    if plain is None:
        return await _account_page(request, user, session, status=400, errors=errors, values=values)
    # Shown once, now: only its hash is kept.
    return await _account_page(request, user, session, new_token=plain)


async def account_password(request: Request) -> Response:
    user, session = await require(request, "account")
    form = await read_form(request)
    new, again = text(form, "new", 2000), text(form, "new2", 2000)
    # The form shows the choice (checked by default); a form without it ends them too.
    revoke_others = bool(text(form, "revoke_others", 5)) or not text(form, "revoke_choice", 5)
    errors = (
        {"new2": ["password_mismatch"]}
        if new != again
        else await services.change_password(
            user, text(form, "current", 2000), new, session.id, revoke_others=revoke_others
        )
    )
    if errors:
        return await _account_page(request, user, session, status=400, errors=errors)
    return RedirectResponse("/akun?disimpan=sandi", status_code=303)


async def account_email(request: Request) -> Response:
    user, session = await require(request, "account")
    form = await read_form(request)
    values = {"new_email": text(form, "new_email", 254)}
    errors, refused = await services.request_email_change(
        user, values["new_email"], text(form, "email_password", 2000), request.app.state.settings,
        client_ip(request),
    )  # fmt: skip
    if refused is not None:
        return await _account_page(
            request, user, session, status=429, errors=errors, values=values, headers=retry_headers(refused)
        )
    if errors:
        return await _account_page(request, user, session, status=400, errors=errors, values=values)
    return RedirectResponse("/akun?disimpan=surel", status_code=303)


async def account_sessions(request: Request) -> Response:
    user, _session = await require(request, "account")
    form = await read_form(request)
    target = text(form, "session", 20)
    session_id = row_id(target)
    if session_id:
        await Session.filter(id=session_id, user_id=user.id, revoked_at=None).update(
            revoked_at=services.now()
        )
    return RedirectResponse("/akun?disimpan=sesi", status_code=303)


async def account_verification(request: Request) -> Response:
    user, session = await require(request, "verification.apply")
    form = await read_form(request)
    values = {
        "organisation": text(form, "organisation", 200),
        "category": text(form, "category", 40),
        "note": text(form, "note", 2000),
    }
    _, errors = await verification.apply_for_verification(
        user, values["organisation"], values["category"], values["note"]
    )
    if errors:
        return await _account_page(request, user, session, status=400, errors=errors, values=values)
    return RedirectResponse("/akun?disimpan=verifikasi", status_code=303)


routes = [
    Route("/daftar", register, methods=["GET", "POST"], name="register"),
    Route("/verifikasi/{token}", verify_email, methods=["GET", "POST"], name="verify_email"),
    Route("/masuk", login, methods=["GET", "POST"], name="login"),
    Route("/keluar", logout, methods=["GET", "POST"], name="logout"),
    Route("/lupa-sandi", forgot_password, methods=["GET", "POST"], name="forgot_password"),
    Route("/atur-sandi/{token}", reset_password, methods=["GET", "POST"], name="reset_password"),
    Route("/akun", account, name="account"),
    Route("/akun.json", account, name="account_json"),
    Route("/akun/token", account_tokens, methods=["POST"], name="account_tokens"),
    Route("/akun/sandi", account_password, methods=["POST"], name="account_password"),
    Route("/akun/sesi", account_sessions, methods=["POST"], name="account_sessions"),
    Route("/akun/surel", account_email, methods=["POST"], name="account_email"),
    Route("/akun/verifikasi", account_verification, methods=["POST"], name="account_verification"),
]
