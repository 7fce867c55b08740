from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "govit.backups"
    verbose_name = "备份与恢复"
