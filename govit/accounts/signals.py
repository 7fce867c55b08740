"""Login events from Django and django-axes: a login starts the session state, a lockout is audited.
(Log-ins, log-outs and failed log-ins themselves are audited by ``govit.audit.signals``.)"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from govit.accounts.auth_services import locked_out_record


@receiver(user_logged_in, dispatch_uid="govit_session_start")
def _session_start(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from govit.accounts.middleware import session_start

    if request is not None and hasattr(request, "session"):
        session_start(request, user)


@receiver(user_locked_out, dispatch_uid="govit_locked_out")
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    locked_out_record(username=str(username or ""))
