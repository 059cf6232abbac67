"""The agent console, under /console/ (support staff only; a 404 for anyone else)."""

from django.urls import path

from . import mail_views, views

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

# Mail: mailbox health, the quarantine, one inbound message and what an agent does with it.
urlpatterns += [
    path("mail/", mail_views.mail, name="mail"),
    path("mail/<int:pk>/", mail_views.inbound_page, name="inbound"),
    path("mail/<int:pk>/raw/", mail_views.inbound_raw, name="inbound-raw"),
    path(
        "mail/<int:pk>/attachments/<int:index>/<str:filename>",
        mail_views.inbound_attachment,
        name="inbound-attachment",
    ),
    path("mail/<int:pk>/retry/", mail_views.inbound_retry, name="inbound-retry"),
    path("mail/<int:pk>/open/", mail_views.inbound_open, name="inbound-open"),
    path("mail/<int:pk>/dismiss/", mail_views.inbound_dismiss, name="inbound-dismiss"),
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
