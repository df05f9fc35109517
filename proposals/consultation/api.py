"""Consultation API: thin views over the services and selectors."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.errors import InvalidInput, NotFound
from alliance.markdown import render_markdown
from alliance.models import Organisation
from proposals.consultation import exports, selectors, services
from proposals.models.consultation import (
    AnswerChannel,
    ConsultationStatus,
    Respondents,
    ResultsVisibility,
    Weighting,
)

TAG = ["consultation"]


# --- Shared output shapes -------------------------------------------------------------------


class ConsultationAxisOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class ConsultationQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()


class ConsultationSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ConsultationStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    respondents = serializers.ChoiceField(choices=Respondents.choices)
    results_visibility = serializers.ChoiceField(choices=ResultsVisibility.choices)
    weighting = serializers.ChoiceField(choices=Weighting.choices)
    answer_count = serializers.IntegerField()
    my_answered = serializers.BooleanField(
        allow_null=True, default=None, help_text="Whether the signed-in person's CAE answered."
    )


class ConsultationDetailOutput(ConsultationSummaryOutput):
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    weight_cap_share = serializers.DecimalField(max_digits=4, decimal_places=3)
    results_hidden = serializers.SerializerMethodField()
    axes = ConsultationAxisOutput(many=True, source="axes.all")
    questions = ConsultationQuestionOutput(many=True, source="questions.all")

    def get_description_html(self, consultation) -> str:
        return render_markdown(consultation.description)

    def get_results_hidden(self, consultation) -> bool:
        return consultation.results_hidden_at()


class ConsultationRevisionOutput(serializers.Serializer):
    ranking = serializers.ListField(child=serializers.IntegerField())
    free_answers = serializers.DictField(child=serializers.CharField())
    comment = serializers.CharField()
    channel = serializers.ChoiceField(choices=AnswerChannel.choices)
    meeting_name = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    entered_by = serializers.CharField(source="entered_by.display_name")
    created_at = serializers.DateTimeField()


class ConsultationAnswerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    ranking = serializers.ListField(
        child=serializers.IntegerField(), help_text="Axis ids, best first."
    )
    free_answers = serializers.DictField(
        child=serializers.CharField(), help_text="Question id to answer text."
    )
    comment = serializers.CharField()
    channel = serializers.ChoiceField(choices=AnswerChannel.choices)
    meeting_name = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    entered_by = serializers.CharField(source="entered_by.display_name")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ConsultationAnswerWithHistoryOutput(ConsultationAnswerOutput):
    revisions = ConsultationRevisionOutput(many=True, source="revisions.all")


class ConsultationAnswerInput(serializers.Serializer):
    ranking = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every axis id exactly once, best first."
    )
    free_answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    comment = serializers.CharField(allow_blank=True, required=False, default="")


def _consultation(slug):
    return selectors.consultation_get(slug=slug)


# --- Consultations ----------------------------------------------------------------------------


class ConsultationListView(generics.ListAPIView):
    """Consultations, newest first. The steering committee creates one with POST."""

    serializer_class = ConsultationSummaryOutput

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        slug = serializers.SlugField(max_length=120)
        description = serializers.CharField(allow_blank=True, required=False, default="")
        opens_at = serializers.DateTimeField()
        closes_at = serializers.DateTimeField()
        axes = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1)
        questions = serializers.ListField(
            child=serializers.CharField(max_length=500), required=False, default=list
        )
        respondents = serializers.ChoiceField(
            choices=Respondents.choices, default=Respondents.MEMBERS
        )
        results_visibility = serializers.ChoiceField(
            choices=ResultsVisibility.choices, default=ResultsVisibility.ALWAYS
        )
        weighting = serializers.ChoiceField(
            choices=Weighting.choices, default=Weighting.ONE_PER_ORGANISATION
        )
        weight_cap_share = serializers.DecimalField(
            max_digits=4, decimal_places=3, required=False, default="0.100"
        )

    def get_queryset(self):
        return selectors.consultation_list(user=self.request.user)

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=InputSerializer, responses={201: ConsultationDetailOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_create(actor=request.user, **data.validated_data)
        consultation = _consultation(consultation.slug)
        return Response(ConsultationDetailOutput(consultation).data, status=status.HTTP_201_CREATED)


class ConsultationDetailView(APIView):
    """A consultation with its axes and free questions."""

    @extend_schema(tags=TAG, responses={200: ConsultationDetailOutput})
    def get(self, request, slug):
        return Response(ConsultationDetailOutput(_consultation(slug)).data)


class ConsultationAxesView(APIView):
    """The axes to rank, in display order."""

    @extend_schema(tags=TAG, responses={200: ConsultationAxisOutput(many=True)})
    def get(self, request, slug):
        return Response(ConsultationAxisOutput(_consultation(slug).axes.all(), many=True).data)


# --- Answers ----------------------------------------------------------------------------------


class MyAnswerView(APIView):
    """The answer of the signed-in person's CAE, with its history; PUT gives or changes it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: ConsultationAnswerWithHistoryOutput})
    def get(self, request, slug):
        answer = selectors.answer_for(
            consultation=_consultation(slug), organisation_id=request.user.organisation_id
        )
        if answer is None:
            raise NotFound(_("Votre CAE n'a pas encore répondu."), code="no_answer")
        return Response(ConsultationAnswerWithHistoryOutput(answer).data)

    @extend_schema(
        tags=TAG,
        request=ConsultationAnswerInput,
        responses={200: ConsultationAnswerWithHistoryOutput},
    )
    def put(self, request, slug):
        consultation = _consultation(slug)
        if request.user.organisation_id is None:
            raise InvalidInput(_("Vous n'êtes rattaché·e à aucune CAE."), code="no_organisation")
        data = ConsultationAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.answer_submit(
            actor=request.user,
            consultation=consultation,
            organisation=request.user.organisation,
            **data.validated_data,
        )
        answer = selectors.answer_for(
            consultation=consultation, organisation_id=request.user.organisation_id
        )
        return Response(ConsultationAnswerWithHistoryOutput(answer).data)


class AnswersView(APIView):
    """Every CAE's answer (facilitators); POST enters one from a territorial meeting."""

    permission_classes = [permissions.IsAuthenticated]

    class InputSerializer(ConsultationAnswerInput):
        organisation = serializers.IntegerField()
        meeting_name = serializers.CharField(max_length=200)
        meeting_date = serializers.DateField()

    @extend_schema(tags=TAG, responses={200: ConsultationAnswerOutput(many=True)})
    def get(self, request, slug):
        answers = selectors.answers_visible(user=request.user, consultation=_consultation(slug))
        return Response(ConsultationAnswerOutput(answers, many=True).data)

    @extend_schema(
        tags=TAG, request=InputSerializer, responses={201: ConsultationAnswerWithHistoryOutput}
    )
    def post(self, request, slug):
        consultation = _consultation(slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = Organisation.objects.filter(pk=fields.pop("organisation")).first()
        if organisation is None:
            raise InvalidInput(_("Cette CAE n'existe pas."), code="unknown_organisation")
        services.answer_submit(
            actor=request.user,
            consultation=consultation,
            organisation=organisation,
            channel=AnswerChannel.TERRITORIAL,
            **fields,
        )
        answer = selectors.answer_for(consultation=consultation, organisation_id=organisation.pk)
        return Response(
            ConsultationAnswerWithHistoryOutput(answer).data, status=status.HTTP_201_CREATED
        )


# --- Results ----------------------------------------------------------------------------------


class ConsultationScoreOutput(serializers.Serializer):
    axis = serializers.IntegerField(source="axis.pk")
    title = serializers.CharField(source="axis.title")
    borda_score = serializers.FloatField()
    borda_rank = serializers.IntegerField()
    schulze_rank = serializers.IntegerField()


class ConsultationGroupOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    answers = serializers.IntegerField()
    borda = ConsultationScoreOutput(many=True, source="borda_order")
    schulze_winners = serializers.ListField(child=serializers.IntegerField())


class ResultsView(APIView):
    """Participation, weighted Borda scores, the Schulze order with its pairwise matrix
    (`pairwise[i][j]`: weight preferring axis i to axis j, in `axes` order) and strongest
    paths, and breakdowns by network and channel. `results_hidden` (403) until the closing
    date when the consultation hides them."""

    class OutputSerializer(serializers.Serializer):
        class ParticipationOutput(serializers.Serializer):
            answered = serializers.IntegerField()
            eligible = serializers.IntegerField()
            percent = serializers.IntegerField()

        class AxisScoreOutput(ConsultationScoreOutput):
            first_places = serializers.IntegerField()

        participation = ParticipationOutput()
        weighting = serializers.CharField()
        weight_cast = serializers.FloatField()
        axes = serializers.ListField(child=serializers.IntegerField())
        borda = AxisScoreOutput(many=True)
        schulze_order = serializers.ListField(
            child=serializers.ListField(child=serializers.IntegerField())
        )
        condorcet_winner = serializers.IntegerField(allow_null=True)
        pairwise = serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField(allow_null=True))
        )
        strongest_paths = serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField(allow_null=True))
        )
        by_network = ConsultationGroupOutput(many=True)
        by_channel = ConsultationGroupOutput(many=True)

    @staticmethod
    def shape(results) -> dict:
        ids = [row.axis.pk for row in results.pairwise]

        def matrix(values):
            return [[None if a == b else float(values[a][b]) for b in ids] for a in ids]

        def group(g):
            return {
                "key": g.key,
                "label": g.label,
                "answers": g.answers,
                "borda_order": g.borda_order,
                "schulze_winners": [a.pk for a in g.schulze_winners],
            }

        return {
            "participation": {
                "answered": results.answered,
                "eligible": results.eligible,
                "percent": results.participation_percent,
            },
            "weighting": results.consultation.weighting,
            "weight_cast": results.weight_cast,
            "axes": ids,
            "borda": results.axes,
            "schulze_order": [[a.pk for a in group] for group in results.schulze_order],
            "condorcet_winner": results.condorcet_winner.pk if results.condorcet_winner else None,
            "pairwise": matrix(results.counted.pairwise),
            "strongest_paths": matrix(results.counted.strongest),
            "by_network": [group(g) for g in results.by_network],
            "by_channel": [group(g) for g in results.by_channel],
        }

    @extend_schema(tags=TAG, responses={200: OutputSerializer})
    def get(self, request, slug):
        results = selectors.consultation_results(
            consultation=_consultation(slug), user=request.user
        )
        return Response(self.OutputSerializer(self.shape(results)).data)


# --- CSV --------------------------------------------------------------------------------------


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AnswersCsvView(APIView):
    """Every CAE's answer as CSV (facilitators)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAG,
        operation_id="consultations_answers_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, slug):
        consultation = _consultation(slug)
        answers = selectors.answers_visible(user=request.user, consultation=consultation)
        return _csv_response(exports.answers_csv(consultation, answers), f"{slug}-reponses.csv")


class ResultsCsvView(APIView):
    """The results as CSV (the same visibility as the results)."""

    @extend_schema(
        tags=TAG,
        operation_id="consultations_results_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, slug):
        results = selectors.consultation_results(
            consultation=_consultation(slug), user=request.user
        )
        return _csv_response(exports.results_csv(results), f"{slug}-resultats.csv")
