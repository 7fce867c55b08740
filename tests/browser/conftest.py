"""Playwright driving Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _allow_flush_of_audit_rows(transactional_db: Any) -> Iterator[None]:
    """Live-server tests end by emptying every table; lift the append-only guard just for that."""
    yield
    from django.db import connection

    from govit.audit.dbguard import guard_remove

    guard_remove(connection)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the login form like a person: the password, then, for a role that needs the second
    factor, the current TOTP code of the account's device (the demo's fixed secret, or the secret the
    enrolment page shows to a user without a device)."""
    import re

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(login/otp/(enrol/)?)?(\?.*)?$"))
    if "/login/otp/enrol/" in page.url:
        secret = page.locator("#otp-secret").inner_text().strip()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("动态口令").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="完成绑定").click()
    elif "/login/otp/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # Logins here follow each other faster than the 30-second step; a code is accepted only once.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.get_by_label("动态口令").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def shot() -> Any:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def fill_forms(shot: Any) -> Any:
    """The clerk, on the 申报表 page, fills every declaration form of the project's pack and saves it."""
    from govit.projects.models import Project
    from govit.projects.packforms import declaration_forms, sample_values

    def fill(page: Any, base: str, project: Project) -> None:
        project = Project.objects.get(pk=project.pk)
        page.goto(f"{base}/projects/{project.pk}/forms/")
        for form in declaration_forms(project):
            section = page.locator(f"section#{form.id}")
            values = sample_values(project, form)
            if form.kind == "checklist":
                for box in section.locator("input[name=checked]").all():
                    box.check()
            for key, value in values.items():
                if key == "checked":
                    continue
                if form.fields and next(f for f in form.fields if f.key == key).type == "month_range":
                    start, end = str(value).split("/")
                    section.locator(f"[name={key}__start]").fill(start)
                    section.locator(f"[name={key}__end]").fill(end)
                    continue
                field = section.locator(f"[name={key}]")
                if not field.count():
                    continue  # taken from the project's own information
                kind = field.evaluate("e => e.tagName + ':' + (e.type || '')")
                if kind.startswith("SELECT"):
                    field.select_option(value=str(value))
                elif kind.endswith("checkbox"):
                    field.check()
                else:
                    field.fill(str(value))
            section.get_by_role("button", name=f"保存《{form.name}》").click()
            page.get_by_text(f"已保存《{form.name}》").wait_for()
        shot(page, f"forms-{project.pack_code}")
        page.goto(f"{base}/projects/{project.pk}/")

    return fill
