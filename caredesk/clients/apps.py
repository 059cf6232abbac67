from django.apps import AppConfig


class ClientsConfig(AppConfig):
    """Client companies, their contacts and their installed base."""

    name = "caredesk.clients"
    label = "clients"
