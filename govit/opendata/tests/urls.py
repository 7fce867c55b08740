"""The site's URLs plus an API with only the 数据报送 router, at /test-api/ — the exports' API is tested the
same whether or not the site's /api/v1/ mounts it yet."""

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from govit.opendata.api import router
from govit.urls import urlpatterns as site_urlpatterns

test_api = NinjaAPI(
    title="数据报送（测试）", version="test", urls_namespace="opendata_test_api", auth=django_auth
)
test_api.add_router("/", router)

urlpatterns = [path("test-api/", test_api.urls), *site_urlpatterns]
