"""统一身份认证 (OIDC, optional): an identity provider's token logs in the existing account its username
claim names; an unknown subject is refused and no account is created. The provider's token endpoint and
signature check are replaced by a fake that answers like a provider would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import SESSION_KEY

from govit.accounts.models import User
from govit.accounts.oidc import GovitOIDCBackend
from govit.accounts.tests.conftest import form_login
from govit.audit.models import AuditEvent

ISSUER = "https://idp.example.gov.cn"


@pytest.fixture
def provider(settings, monkeypatch):
    """OIDC switched on, with a fake provider that vouches for whichever username the test names."""
    settings.GOVIT_OIDC_ENABLED = True
    settings.GOVIT_OIDC_ISSUER = ISSUER
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "govit.accounts.oidc.GovitOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "govit"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_RP_SCOPES = "openid profile"
    settings.OIDC_CREATE_USER = False
    settings.LOGIN_REDIRECT_URL_FAILURE = "/login/?oidc=failed"
    calls: dict[str, object] = {"username": None}

    def get_token(self, payload):
        calls["code"] = payload["code"]
        return {"id_token": "id-token", "access_token": "access-token"}

    def verify_token(self, token, **kwargs):
        assert token == "id-token"
        return {"sub": "subject-1", "nonce": kwargs.get("nonce")}

    def get_userinfo(self, access_token, id_token, payload):
        return {"sub": payload["sub"], "preferred_username": calls["username"]}

    monkeypatch.setattr(GovitOIDCBackend, "get_token", get_token)
    monkeypatch.setattr(GovitOIDCBackend, "verify_token", verify_token)
    monkeypatch.setattr(GovitOIDCBackend, "get_userinfo", get_userinfo)
    return calls


def round_trip(client, provider, username):
    provider["username"] = username
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    sent = urlparse(start["Location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == f"{ISSUER}/authorize"
    state = parse_qs(sent.query)["state"][0]
    return client.get("/oidc/callback/", {"code": "auth-code", "state": state})


def test_a_known_username_claim_logs_in_that_account(client, world, provider):
    response = round_trip(client, provider, "edu_clerk")
    assert response.status_code == 302 and response["Location"] == "/"
    assert provider["code"] == "auth-code"
    assert client.session[SESSION_KEY] == str(world["users"]["clerk"].pk)
    assert client.get("/projects/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=world["users"]["clerk"]).exists()


def test_an_unknown_subject_is_refused_and_no_account_is_created(client, world, provider):
    users = User.objects.count()
    response = round_trip(client, provider, "stranger")
    assert response["Location"] == "/login/?oidc=failed"
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users
    assert "没有对应的账号" in client.get(response["Location"]).content.decode()


def test_an_inactive_account_is_refused(client, world, provider):
    User.objects.filter(username="edu_clerk").update(is_active=False)
    assert round_trip(client, provider, "edu_clerk")["Location"] == "/login/?oidc=failed"
    assert SESSION_KEY not in client.session


def test_a_reviewer_signed_in_by_oidc_still_needs_the_second_factor(client, world, provider):
    round_trip(client, provider, "sc_reviewer")
    assert client.session[SESSION_KEY] == str(world["users"]["reviewer"].pk)
    assert client.get("/projects/")["Location"] == "/login/otp/"


def test_local_passwords_keep_working_beside_oidc(client, world, provider):
    assert "使用统一身份认证登录" in client.get("/login/").content.decode()
    assert form_login(client, "edu_clerk")["Location"] == "/"
    assert client.get("/projects/").status_code == 200


def test_without_an_issuer_the_oidc_routes_do_not_exist(client, world):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert "统一身份认证" not in client.get("/login/").content.decode()
