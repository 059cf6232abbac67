from django.apps import AppConfig


class MailConfig(AppConfig):
    """Outgoing mail through an outbox, and (later) inbound mail."""

    name = "caredesk.mail"
    label = "mail"
