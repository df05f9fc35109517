"""Page forms of the documents area: they shape input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import Stance
from documents.models import AnswerStatus, DocumentKind


class DocumentCreateForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Nature"), choices=DocumentKind.choices)
    is_public = forms.BooleanField(label=_("Public une fois publié"), required=False)
    body = forms.CharField(
        label=_("Texte (Markdown)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )


class DocumentEditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Texte (Markdown)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Séparez les paragraphes par une ligne vide : chacun pourra être commenté."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=12)
    deadline = forms.DateTimeField(
        label=_("Fin de la relecture"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class RemarkForm(forms.Form):
    body = forms.CharField(
        label=_("Votre remarque"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    stance = forms.ChoiceField(
        label=_("Position"), choices=Stance.choices, initial=Stance.NONE, required=False
    )

    def clean_stance(self):
        return self.cleaned_data["stance"] or Stance.NONE


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Suite donnée"), choices=AnswerStatus.choices)
    reply = forms.CharField(
        label=_("Réponse"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Fichier"))
    name = forms.CharField(label=_("Nom affiché"), required=False, max_length=200)
