from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The support manager's dashboard."""

    name = "caredesk.dashboard"
    label = "dashboard"
