from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer portal: a contact's incidents."""

    name = "caredesk.portal"
    label = "portal"
