from django.apps import AppConfig


class PrintoutsConfig(AppConfig):
    name = "govit.printouts"
    verbose_name = "打印文书"
