"""Assembly pages: the list, an assembly (attendance, quorum, polls), the delegate's voting page,
the secretariat's console, results and minutes. Every form works without JavaScript; the live
script only refreshes the figures marked `data-live`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from alliance import rules as base_rules
from alliance.errors import AllianceError, InvalidInput
from alliance.markdown import render_markdown
from alliance.models import Network, Organisation, User
from assemblies import minutes as minutes_module
from assemblies import rules, selectors, services, tallying
from assemblies.models import AgendaItem, Assembly, AttendanceMode, Poll, PollEntitlement, Proxy

# --- Forms ----------------------------------------------------------------------------------


class CheckInForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("CAE"))
    delegate = forms.ModelChoiceField(User.objects.none(), label=_("Délégué·e"))
    mode = forms.ChoiceField(choices=AttendanceMode.choices, label=_("Présence"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.active().order_by("name")
        self.fields["delegate"].queryset = User.objects.filter(
            is_delegate=True, is_active=True
        ).select_related("organisation")
        self.fields["delegate"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.organisation.name})"
        )


class ProxyForm(forms.Form):
    holder = forms.ModelChoiceField(
        User.objects.none(), label=_("Délégué·e d'une autre CAE qui portera votre voix")
    )

    def __init__(self, *args, giver_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = (
            User.objects.filter(is_delegate=True, is_active=True)
            .exclude(organisation_id=giver_id)
            .select_related("organisation")
            .order_by("organisation__name", "last_name")
        )
        self.fields["holder"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.organisation.name})"
        )


class PollForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=300)
    method = forms.ChoiceField(label=_("Méthode"), choices=Poll.Method.choices)
    options = forms.CharField(
        label=_("Options (une par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Inutile pour une motion (pour / contre / abstention)."),
    )
    threshold = forms.ChoiceField(
        label=_("Majorité requise (motion)"),
        choices=[("", "—"), *Poll.Threshold.choices],
        required=False,
    )
    abstentions_count = forms.BooleanField(label=_("Les abstentions comptent"), required=False)
    max_choices = forms.IntegerField(
        label=_("Choix au plus (approbation)"), required=False, min_value=1, max_value=50
    )
    secret = forms.BooleanField(label=_("Vote secret"), required=False)
    results_hidden = forms.BooleanField(
        label=_("Résultats masqués jusqu'à la clôture"),
        required=False,
        help_text=_("Toujours pour un vote secret."),
    )
    agenda_item = forms.ModelChoiceField(
        AgendaItem.objects.none(), label=_("Point de l'ordre du jour"), required=False
    )

    def __init__(self, *args, assembly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = assembly.agenda.all()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = [line.strip() for line in data["options"].splitlines() if line.strip()]
        # Unticked: the default (hidden for a secret poll, shown for a named one).
        data["results_hidden"] = data["results_hidden"] or None
        return data


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Premier jour"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("Dernier jour"), widget=forms.DateInput({"type": "date"}))
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    online = forms.BooleanField(label=_("En ligne"), required=False)
    weight_rule = forms.ChoiceField(label=_("Pondération"), choices=Assembly.WeightRule.choices)
    cap_share = forms.DecimalField(
        label=_("Plafond par CAE (part du total, pondération proportionnelle)"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=4,
    )
    quorum_share = forms.DecimalField(
        label=_("Quorum (part du poids total)"),
        initial="0.5",
        min_value=0,
        max_value=1,
        decimal_places=4,
    )
    max_proxies_per_delegate = forms.IntegerField(
        label=_("Procurations par délégué·e au plus"), initial=2, min_value=0, max_value=20
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Point de l'ordre du jour"), max_length=200)


class CollegeForm(forms.Form):
    name = forms.CharField(label=_("Nom du collège"), max_length=120)
    share = forms.DecimalField(label=_("Part"), min_value=0, decimal_places=4, max_digits=7)
    network = forms.ModelChoiceField(
        Network.objects.all(), label=_("Ses CAE : celles du réseau"), required=False
    )


def choice_from_post(poll: Poll, data) -> object:
    """The ballot's choice from the plain HTML form of `_choice_fields.html`."""
    if poll.method == Poll.Method.MOTION:
        return data.get("choice")
    if poll.method == Poll.Method.SINGLE:
        return data.get("choice") or None
    if poll.method == Poll.Method.APPROVAL:
        return data.getlist("choice")
    if poll.method == Poll.Method.JUDGMENT:
        return {
            str(o.pk): data[f"grade-{o.pk}"]
            for o in poll.options.all()
            if data.get(f"grade-{o.pk}")
        }
    ranks: dict[int, list[int]] = {}
    for option in poll.options.all():
        value = data.get(f"rank-{option.pk}", "").strip()
        if not value:
            continue
        if not value.isdigit():
            raise InvalidInput(_("Un rang est un nombre entier."), code="invalid_choice")
        ranks.setdefault(int(value), []).append(option.pk)
    return [ranks[rank] for rank in sorted(ranks)]


def _posted(queryset, raw_pk, **filters):
    """The object whose id a form posted, or 404 (also for a malformed id)."""
    if not (isinstance(raw_pk, str) and raw_pk.isdigit() and len(raw_pk) < 19):
        raise Http404
    return get_object_or_404(queryset, pk=int(raw_pk), **filters)


def _report(request, error: AllianceError) -> None:
    messages.error(request, str(error.message))


# --- Pages ----------------------------------------------------------------------------------


@login_required
def assembly_list(request):
    context = {
        "assemblies": list(selectors.assembly_list()),
        "can_manage": rules.can_manage_assemblies(request.user),
    }
    return render(request, "assemblies/list.html", context)


@login_required
def assembly_create(request):
    if not rules.can_manage_assemblies(request.user):
        raise PermissionDenied
    form = AssemblyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services.assembly_create(actor=request.user, **form.cleaned_data)
        except AllianceError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("frontend:assembly-console", slug=assembly.slug)
    return render(request, "assemblies/create.html", {"form": form})


@login_required
def assembly_detail(request, slug):
    try:
        assembly = selectors.assembly_for_page(slug)
    except Assembly.DoesNotExist:
        raise Http404 from None
    user = request.user
    organisation = user.organisation if base_rules.is_delegate(user) else None
    context = {
        "assembly": assembly,
        "presence": selectors.presence(assembly).as_payload(),
        "polls": selectors.polls_for_assembly(assembly),
        "can_manage": rules.can_manage_assemblies(user),
        "organisation": organisation,
    }
    if organisation is not None:
        context["checked_in"] = assembly.attendances.filter(
            organisation=organisation, checked_out_at__isnull=True
        ).exists()
        context["my_proxy"] = (
            Proxy.objects.filter(assembly=assembly, giver=organisation, status__in=Proxy.ACTIVE)
            .select_related("holder")
            .first()
        )
        context["proxies_held"] = list(
            Proxy.objects.filter(
                assembly=assembly, holder=user, status__in=Proxy.ACTIVE
            ).select_related("giver")
        )
        if context["my_proxy"] is None and not context["checked_in"]:
            context["proxy_form"] = ProxyForm(giver_id=organisation.pk)
    return render(request, "assemblies/detail.html", context)


@login_required
@require_POST
def delegate_action(request, slug):
    """A delegate checks their CAE in or out, gives or withdraws its proxy."""
    assembly = get_object_or_404(Assembly, slug=slug)
    user = request.user
    organisation = user.organisation
    action = request.POST.get("action")
    try:
        if organisation is None:
            raise InvalidInput(_("Vous n'agissez pour aucune CAE."), code="no_organisation")
        if action == "check_in":
            services.attendance_check_in(actor=user, assembly=assembly, organisation=organisation)
            messages.success(request, gettext("Votre CAE est enregistrée comme présente."))
        elif action == "check_out":
            services.attendance_check_out(actor=user, assembly=assembly, organisation=organisation)
            messages.success(request, gettext("Votre départ est enregistré."))
        elif action == "proxy_grant":
            form = ProxyForm(request.POST, giver_id=organisation.pk)
            if not form.is_valid():
                raise InvalidInput(_("Choisissez un·e délégué·e dans la liste."), code="invalid")
            services.proxy_grant(
                actor=user,
                assembly=assembly,
                giver=organisation,
                holder=form.cleaned_data["holder"],
            )
            messages.success(request, gettext("Procuration transmise au secrétariat."))
        elif action == "proxy_withdraw":
            proxy = _posted(Proxy, request.POST.get("proxy"), assembly=assembly)
            services.proxy_withdraw(actor=user, proxy=proxy)
            messages.success(request, gettext("Procuration retirée."))
        else:
            raise InvalidInput(_("Action inconnue."), code="unknown_action")
    except AllianceError as error:
        _report(request, error)
    return redirect("frontend:assembly", slug=slug)


def _poll_or_404(pk) -> Poll:
    return get_object_or_404(
        Poll.objects.select_related("assembly").prefetch_related("options"), pk=pk
    )


def _grades():
    return [(g.key, tallying.GRADE_LABELS[g.key]) for g in tallying.GRADES]


@login_required
def poll_detail(request, pk):
    """The delegate's voting page: one small form per CAE they may vote for."""
    poll = _poll_or_404(pk)
    if request.method == "POST":
        try:
            result = services.ballot_cast(
                poll=poll,
                organisation=request.POST.get("organisation", ""),
                actor=request.user,
                choice=choice_from_post(poll, request.POST),
            )
        except AllianceError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                gettext("Vote enregistré. Votre reçu, à conserver : %(receipt)s")
                % {"receipt": result.receipt},
            )
        return redirect("frontend:poll", pk=poll.pk)
    ballots = selectors.ballots_for_actor(poll, request.user) if poll.status == "open" else []
    tally = selectors.poll_tally(poll) if poll.status != Poll.Status.DRAFT else None
    context = {
        "poll": poll,
        "assembly": poll.assembly,
        "ballots": ballots,
        "tally": tally,
        "tally_rows": selectors.tally_rows(poll, tally) if tally else [],
        "grades": _grades(),
        "ranks": range(1, len(poll.options.all()) + 1),
        "motion_choices": list(tallying.MOTION_LABELS.items()),
    }
    return render(request, "assemblies/poll.html", context)


@login_required
def poll_results(request, pk):
    poll = _poll_or_404(pk)
    visible = poll.status == Poll.Status.PUBLISHED or (
        poll.status == Poll.Status.CLOSED and rules.can_manage_assemblies(request.user)
    )
    if not visible:
        messages.info(request, gettext("Les résultats de ce vote ne sont pas encore publiés."))
        return redirect("frontend:poll", pk=pk)
    result = selectors.poll_result(poll)
    votes = [
        {**v, "choice_text": selectors.choice_labels(poll, v["choice"])}
        for v in selectors.named_votes(poll)
    ]
    receipts = (
        [
            {"hash": b.receipt_hash, "choice": selectors.choice_labels(poll, b.choice)}
            for b in selectors.published_ballots(poll)
        ]
        if poll.secret
        else []
    )
    context = {
        "poll": poll,
        "assembly": poll.assembly,
        "result": result,
        "lines": minutes_module.total_lines(poll, result),
        "outcome_text": minutes_module.outcome_text(poll, result),
        "votes": votes,
        "receipts": receipts,
        "ledger_head": selectors.ledger_head(poll),
        "receipt_check": _receipt_check(request, poll) if request.method == "POST" else None,
        "pairwise": _pairwise_rows(poll, result),
    }
    return render(request, "assemblies/results.html", context)


def _pairwise_rows(poll: Poll, result: dict) -> list[dict]:
    matrix = result["outcome"].get("pairwise")
    if not matrix:
        return []
    options = poll.options.all()
    return [
        {
            "label": row.label,
            "values": [matrix[str(row.pk)].get(str(col.pk), "—") for col in options],
        }
        for row in options
    ]


def _receipt_check(request, poll):
    """A receipt posted by the form (never read from the URL: it would sit in access logs)."""
    receipt = request.POST.get("recu", "").strip()
    if not receipt or len(receipt) > 100:
        return None
    check = selectors.receipt_check(poll, receipt)
    if check["counted"] and not poll.secret:
        check["choice_text"] = selectors.choice_labels(poll, check["choice"])
    return check


# --- Secretariat console --------------------------------------------------------------------


def _console_or_403(request, slug) -> Assembly:
    if not rules.can_manage_assemblies(request.user):
        raise PermissionDenied
    return get_object_or_404(Assembly, slug=slug)


@login_required
def console(request, slug):
    assembly = _console_or_403(request, slug)
    polls = list(selectors.polls_for_assembly(assembly))
    open_polls = [p for p in polls if p.status == Poll.Status.OPEN]
    paper = {
        p.pk: PollEntitlement.objects.filter(poll=p)
        .exclude(organisation__in=p.vote_records.values("organisation"))
        .select_related("organisation")
        .order_by("organisation__name")
        for p in open_polls
    }
    for poll in open_polls:
        poll.rank_choices = range(1, len(poll.options.all()) + 1)
    context = {
        "assembly": assembly,
        "presence": selectors.presence(assembly).as_payload(),
        "attendance": selectors.attendance_rows(assembly),
        "proxies": selectors.proxy_rows(assembly),
        "polls": polls,
        "paper": [(p, paper[p.pk]) for p in open_polls],
        "check_in_form": CheckInForm(),
        "agenda_form": AgendaItemForm(),
        "college_form": CollegeForm() if assembly.weight_rule == "colleges" else None,
        "colleges": assembly.colleges.annotate(size=Count("memberships")),
        "poll_form": PollForm(assembly=assembly),
        "grades": _grades(),
        "motion_choices": list(tallying.MOTION_LABELS.items()),
    }
    return render(request, "assemblies/console.html", context)


@login_required
@require_POST
def console_action(request, slug):
    assembly = _console_or_403(request, slug)
    user, data, action = request.user, request.POST, request.POST.get("action")
    try:
        if action in ("assembly_open", "assembly_close"):
            change = (
                services.assembly_open if action == "assembly_open" else services.assembly_close
            )
            change(actor=user, assembly=assembly)
        elif action == "check_in":
            form = CheckInForm(data)
            if not form.is_valid():
                raise InvalidInput(_("Choisissez une CAE et un·e délégué·e."), code="invalid")
            services.attendance_check_in(actor=user, assembly=assembly, **form.cleaned_data)
        elif action == "check_out":
            organisation = _posted(Organisation, data.get("organisation"))
            services.attendance_check_out(actor=user, assembly=assembly, organisation=organisation)
        elif action in ("proxy_validate", "proxy_refuse"):
            proxy = _posted(Proxy, data.get("proxy"), assembly=assembly)
            decide = (
                services.proxy_validate if action == "proxy_validate" else services.proxy_refuse
            )
            decide(actor=user, proxy=proxy)
        elif action == "agenda_add":
            form = AgendaItemForm(data)
            if not form.is_valid():
                raise InvalidInput(_("Donnez un titre au point."), code="invalid")
            services.agenda_item_add(actor=user, assembly=assembly, **form.cleaned_data)
        elif action == "college_create":
            form = CollegeForm(data)
            if not form.is_valid():
                raise InvalidInput(_("Donnez un nom et une part positive."), code="invalid")
            services.college_create(actor=user, assembly=assembly, **form.cleaned_data)
        elif action == "poll_create":
            form = PollForm(data, assembly=assembly)
            if not form.is_valid():
                raise InvalidInput(_("Le formulaire du vote est incomplet."), code="invalid")
            services.poll_create(actor=user, assembly=assembly, **form.service_kwargs())
        elif action in ("poll_open", "poll_close", "poll_publish"):
            poll = _posted(Poll, data.get("poll"), assembly=assembly)
            getattr(services, action)(actor=user, poll=poll)
        elif action == "paper_ballot":
            poll = _posted(
                Poll.objects.prefetch_related("options"), data.get("poll"), assembly=assembly
            )
            services.ballot_cast(
                poll=poll,
                organisation=data.get("organisation", ""),
                actor=user,
                choice=choice_from_post(poll, data),
                paper=True,
            )
        else:
            raise InvalidInput(_("Action inconnue."), code="unknown_action")
    except AllianceError as error:
        _report(request, error)
    else:
        messages.success(request, gettext("C'est fait."))
    return redirect("frontend:assembly-console", slug=slug)


# --- Minutes --------------------------------------------------------------------------------


@login_required
def minutes(request, slug):
    assembly = get_object_or_404(Assembly, slug=slug)
    text = minutes_module.minutes_markdown(
        assembly, include_unpublished=rules.can_manage_assemblies(request.user)
    )
    if request.GET.get("format") == "md":
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pv-{assembly.slug}.md"'
        return response
    return render(
        request,
        "assemblies/minutes.html",
        {"assembly": assembly, "minutes_html": render_markdown(text)},
    )
