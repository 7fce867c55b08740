"""These tests need no database and no Django settings (run with ``-p no:django``).

The repository's root conftest has an autouse fixture that needs pytest-django's ``settings``;
override it here with a no-op so the pure engine tests run without Django.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None
