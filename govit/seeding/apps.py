from django.apps import AppConfig


class SeedingConfig(AppConfig):
    name = "govit.seeding"
    verbose_name = "演示与压测数据"
