from django.utils.translation import gettext_lazy as _

# The main navigation: (url name, label). Areas that are not built yet point home.
NAVIGATION = [
    ("frontend:home", _("Accueil")),
    ("frontend:directory", _("Annuaire")),
    ("frontend:proposals", _("Propositions")),
    ("frontend:debates", _("Débats")),
    ("frontend:documents", _("Documents")),
    ("frontend:assemblies", _("Assemblées")),
]


def navigation(request):
    from django.urls import NoReverseMatch, reverse

    items = []
    current = request.path
    for url_name, label in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = (url == "/" and current == "/") or (url != "/" and current.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"navigation": items}
