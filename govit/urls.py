from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from govit.api import api
from govit.portal import views as portal_views

admin.site.site_header = "GovIT 政务信息化项目管理系统 · 管理后台"
admin.site.site_title = "GovIT 管理后台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("messages/", portal_views.message_list, name="message_list"),
    path("messages/<int:message_id>/", portal_views.message_open, name="message_open"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
