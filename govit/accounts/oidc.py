"""统一身份认证 (OIDC) — optional single sign-on through mozilla-django-oidc.

Enabled only when ``GOVIT_OIDC_ISSUER`` is set. The identity provider vouches for who the person is; what
they may do still comes from their GovIT account, so a login succeeds only for an existing, active account
whose username equals the username claim (``GOVIT_OIDC_USERNAME_CLAIM``). No account is ever created."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from govit.accounts.models import User


class GovitOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.GOVIT_OIDC_USERNAME_CLAIM) or "").strip()

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"username {self._username(claims)}"

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username = self._username(claims)
        if not username:
            return User.objects.none()
        return User.objects.filter(username=username, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # accounts and their roles are created by the 系统管理员, never from a token
