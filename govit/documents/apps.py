from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govit.documents"
    verbose_name = "材料"
