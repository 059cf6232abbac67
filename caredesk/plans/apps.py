from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Maintenance plans bought by clients, and the entitlement engine."""

    name = "caredesk.plans"
    label = "plans"
