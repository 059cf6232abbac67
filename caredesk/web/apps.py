from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages people see: published policy, versions chart, client area, sign-in."""

    name = "caredesk.web"
    label = "web"
