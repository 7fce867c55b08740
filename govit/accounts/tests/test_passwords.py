"""口令复杂度与定期更换 (等保 8.1.4.1 a): length, character classes, common passwords, the last 5 passwords,
90 days, and the forced change of an initial or reset password."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PASSWORD
from govit.accounts.auth_services import user_password_reset
from govit.accounts.models import PasswordHistory, User
from govit.accounts.passwords import character_classes
from govit.accounts.tests.conftest import form_login
from govit.audit.models import AuditEvent


def problems(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Ab3$xyz", False), ("Ab3$wxyz", True), ("Ab3$vwxyz", True)],  # 7 / 8 / 9 characters
)
def test_at_least_eight_characters(password, ok):
    assert (problems(password) == []) is ok


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefghkm", 1),
        ("abcdefghK", 2),
        ("abcdefgh37", 2),
        ("abcdefgK3", 3),
        ("abcdefg-3", 3),
        ("ABCDEFG-3", 3),
        ("abcdEF-38", 4),
        ("政务信息化ab12", 3),
    ],
)
def test_three_of_four_character_classes(password, classes):
    assert character_classes(password) == classes
    found = problems(password)
    assert any("四类字符中的 3 类" in p for p in found) is (classes < 3)


def test_common_and_numeric_passwords_are_refused_in_chinese():
    assert any("太常见" in p for p in problems("Password1"))
    assert any("密码只包含数字" in p for p in problems("8316497205"))


def test_a_short_password_is_refused_in_chinese():
    assert "密码长度太短：至少须 8 个字符。" in problems("Ab3$xyz")


def test_long_passwords_are_welcome():
    assert problems("Long-passphrase-" + "x" * 80 + "Z9") == []


@pytest.fixture
def clerk(world):
    return world["users"]["clerk"]


def change(client, old: str, new: str):
    return client.post(
        "/account/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_the_last_five_passwords_cannot_be_reused_the_sixth_can(client, clerk):
    client.force_login(clerk)
    passwords = [PASSWORD] + [f"Rotate#{n}abcd" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        assert change(client, old, new).status_code == 302
    assert PasswordHistory.objects.filter(user=clerk).count() == 5
    for recent in passwords[1:]:
        response = change(client, passwords[-1], recent)
        assert response.status_code == 400
        assert "不能使用最近 5 次用过的密码" in response.content.decode()
    assert change(client, passwords[-1], PASSWORD).status_code == 302  # six changes ago: allowed again


def test_a_change_is_audited_and_keeps_the_user_logged_in(client, clerk):
    client.force_login(clerk)
    assert change(client, PASSWORD, "Brand-new9pass").status_code == 302
    assert client.get("/projects/").status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password("Brand-new9pass")
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=clerk).exists()


def test_a_bad_new_password_changes_nothing_and_says_why(client, clerk):
    client.force_login(clerk)
    response = change(client, PASSWORD, "short1A")
    assert response.status_code == 400
    text = response.content.decode()
    assert "密码长度太短" in text
    assert 'data-field="new_password2"' in text
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("age", "forced"),
    [(dt.timedelta(days=90) - dt.timedelta(minutes=1), False), (dt.timedelta(days=90, minutes=1), True)],
)
def test_a_password_older_than_ninety_days_must_be_changed_first(client, clerk, age, forced):
    User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now() - age)
    response = form_login(client, "edu_clerk")
    assert response.status_code == 302
    page = client.get("/projects/")
    if not forced:
        assert page.status_code == 200
        return
    assert page["Location"] == "/account/password/"
    assert client.post("/projects/new/", {"name": "x"})["Location"] == "/account/password/"
    assert "超过 90 天" in client.get("/account/password/").content.decode()
    assert change(client, PASSWORD, "Fresh-start7").status_code == 302
    assert client.get("/projects/").status_code == 200


def test_a_reset_password_must_be_changed_at_the_next_login(client, clerk, world):
    user_password_reset(actor=None, user=clerk, password="Reset-by-admin1")
    assert AuditEvent.objects.filter(action="accounts.password_reset", target_id=str(clerk.pk)).exists()
    form_login(client, "edu_clerk", "Reset-by-admin1")
    assert client.get("/")["Location"] == "/account/password/"
    assert "初始密码或管理员重置的密码" in client.get("/account/password/").content.decode()
    assert change(client, "Reset-by-admin1", "Reset-by-admin1").status_code == 400  # not the same again
    assert change(client, "Reset-by-admin1", "My-own-secret5").status_code == 302
    clerk.refresh_from_db()
    assert clerk.password_must_change is False
    assert client.get("/").status_code == 200
