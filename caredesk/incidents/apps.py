from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Support incidents: intake, clocks, triage, escalation and their timeline."""

    name = "caredesk.incidents"
    label = "incidents"
