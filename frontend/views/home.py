from django.shortcuts import render

from alliance.models import Network, Organisation


def home(request):
    context = {
        "organisation_count": Organisation.objects.active().count(),
        "network_count": Network.objects.count(),
    }
    return render(request, "frontend/home.html", context)
