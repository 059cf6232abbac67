"""Show times in the viewer's own zone."""

import zoneinfo

from django.utils import timezone

from caredesk.policy import get_policy


class ViewerTimezoneMiddleware:
    """Activates the signed-in user's zone, else the support calendar's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                zone = zoneinfo.ZoneInfo(user.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        timezone.activate(zone or get_policy().support_zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
