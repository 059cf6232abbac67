from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class PolicyConfig(AppConfig):
    """Loads and validates the policy at start: the product never runs on a half-read policy."""

    name = "caredesk.policy"
    label = "policy"
    verbose_name = "Support policy"

    def ready(self) -> None:
        from . import PolicyError, install_policy, load_policy

        try:
            install_policy(load_policy(settings.CAREDESK_POLICY or None))
        except PolicyError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
