"""Values every page needs."""

from caredesk.policy import get_policy


def site(request):
    policy = get_policy()
    return {"policy_info": policy.document.policy, "policy_version": policy.version}
