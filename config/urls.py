"""URL map: the public pages, the client area, sign-in and the admin."""

from django.contrib import admin
from django.urls import include, path

from caredesk.incidents.views import attachment

admin.site.site_header = "caredesk administration"
admin.site.site_title = "caredesk admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("console/", include("caredesk.console.urls")),
    path("portal/", include("caredesk.portal.urls")),
    path("manager/", include("caredesk.dashboard.urls")),
    path("attachments/<int:pk>/<str:filename>", attachment, name="attachment"),
    path("", include("caredesk.web.urls")),
]
