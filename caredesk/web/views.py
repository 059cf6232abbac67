"""Placeholder views; the real pages are built in this package."""

from django.http import HttpResponse


def home(request):
    return HttpResponse("caredesk")


policy_page = versions_page = home


def client_detail(request, number):
    return HttpResponse(number)
