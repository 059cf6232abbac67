from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy_page, name="policy"),
    path("versions/", views.versions_page, name="versions"),
    path("clients/<str:number>/", views.client_detail, name="client-detail"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
]
