"""The directory: CAEs with search and filters, one CAE's page, the networks."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from alliance import rules, selectors
from alliance.models import Region
from alliance.selectors import DirectoryFilters

PAGE_SIZE = 30


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou ville"), required=False, max_length=100)
    network = forms.ChoiceField(label=_("Réseau"), required=False)
    region = forms.ChoiceField(
        label=_("Région"), required=False, choices=[("", _("Toutes")), *Region.choices]
    )
    outside_network = forms.BooleanField(label=_("Hors de tout réseau"), required=False)

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", _("Tous")), *networks]
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        return DirectoryFilters(**self.cleaned_data)


def directory(request):
    form = DirectoryFilterForm(request.GET or None, networks=selectors.network_choices())
    filters = form.filters() if form.is_bound else DirectoryFilters()
    page = Paginator(selectors.organisation_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": filters != DirectoryFilters(),
        },
    )


def organisation(request, slug):
    can_view_people = rules.can_view_people(request.user)
    found = selectors.organisation_detail(with_people=can_view_people).filter(slug=slug).first()
    if found is None:
        raise Http404
    return render(
        request,
        "directory/organisation.html",
        {"organisation": found, "can_view_people": can_view_people},
    )


def networks(request):
    return render(request, "directory/networks.html", {"networks": selectors.network_list()})
