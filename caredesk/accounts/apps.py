from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People who sign in: client contacts and the vendor's staff."""

    name = "caredesk.accounts"
    label = "accounts"
