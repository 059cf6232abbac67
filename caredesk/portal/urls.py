from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.incidents, name="incidents"),
    path("incidents/new/", views.new, name="new"),
    path("incidents/<str:number>/", views.incident, name="incident"),
]
