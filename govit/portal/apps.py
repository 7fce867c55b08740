from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govit.portal"
    verbose_name = "门户"
