"""查重 runs on the worker after a change commits. A test's transaction never commits, so ``checks_at_once``
runs the queued check where the commit would have been, through the immediate task backend."""

from __future__ import annotations

from typing import Any

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def checks_at_once(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from govit.similarity import services

    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(services, "_after_commit", lambda callback: callback())
