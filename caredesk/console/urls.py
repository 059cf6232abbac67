"""The agent console, under /console/ (support staff only; a 404 for anyone else)."""

from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("views/", views.save_view_, name="save-view"),
    path("views/<int:pk>/delete/", views.delete_view_, name="delete-view"),
    path("incidents/new/", views.new_incident, name="new-incident"),
    path("incidents/<str:number>/", views.incident_page, name="incident"),
    path("canned/", views.canned_replies, name="canned"),
    path("canned/<int:pk>/delete/", views.delete_canned, name="delete-canned"),
]

# One URL per incident action, named after it: console:reply, console:regrade, ...
urlpatterns += [
    path(
        f"incidents/<str:number>/{slug}/",
        views.incident_action,
        {"action": slug},
        name=slug,
    )
    for slug in views.ACTIONS
]
