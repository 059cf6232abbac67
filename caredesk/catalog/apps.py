from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Product lines and their releases."""

    name = "caredesk.catalog"
    label = "catalog"
