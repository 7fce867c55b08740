from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "govit.dashboards"
    verbose_name = "统计分析"
