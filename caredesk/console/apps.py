from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The agent console: the queue, the incident page, saved views and canned replies."""

    name = "caredesk.console"
    label = "console"
