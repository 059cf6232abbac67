"""Values every page needs."""

from django.utils.functional import SimpleLazyObject

from caredesk.clients.models import Client
from caredesk.policy import get_policy


def _my_company(user):
    if not user.is_authenticated or user.is_support_staff:
        return None
    return Client.objects.visible_to(user).order_by("name").first()


def site(request):
    policy = get_policy()
    user = getattr(request, "user", None)
    return {
        "policy_info": policy.document.policy,
        "policy_version": policy.version,
        # Lazy: only pages whose header shows "My company" pay for the query.
        "my_company": SimpleLazyObject(lambda: _my_company(user)) if user is not None else None,
    }
