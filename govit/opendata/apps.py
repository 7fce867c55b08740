from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "govit.opendata"
    verbose_name = "数据报送"
