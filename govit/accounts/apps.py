from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govit.accounts"
    verbose_name = "组织与账号"

    def ready(self) -> None:
        from govit.accounts import signals  # noqa: F401  (connects the login receivers)
