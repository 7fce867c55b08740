"""双因素认证 (等保 8.1.4.1 d): administrators, reviewers, co-reviewers and experts present a TOTP code after
the password; until they do, only the verify, enrol and logout pages answer."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from govit.accounts import mfa
from govit.accounts.tests.conftest import code_for, form_login
from govit.audit.models import AuditEvent

MFA_PEOPLE = ["sysadmin", "secadmin", "auditadmin", "reviewer", "finance", "expert"]
PLAIN_PEOPLE = ["clerk", "head", "supervisor", "leader"]
# Pages of every kind a logged-in person might ask for: home, lists, a form, the admin, the API, messages.
GUARDED = ["/", "/projects/", "/messages/", "/account/password/", "/admin/", "/api/v1/projects"]


def bound_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=mfa.DEVICE_NAME, confirmed=True)


def test_the_roles_that_need_a_second_factor_are_the_privileged_ones():
    assert {str(role) for role in mfa.MFA_ROLES} == {
        "system_admin",
        "security_admin",
        "audit_admin",
        "reviewer",
        "co_reviewer",
        "expert",
    }


@pytest.mark.parametrize("who", MFA_PEOPLE)
def test_an_unverified_session_reaches_only_the_second_factor_pages(client, people, who):
    user = people[who]
    bound_device(user)
    response = form_login(client, user.username)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    for path in GUARDED:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert "双因素认证" in response.json()["detail"]
        else:
            assert response.status_code == 302, path
            assert response["Location"] == "/login/otp/", path
    assert client.post("/projects/new/", {"name": "x"}).status_code == 302
    assert client.get("/login/otp/").status_code == 200
    assert client.get("/login/otp/enrol/").status_code == 302  # a bound device is never replaced unverified


@pytest.mark.parametrize("who", MFA_PEOPLE)
def test_the_right_code_opens_the_system(client, people, who):
    user = people[who]
    device = bound_device(user)
    form_login(client, user.username)
    response = client.post("/login/otp/", {"token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor=user).exists()


@pytest.mark.parametrize("who", PLAIN_PEOPLE)
def test_other_roles_are_not_asked_for_a_code(client, people, who):
    response = form_login(client, people[who].username)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/projects/").status_code == 200
    assert not TOTPDevice.objects.filter(user=people[who]).exists()


def test_a_wrong_or_replayed_code_is_refused_and_audited(client, people):
    user = people["reviewer"]
    device = bound_device(user)
    form_login(client, user.username)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/login/otp/", {"token": wrong})
    assert response.status_code == 400
    assert "动态口令不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor=user, outcome="failure").count() == 1
    code = code_for(device)
    assert client.post("/login/otp/", {"token": code}).status_code == 302
    client.post("/logout/")
    form_login(client, user.username)
    assert client.post("/login/otp/", {"token": code}).status_code == 400  # the same code, a second time


def test_five_wrong_codes_lock_the_account_and_end_the_session(client, people):
    user = people["expert"]
    device = bound_device(user)
    form_login(client, user.username)
    for _ in range(4):
        assert client.post("/login/otp/", {"token": "000000"}).status_code == 400
    response = client.post("/login/otp/", {"token": "000000"})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_name=user.username).exists()
    # the password alone no longer gets in either, nor does the right code
    assert form_login(client, user.username).status_code == 429
    assert client.post("/login/otp/", {"token": code_for(device)}).status_code == 302
    assert SESSION_KEY not in client.session


def test_four_wrong_codes_then_the_right_one_get_in(client, people):
    user = people["secadmin"]
    device = bound_device(user)
    form_login(client, user.username)
    for _ in range(4):
        client.post("/login/otp/", {"token": "000000"})
    assert client.post("/login/otp/", {"token": code_for(device)})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_first_login_enrols_an_authenticator_from_the_qr_code(client, people):
    user = people["auditadmin"]
    form_login(client, user.username)
    assert client.get("/")["Location"] == "/login/otp/"
    assert client.get("/login/otp/")["Location"] == "/login/otp/enrol/"
    page = client.get("/login/otp/enrol/")
    text = page.content.decode()
    assert "<svg" in text and "身份验证器二维码" in text
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', text).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret == mfa.totp_secret_base32(device)
    assert client.get("/").status_code == 302  # still nothing else before the code
    assert client.post("/login/otp/enrol/", {"token": "000000"}).status_code == 400
    assert client.post("/login/otp/enrol/", {"token": code_for(device)})["Location"] == "/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", actor=user).exists()
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor=user).count() == 1


def test_a_new_login_asks_for_a_new_code(client, people):
    user = people["reviewer"]
    device = bound_device(user)
    form_login(client, user.username)
    client.post("/login/otp/", {"token": code_for(device)})
    client.post("/logout/")
    form_login(client, user.username)
    assert client.get("/")["Location"] == "/login/otp/"


def test_logging_out_is_possible_before_the_code(client, people):
    user = people["finance"]
    bound_device(user)
    form_login(client, user.username)
    key = client.session.session_key
    assert client.post("/logout/")["Location"] == "/login/"
    assert not Session.objects.filter(session_key=key).exists()


def test_force_login_in_tests_is_marked_verified_only_for_the_roles_that_need_it(client, people):
    client.force_login(people["reviewer"])
    assert client.session.get(mfa.SESSION_OTP_DEVICE)
    assert client.get("/").status_code == 200
    client.force_login(people["clerk"])
    assert not client.session.get(mfa.SESSION_OTP_DEVICE)
    assert not TOTPDevice.objects.filter(user=people["clerk"]).exists()


def test_a_session_from_before_the_second_factor_is_asked_for_it(client, people):
    from govit.accounts.middleware import SESSION_LOGIN_AT

    user = people["reviewer"]
    bound_device(user)
    form_login(client, user.username)
    session = client.session
    for key in (SESSION_LOGIN_AT, mfa.SESSION_MFA_REQUIRED):
        del session[key]
    session.save()
    assert client.get("/projects/")["Location"] == "/login/otp/"
