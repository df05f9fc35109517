"""Pages of the proposals area: scenarios, versions and diffs, amendments, the workshop board
and network positions. Views read through selectors, write through services, and show a
service's error next to the form that caused it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alliance import rules as base_rules
from alliance.errors import AllianceError, NotFound
from alliance.models import Network
from alliance.textdiff import word_diff_html
from proposals.models import NoteKind, Position, Process, ProposalStatus, WorkshopNote
from proposals.scenarios import rules, selectors, services
from proposals.scenarios.export import workshop_notes_csv

# --- Forms -------------------------------------------------------------------------------------


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Résumé"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=gettext_lazy("Texte"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Markdown. Séparez les paragraphes par une ligne vide."),
    )


class ProposalCreateForm(ProposalForm):
    process = forms.ModelChoiceField(
        label=gettext_lazy("Processus"), queryset=Process.objects.all(), required=False
    )
    by_steering_committee = forms.BooleanField(
        label=gettext_lazy("Au nom du comité de pilotage"), required=False
    )


class ProposalEditForm(ProposalForm):
    note = forms.CharField(label=gettext_lazy("Note de version"), max_length=300, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AmendmentForm(forms.Form):
    paragraph = forms.TypedChoiceField(
        label=gettext_lazy("Passage amendé"), coerce=int, empty_value=None, required=False
    )
    replacement_text = forms.CharField(
        label=gettext_lazy("Texte proposé"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    rationale = forms.CharField(
        label=gettext_lazy("Exposé des motifs"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, paragraphs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Tout le texte"))]
        for index, text in enumerate(paragraphs):
            preview = text if len(text) <= 70 else text[:70] + "…"
            choices.append((index, _("§ %(n)s : %(text)s") % {"n": index + 1, "text": preview}))
        self.fields["paragraph"].choices = choices


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accepter")), ("reject", gettext_lazy("Rejeter"))]
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Obligatoire pour un rejet."),
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=NoteKind.choices)
    text = forms.CharField(
        label=gettext_lazy("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    session = forms.CharField(
        label=gettext_lazy("Atelier"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Animateur·rices : le nom de l'atelier. Sinon, la note est celle de votre CAE."
        ),
    )


class PositionForm(forms.Form):
    network = forms.ModelChoiceField(
        label=gettext_lazy("Réseau"), queryset=Network.objects.none(), to_field_name="slug"
    )
    position = forms.ChoiceField(label=gettext_lazy("Position"), choices=Position.choices)
    statement = forms.CharField(
        label=gettext_lazy("Déclaration"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown."),
    )

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks


# --- Helpers -------------------------------------------------------------------------------------


def _proposal(request, slug):
    try:
        return selectors.proposal_get(user=request.user, slug=slug)
    except NotFound:
        raise Http404 from None


def _amendment(request, slug, pk):
    try:
        amendment = selectors.amendment_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    if amendment.proposal.slug != slug:
        raise Http404
    return amendment


def _render(request, template, context, status=200):
    """People's names are shown to signed-in members only (`alliance.rules.can_view_people`)."""
    context["show_people"] = base_rules.can_view_people(request.user)
    return render(request, template, context, status=status)


def _fail(form, error: AllianceError):
    """Attach a service error to the form field it concerns, else to the whole form."""
    fields = [f for f in error.details if f in form.fields]
    form.add_error(fields[0] if fields else None, str(error.message))


# --- Proposals -------------------------------------------------------------------------------------


def proposal_list(request):
    status = request.GET.get("statut") or None
    if status not in ProposalStatus.values:
        status = None
    context = {
        "proposals": selectors.proposal_list(user=request.user, status=status),
        "status": status,
        "statuses": ProposalStatus.choices,
        "can_create": rules.can_create_proposal(request.user),
    }
    return _render(request, "proposals/list.html", context)


@login_required
def proposal_create(request):
    if not rules.can_create_proposal(request.user):
        raise Http404
    form = ProposalCreateForm(request.POST or None)
    if not base_rules.is_steering_committee(request.user):
        del form.fields["by_steering_committee"]
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(actor=request.user, **form.cleaned_data)
        except AllianceError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect(proposal)
    return _render(request, "proposals/form.html", {"form": form, "proposal": None})


def proposal_detail(request, slug):
    try:
        context = selectors.proposal_page(user=request.user, slug=slug)
    except NotFound:
        raise Http404 from None
    proposal = context["proposal"]
    user = request.user
    context.update(
        can_edit=rules.can_edit_proposal(user, proposal),
        can_amend=rules.can_propose_amendment(user, proposal),
        can_state_position=selectors.networks_spoken_for(user).exists()
        and not proposal.is_final
        and proposal.status != ProposalStatus.DRAFT,
        transitions=[
            (value, label)
            for value, label in ProposalStatus.choices
            if value in rules.allowed_transitions(user, proposal)
        ],
    )
    return _render(request, "proposals/detail.html", context)


@login_required
def proposal_edit(request, slug):
    proposal = _proposal(request, slug)
    if not rules.can_edit_proposal(request.user, proposal):
        raise Http404
    initial = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "expected_version": proposal.current_version,
    }
    form = ProposalEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.proposal_update(
                actor=request.user, proposal=proposal, **form.cleaned_data
            )
        except AllianceError as error:
            _fail(form, error)
        else:
            messages.success(
                request, _("Version %(number)s enregistrée.") % {"number": version.number}
            )
            return redirect(proposal)
    return _render(request, "proposals/form.html", {"form": form, "proposal": proposal})


@require_POST
@login_required
def proposal_status(request, slug):
    proposal = _proposal(request, slug)
    try:
        services.proposal_set_status(
            actor=request.user, proposal=proposal, status=request.POST.get("status", "")
        )
    except AllianceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Statut mis à jour."))
    return redirect(proposal)


def proposal_version(request, slug, number):
    proposal = _proposal(request, slug)
    try:
        version = selectors.version_get(proposal=proposal, number=number)
    except NotFound:
        raise Http404 from None
    return _render(request, "proposals/version.html", {"proposal": proposal, "version": version})


def proposal_diff(request, slug):
    proposal = _proposal(request, slug)
    current = proposal.current_version
    try:
        to_number = selectors.parse_version_number(request.GET.get("a", current), field="a")
        from_number = selectors.parse_version_number(
            request.GET.get("de", max(1, to_number - 1)), field="de"
        )
        diff = selectors.version_diff(
            proposal=proposal, from_number=from_number, to_number=to_number
        )
    except AllianceError as error:
        messages.error(request, error.message)
        return redirect(proposal)
    context = {"proposal": proposal, "diff": diff, "numbers": range(current, 0, -1)}
    return _render(request, "proposals/diff.html", context)


# --- Amendments ------------------------------------------------------------------------------------


@login_required
def amendment_create(request, slug):
    proposal = _proposal(request, slug)
    if not rules.can_propose_amendment(request.user, proposal):
        messages.error(
            request,
            _("Seul·es les membres des CAE amendent une proposition ouverte aux commentaires."),
        )
        return redirect(proposal)
    paragraphs = selectors.paragraphs_of(proposal)
    initial = {"base_version": proposal.current_version, "replacement_text": proposal.body}
    chosen = request.GET.get("paragraphe", "")
    if chosen.isdigit() and 1 <= int(chosen) <= len(paragraphs):
        initial.update(paragraph=int(chosen) - 1, replacement_text=paragraphs[int(chosen) - 1])
    form = AmendmentForm(request.POST or None, initial=initial, paragraphs=paragraphs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = services.amendment_create(
                actor=request.user,
                proposal=proposal,
                paragraph_index=data["paragraph"],
                replacement_text=data["replacement_text"],
                rationale=data["rationale"],
                base_version=data["base_version"],
            )
        except AllianceError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Amendement déposé."))
            return redirect(amendment.get_absolute_url())
    context = {"proposal": proposal, "form": form, "paragraphs": paragraphs}
    return _render(request, "proposals/amendment_form.html", context)


def amendment_detail(request, slug, pk):
    amendment = _amendment(request, slug, pk)
    return _render(
        request, "proposals/amendment_detail.html", _amendment_context(request, amendment)
    )


def _amendment_context(request, amendment, form=None) -> dict:
    can_decide = rules.can_decide_amendment(request.user, amendment)
    return {
        "proposal": amendment.proposal,
        "amendment": amendment,
        "diff_html": word_diff_html(amendment.original_text, amendment.replacement_text),
        "can_decide": can_decide,
        "still_applies": not can_decide or selectors.amendment_still_applies(amendment),
        "can_withdraw": rules.can_withdraw_amendment(request.user, amendment),
        "form": form or DecisionForm(),
    }


@require_POST
@login_required
def amendment_decide(request, slug, pk):
    amendment = _amendment(request, slug, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                version = services.amendment_accept(
                    actor=request.user, amendment=amendment, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("Amendement accepté : version %(number)s.") % {"number": version.number},
                )
            else:
                services.amendment_reject(
                    actor=request.user, amendment=amendment, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Amendement rejeté."))
            return redirect(amendment.get_absolute_url())
        except AllianceError as error:
            _fail(form, error)
    context = _amendment_context(request, amendment, form)
    return _render(request, "proposals/amendment_detail.html", context, status=400)


@require_POST
@login_required
def amendment_withdraw(request, slug, pk):
    amendment = _amendment(request, slug, pk)
    try:
        services.amendment_withdraw(actor=request.user, amendment=amendment)
    except AllianceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Amendement retiré."))
    return redirect(amendment.get_absolute_url())


# --- Workshop board ---------------------------------------------------------------------------------


def workshop_board(request, slug):
    proposal = _proposal(request, slug)
    can_add = rules.can_add_workshop_note(request.user, proposal)
    form = NoteForm(request.POST or None)
    if not base_rules.is_facilitator(request.user):
        del form.fields["session"]
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('frontend:login')}?next={request.path}")
        if form.is_valid():
            try:
                services.workshop_note_create(
                    actor=request.user, proposal=proposal, **form.cleaned_data
                )
            except AllianceError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Note ajoutée."))
                return redirect("frontend:workshop_board", slug=proposal.slug)
        status = 400
    context = {
        "proposal": proposal,
        "columns": selectors.workshop_board(proposal=proposal, user=request.user),
        "form": form,
        "can_add": can_add,
        "can_endorse": rules.can_endorse_note(request.user) and proposal.is_open_for_comment,
    }
    return _render(request, "proposals/board.html", context, status=status)


@require_POST
@login_required
def note_endorse(request, slug, pk):
    proposal = _proposal(request, slug)
    note = WorkshopNote.objects.filter(pk=pk, proposal=proposal).select_related("proposal").first()
    if note is None:
        raise Http404
    try:
        services.note_endorse(
            actor=request.user, note=note, endorsed=request.POST.get("endorsed") == "1"
        )
    except AllianceError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('frontend:workshop_board', args=[slug])}#note-{note.pk}")


def workshop_csv(request, slug):
    return workshop_notes_csv(_proposal(request, slug), user=request.user)


# --- Network positions --------------------------------------------------------------------------------


def positions(request, slug):
    proposal = _proposal(request, slug)
    networks = selectors.networks_spoken_for(request.user)
    form = PositionForm(request.POST or None, networks=networks)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('frontend:login')}?next={request.path}")
        if not networks.exists():
            raise PermissionDenied  # speaks for no network (`rules.can_state_position`)
        if form.is_valid():
            try:
                services.network_position_state(
                    actor=request.user, proposal=proposal, **form.cleaned_data
                )
            except AllianceError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Position enregistrée."))
                return redirect("frontend:proposal_positions", slug=proposal.slug)
        status = 400
    context = {
        "proposal": proposal,
        "current": selectors.current_positions(proposal),
        "history": selectors.position_history(proposal=proposal),
        "form": form,
        "can_state": networks.exists() and not proposal.is_final,
    }
    return _render(request, "proposals/positions.html", context, status=status)
