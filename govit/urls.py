from django.contrib import admin
from django.urls import include, path

from govit.accounts import views as account_views
from govit.api import api
from govit.portal import views as portal_views

admin.site.site_header = "GovIT 政务信息化项目管理系统 · 管理后台"
admin.site.site_title = "GovIT 管理后台"
admin.site.index_title = "系统管理"

# Every refusal shows the same Chinese page and is recorded as a security event (等保 8.1.4.3 a).
handler403 = "govit.audit.views.permission_denied"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("messages/", portal_views.message_list, name="message_list"),
    path("messages/<int:message_id>/", portal_views.message_open, name="message_open"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("login/otp/", account_views.otp_verify, name="otp_verify"),
    path("login/otp/enrol/", account_views.otp_enrol, name="otp_enrol"),
    path("logout/", account_views.logout_view, name="logout"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("oidc/authenticate/", account_views.oidc_authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", account_views.oidc_callback, name="oidc_authentication_callback"),
    path("projects/", include("govit.projects.urls")),
    path("", include("govit.documents.urls")),
    path("", include("govit.experts.urls")),
    path("", include("govit.workflow.urls")),
    path("", include("govit.delivery.urls")),
    path("", include("govit.acceptance.urls")),
    path("", include("govit.obligations.urls")),
    path("", include("govit.similarity.urls")),
    path("", include("govit.printouts.urls")),
    path("", include("govit.dashboards.urls")),
    path("", include("govit.opendata.urls")),
    path("", include("govit.imports.urls")),
    path("", include("govit.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
