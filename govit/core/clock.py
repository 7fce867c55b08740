"""The injectable clock: every piece of code asks here for "now" and "today", so tests can move time."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Pretend it is ``moment`` (an aware datetime) inside the block."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


def frozen_on(day: dt.date, at: dt.time = dt.time(10, 0)) -> contextlib.AbstractContextManager[None]:
    """Pretend it is ``day`` (at ``at``, local time) inside the block."""
    return frozen_at(timezone.make_aware(dt.datetime.combine(day, at)))
