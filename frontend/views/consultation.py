"""Pages of the national consultation: list, details with my CAE's answer, answering,
territorial entry by a facilitator, results with server-drawn charts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliance import rules as alliance_rules
from alliance.errors import AllianceError, NotFound
from alliance.markdown import render_markdown
from proposals.consultation import rules, selectors, services
from proposals.models.consultation import (
    AnswerChannel,
    ConsultationStatus,
    Respondents,
    ResultsVisibility,
    Weighting,
)

CHART_ROW = 48  # height of one bar of the Borda chart, in SVG units


def _get(slug):
    try:
        return selectors.consultation_get(slug=slug)
    except NotFound:
        raise Http404 from None


# --- Forms --------------------------------------------------------------------------------------


class AnswerForm(forms.Form):
    """A rank select per axis (no JavaScript needed), the free questions and a comment. The
    ranks are left to the service to judge, so that a page and the API refuse the same way."""

    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.axes = list(consultation.axes.all())
        choices = [("", "—")] + [(str(n), str(n)) for n in range(1, len(self.axes) + 1)]
        for axis in self.axes:
            self.fields[f"rank_{axis.pk}"] = forms.TypedChoiceField(
                label=axis.title, choices=choices, coerce=int, empty_value=None, required=False
            )
        for question in consultation.questions.all():
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=services.MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def ranking(self) -> list[int]:
        ranks = {axis.pk: self.cleaned_data.get(f"rank_{axis.pk}") for axis in self.axes}
        return services.ranking_from_ranks(axis_ids=[a.pk for a in self.axes], ranks=ranks)

    def free_answers(self) -> dict[str, str]:
        return {
            name.removeprefix("question_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("question_") and value
        }

    def ranking_rows(self):
        """Axes in the order of their current rank, for the sortable list."""
        rows = []
        for index, axis in enumerate(self.axes):
            value = self[f"rank_{axis.pk}"].value()
            try:
                rank = int(value)
            except (TypeError, ValueError):
                rank = None
            rows.append(
                {"axis": axis, "field": self[f"rank_{axis.pk}"], "rank": rank, "index": index}
            )
        return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["index"]))

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("question_")]


class TerritorialForm(AnswerForm):
    organisation = forms.ModelChoiceField(
        label=_("CAE"), queryset=selectors.organisations_for_territorial_entry(), required=True
    )
    meeting_name = forms.CharField(label=_("Rencontre territoriale"), max_length=200)
    meeting_date = forms.DateField(
        label=_("Date de la rencontre"), widget=forms.DateInput(attrs={"type": "date"})
    )

    field_order = ["organisation", "meeting_name", "meeting_date"]

    def __init__(self, *args, answered: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            AnswerChannel.ONLINE: _("a déjà répondu en ligne"),
            AnswerChannel.TERRITORIAL: _("réponse de rencontre déjà saisie"),
        }

        def label(organisation):
            channel = answered.get(organisation.pk)
            return f"{organisation.name} — {labels[channel]}" if channel else organisation.name

        self.fields["organisation"].label_from_instance = label
        self.fields["meeting_date"].widget.attrs["max"] = timezone.localdate().isoformat()


class ConsultationForm(forms.Form):
    """The steering committee opens a consultation; the service checks dates and axes."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant dans l'adresse"),
        max_length=120,
        required=False,
        help_text=_("Laissez vide pour le tirer du titre."),
    )
    description = forms.CharField(
        label=_("Présentation (Markdown)"), required=False, widget=forms.Textarea
    )
    opens_at = forms.DateTimeField(
        label=_("Ouverture"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    axes = forms.CharField(
        label=_("Axes à classer"),
        help_text=_("Un axe par ligne, dans l'ordre d'affichage."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    questions = forms.CharField(
        label=_("Questions libres"),
        help_text=_("Facultatif : une question par ligne."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    respondents = forms.ChoiceField(
        label=_("Qui répond"), choices=Respondents.choices, initial=Respondents.MEMBERS
    )
    results_visibility = forms.ChoiceField(
        label=_("Résultats"), choices=ResultsVisibility.choices, initial=ResultsVisibility.ALWAYS
    )
    weighting = forms.ChoiceField(
        label=_("Pondération"), choices=Weighting.choices, initial=Weighting.ONE_PER_ORGANISATION
    )
    weight_cap_share = forms.DecimalField(
        label=_("Part maximale d'une CAE (pondération par taille)"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        initial="0.100",
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["slug"] = data["slug"] or slugify(data["title"])[:120]
        data["axes"] = data["axes"].splitlines()
        data["questions"] = data["questions"].splitlines()
        return data


def _initial(answer):
    if answer is None:
        return {}
    initial = {f"rank_{axis_id}": rank for rank, axis_id in enumerate(answer.ranking, start=1)}
    initial.update({f"question_{k}": v for k, v in answer.free_answers.items()})
    initial["comment"] = answer.comment
    return initial


# --- Pages --------------------------------------------------------------------------------------


def consultation_list(request):
    context = {
        "consultations": list(selectors.consultation_list(user=request.user)),
        "can_create": rules.can_create_consultation(request.user),
    }
    return render(request, "consultation/list.html", context)


@login_required
def consultation_create(request):
    if not rules.can_create_consultation(request.user):
        raise PermissionDenied
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(actor=request.user, **form.service_fields())
        except AllianceError as error:
            form.add_error(None, error.message)
            form.error_code = error.code
        else:
            messages.success(request, gettext("La consultation est créée."))
            return redirect("frontend:consultation", slug=consultation.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "consultation/create.html", {"form": form}, status=status)


def consultation_detail(request, slug):
    consultation = _get(slug)
    answer = selectors.answer_for(
        consultation=consultation, organisation_id=getattr(request.user, "organisation_id", None)
    )
    is_open = consultation.status == ConsultationStatus.OPEN
    context = {
        "consultation": consultation,
        "description_html": render_markdown(consultation.description),
        "answer": answer,
        "answer_axes": selectors.ranked_axes(consultation, answer.ranking) if answer else [],
        "history": [
            {"revision": r, "axes": selectors.ranked_axes(consultation, r.ranking)}
            for r in (answer.revisions.all() if answer else [])
        ],
        "questions": list(consultation.questions.all()),
        "eligible": selectors.eligible_count(),
        "can_answer": is_open and rules.can_answer(request.user, consultation),
        "is_member": alliance_rules.is_member(request.user),
        "can_enter_territorial": is_open and rules.can_enter_territorial_answer(request.user),
        "results_visible": rules.can_view_results(request.user, consultation),
    }
    return render(request, "consultation/detail.html", context)


def _submit(request, form, consultation, **extra):
    """Run the service; on refusal show its message on the form and change nothing."""
    try:
        services.answer_submit(
            actor=request.user,
            consultation=consultation,
            ranking=form.ranking(),
            free_answers=form.free_answers(),
            comment=form.cleaned_data.get("comment", ""),
            **extra,
        )
    except AllianceError as error:
        form.add_error(None, error.message)
        form.error_code = error.code
        return False
    return True


@login_required
def consultation_answer(request, slug):
    consultation = _get(slug)
    if not rules.can_answer(request.user, consultation):
        raise PermissionDenied
    answer = selectors.answer_for(
        consultation=consultation, organisation_id=request.user.organisation_id
    )
    if request.method == "POST":
        form = AnswerForm(request.POST, consultation=consultation)
        if form.is_valid() and _submit(
            request, form, consultation, organisation=request.user.organisation
        ):
            messages.success(request, gettext("La réponse de votre CAE est enregistrée."))
            return redirect("frontend:consultation", slug=slug)
        status = 400
    else:
        form = AnswerForm(initial=_initial(answer), consultation=consultation)
        status = 200
    context = {
        "consultation": consultation,
        "form": form,
        "answer": answer,
        "is_open": consultation.status == ConsultationStatus.OPEN,
    }
    return render(request, "consultation/answer.html", context, status=status)


@login_required
def consultation_territorial(request, slug):
    consultation = _get(slug)
    if not rules.can_enter_territorial_answer(request.user):
        raise PermissionDenied
    answered = selectors.answer_channels(consultation=consultation)
    if request.method == "POST":
        form = TerritorialForm(request.POST, consultation=consultation, answered=answered)
        if form.is_valid() and _submit(
            request,
            form,
            consultation,
            organisation=form.cleaned_data["organisation"],
            channel=AnswerChannel.TERRITORIAL,
            meeting_name=form.cleaned_data["meeting_name"],
            meeting_date=form.cleaned_data["meeting_date"],
        ):
            # The next CAE of the same meeting: keep its name and date in the form.
            request.session["consultation_last_meeting"] = {
                "meeting_name": form.cleaned_data["meeting_name"],
                "meeting_date": form.cleaned_data["meeting_date"].isoformat(),
            }
            messages.success(
                request,
                gettext("Réponse de %(cae)s enregistrée.")
                % {"cae": form.cleaned_data["organisation"].name},
            )
            return redirect("frontend:consultation-territorial", slug=slug)
        status = 400
    else:
        last = request.session.get("consultation_last_meeting", {})
        form = TerritorialForm(initial=last, consultation=consultation, answered=answered)
        status = 200
    context = {
        "consultation": consultation,
        "form": form,
        "is_open": consultation.status == ConsultationStatus.OPEN,
    }
    return render(request, "consultation/territorial.html", context, status=status)


def consultation_results(request, slug):
    consultation = _get(slug)
    context = {"consultation": consultation}
    try:
        results = selectors.consultation_results(consultation=consultation, user=request.user)
        context.update(results=results, chart_height=CHART_ROW * len(results.axes) + 4)
    except AllianceError as error:
        context["hidden_message"] = error.message
    context["can_view_answers"] = rules.can_view_answers(request.user)
    if context["can_view_answers"] and "results" in context:
        context["silent"] = list(selectors.organisations_without_answer(consultation=consultation))
    return render(request, "consultation/results.html", context)
