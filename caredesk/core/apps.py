from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Running the product: serve, worker, periodic jobs and demo data."""

    name = "caredesk.core"
    label = "core"
