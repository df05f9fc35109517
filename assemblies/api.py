"""REST API of assemblies: thin views over `services` and `selectors`.

Everything needs a signed-in person; writes other than voting, checking one's own CAE in and
giving its proxy are for the secretariat (the services check who may do what).
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.errors import Conflict, NotAllowed, NotFound
from alliance.models import Organisation, User
from assemblies import minutes, rules, selectors, services
from assemblies.models import AgendaItem, Assembly, AttendanceMode, Poll, Proxy


class CanViewAssemblies(permissions.BasePermission):
    def has_permission(self, request, view):
        return rules.can_view_assembly(request.user)


class AssemblyAPIView(APIView):
    permission_classes = [CanViewAssemblies]

    def get_assembly(self, pk) -> Assembly:
        return get_object_or_404(Assembly, pk=pk)

    def get_poll(self, pk) -> Poll:
        return get_object_or_404(
            Poll.objects.select_related("assembly", "target_type").prefetch_related("options"),
            pk=pk,
        )


class TargetInputMixin(serializers.Serializer):
    target_type = serializers.CharField(
        max_length=100, required=False, help_text="«app.model», par exemple proposals.proposal"
    )
    target_id = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind, pk = attrs.pop("target_type", None), attrs.pop("target_id", None)
        if (kind is None) != (pk is None):
            raise serializers.ValidationError(
                _("Donnez le type et le numéro de l'objet lié, ou aucun des deux.")
            )
        attrs["target"] = selectors.target_object(kind, pk) if kind else None
        return attrs


class TargetOutputSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()


# --- Assemblies -----------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)


class AssemblyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField()
    online = serializers.BooleanField()
    status = serializers.CharField()
    weight_rule = serializers.CharField()
    cap_share = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    quorum_share = serializers.DecimalField(max_digits=5, decimal_places=4)
    max_proxies_per_delegate = serializers.IntegerField()
    sessions = SessionSerializer(many=True)


class AssemblyListView(AssemblyAPIView):
    """`GET`: the assemblies, latest first. `POST`: create one (secretariat)."""

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        slug = serializers.SlugField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        place = serializers.CharField(max_length=200, required=False, allow_blank=True)
        online = serializers.BooleanField(required=False, default=False)
        weight_rule = serializers.ChoiceField(
            Assembly.WeightRule.choices, default=Assembly.WeightRule.ONE_PER_ORGANISATION
        )
        cap_share = serializers.DecimalField(
            max_digits=5, decimal_places=4, required=False, allow_null=True
        )
        quorum_share = serializers.DecimalField(
            max_digits=5, decimal_places=4, required=False, default="0.5", min_value=0, max_value=1
        )
        max_proxies_per_delegate = serializers.IntegerField(
            min_value=0, max_value=20, required=False, default=2
        )
        sessions = SessionSerializer(many=True, required=False, default=list)

    @extend_schema(responses={200: AssemblyOutputSerializer(many=True)})
    def get(self, request):
        assemblies = selectors.assembly_list().prefetch_related("sessions")
        return Response(AssemblyOutputSerializer(assemblies, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: AssemblyOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["sessions"] = [
            (s["title"], s["starts_at"], s.get("ends_at")) for s in values["sessions"]
        ]
        assembly = services.assembly_create(actor=request.user, **values)
        return Response(AssemblyOutputSerializer(assembly).data, status=status.HTTP_201_CREATED)


class AssemblyStateView(AssemblyAPIView):
    """The live snapshot (`assembly.state`): attendance, quorum, open polls with their tally."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return Response(selectors.assembly_state(self.get_assembly(pk)))


class AssemblyStatusView(AssemblyAPIView):
    """`POST /open/` or `/close/` the assembly (secretariat)."""

    action = ""

    @extend_schema(request=None, responses={200: AssemblyOutputSerializer})
    def post(self, request, pk):
        assembly = self.get_assembly(pk)
        change = services.assembly_open if self.action == "open" else services.assembly_close
        return Response(
            AssemblyOutputSerializer(change(actor=request.user, assembly=assembly)).data
        )


# --- Attendance -----------------------------------------------------------------------------


class AttendanceView(AssemblyAPIView):
    """`GET`: who is checked in. `POST`: check a CAE in (its delegate, or the secretariat)."""

    class InputSerializer(serializers.Serializer):
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.active())
        delegate = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True), required=False, allow_null=True
        )
        mode = serializers.ChoiceField(AttendanceMode.choices, default=AttendanceMode.ONLINE)

    class OutputSerializer(serializers.Serializer):
        organisation = serializers.IntegerField(source="organisation_id")
        organisation_name = serializers.CharField(source="organisation.name")
        delegate = serializers.IntegerField(source="delegate_id")
        delegate_name = serializers.CharField(source="delegate.display_name")
        mode = serializers.CharField()
        checked_in_at = serializers.DateTimeField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, pk):
        rows = selectors.attendance_rows(self.get_assembly(pk))
        return Response(self.OutputSerializer(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendance = services.attendance_check_in(
            actor=request.user, assembly=self.get_assembly(pk), **data.validated_data
        )
        return Response(self.OutputSerializer(attendance).data, status=status.HTTP_201_CREATED)


class CheckOutView(AssemblyAPIView):
    class InputSerializer(serializers.Serializer):
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.attendance_check_out(
            actor=request.user,
            assembly=self.get_assembly(pk),
            organisation=data.validated_data["organisation"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Proxies --------------------------------------------------------------------------------


class ProxyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    giver = serializers.IntegerField(source="giver_id")
    giver_name = serializers.CharField(source="giver.name")
    holder = serializers.IntegerField(source="holder_id")
    holder_name = serializers.CharField(source="holder.display_name")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProxyListView(AssemblyAPIView):
    """`GET`: the assembly's proxies. `POST`: give a CAE's proxy to a delegate of another CAE."""

    class InputSerializer(serializers.Serializer):
        giver = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.active())
        holder = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))

    @extend_schema(responses={200: ProxyOutputSerializer(many=True)})
    def get(self, request, pk):
        rows = selectors.proxy_rows(self.get_assembly(pk))
        return Response(ProxyOutputSerializer(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ProxyOutputSerializer})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proxy = services.proxy_grant(
            actor=request.user, assembly=self.get_assembly(pk), **data.validated_data
        )
        return Response(ProxyOutputSerializer(proxy).data, status=status.HTTP_201_CREATED)


class ProxyDecisionView(AssemblyAPIView):
    """`POST /validate/`, `/refuse/` (secretariat) or `/withdraw/` (the giving CAE)."""

    action = ""
    actions = {
        "validate": services.proxy_validate,
        "refuse": services.proxy_refuse,
        "withdraw": services.proxy_withdraw,
    }

    @extend_schema(request=None, responses={200: ProxyOutputSerializer})
    def post(self, request, pk):
        proxy = get_object_or_404(Proxy.objects.select_related("giver", "holder"), pk=pk)
        proxy = self.actions[self.action](actor=request.user, proxy=proxy)
        proxy = Proxy.objects.select_related("giver", "holder").get(pk=proxy.pk)
        return Response(ProxyOutputSerializer(proxy).data)


# --- Agenda ---------------------------------------------------------------------------------


class AgendaView(AssemblyAPIView):
    """`GET`: the ordered agenda. `POST`: add an item at the end (secretariat), optionally
    about a proposal or a document (`target_type`, `target_id`)."""

    class InputSerializer(TargetInputMixin):
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        position = serializers.IntegerField()
        title = serializers.CharField()
        description = serializers.CharField()
        target = serializers.SerializerMethodField()

        @extend_schema_field(TargetOutputSerializer(allow_null=True))
        def get_target(self, item):
            return selectors.target_payload(item)

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, pk):
        items = self.get_assembly(pk).agenda.select_related("target_type")
        return Response(self.OutputSerializer(items, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, pk):
        assembly = self.get_assembly(pk)
        if not rules.can_manage_assemblies(request.user):
            raise NotAllowed(_("Seul le secrétariat peut faire cela."))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.agenda_item_add(
            actor=request.user, assembly=assembly, **data.validated_data
        )
        return Response(self.OutputSerializer(item).data, status=status.HTTP_201_CREATED)


# --- Polls ----------------------------------------------------------------------------------


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class PollOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assembly = serializers.IntegerField(source="assembly_id")
    title = serializers.CharField()
    description = serializers.CharField()
    method = serializers.CharField()
    status = serializers.CharField()
    secret = serializers.BooleanField()
    results_hidden = serializers.BooleanField()
    threshold = serializers.CharField()
    abstentions_count = serializers.BooleanField()
    max_choices = serializers.IntegerField(allow_null=True)
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    options = OptionSerializer(many=True)
    target = serializers.SerializerMethodField()
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(TargetOutputSerializer(allow_null=True))
    def get_target(self, poll):
        return selectors.target_payload(poll)


class PollListView(AssemblyAPIView):
    """`GET`: the assembly's polls. `POST`: create a draft poll (secretariat), optionally about
    a proposal, an amendment or a document (`target_type`, `target_id`)."""

    class InputSerializer(TargetInputMixin):
        title = serializers.CharField(max_length=300)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        method = serializers.ChoiceField(Poll.Method.choices)
        options = serializers.ListField(
            child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
        )
        threshold = serializers.ChoiceField(
            Poll.Threshold.choices, required=False, allow_blank=True, default=""
        )
        abstentions_count = serializers.BooleanField(required=False, default=False)
        secret = serializers.BooleanField(required=False, default=False)
        results_hidden = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Totaux masqués jusqu'à la clôture (seule la participation est publiée). "
            "Par défaut : comme `secret` ; un vote secret ne peut pas le refuser "
            "(`secret_results_hidden`).",
        )
        max_choices = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        agenda_item = serializers.PrimaryKeyRelatedField(
            queryset=AgendaItem.objects.all(), required=False, allow_null=True
        )

    @extend_schema(responses={200: PollOutputSerializer(many=True)})
    def get(self, request, pk):
        polls = selectors.polls_for_assembly(self.get_assembly(pk))
        return Response(PollOutputSerializer(polls, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: PollOutputSerializer,
            400: OpenApiResponse(description="secret_results_hidden, invalid_options, invalid"),
        },
    )
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        poll = services.poll_create(
            actor=request.user, assembly=self.get_assembly(pk), **data.validated_data
        )
        return Response(PollOutputSerializer(poll).data, status=status.HTTP_201_CREATED)


class PollDetailView(AssemblyAPIView):
    @extend_schema(responses={200: PollOutputSerializer})
    def get(self, request, pk):
        return Response(PollOutputSerializer(self.get_poll(pk)).data)


class PollStatusView(AssemblyAPIView):
    """`POST /open/`, `/close/` or `/publish/` (secretariat)."""

    action = ""
    actions = {
        "open": services.poll_open,
        "close": services.poll_close,
        "publish": services.poll_publish,
    }

    @extend_schema(request=None, responses={200: PollOutputSerializer})
    def post(self, request, pk):
        poll = self.actions[self.action](actor=request.user, poll=self.get_poll(pk))
        return Response(PollOutputSerializer(self.get_poll(poll.pk)).data)


class TallyView(AssemblyAPIView):
    """The current tally snapshot (`tally` message of the live protocol). While a poll with
    results hidden (every secret poll) is open: participation only, `hidden` true and `totals`
    null, whoever asks."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        poll = self.get_poll(pk)
        if poll.status == Poll.Status.DRAFT:
            raise Conflict(_("Ce vote n'est pas encore ouvert."), code="poll_not_open")
        return Response(selectors.poll_tally(poll))


class VoteView(AssemblyAPIView):
    """Cast a CAE's ballot. 201 with the receipt (keep it: it is shown once); 409
    `already_voted`, `poll_closed`, `poll_not_open`; 403 `not_entitled`; 400 `invalid_choice`."""

    class InputSerializer(serializers.Serializer):
        organisation = serializers.IntegerField(min_value=1)
        choice = serializers.JSONField(allow_null=True)
        paper = serializers.BooleanField(required=False, default=False)
        request_id = serializers.CharField(
            max_length=64, required=False, allow_null=True, default=None
        )

    class OutputSerializer(serializers.Serializer):
        poll = serializers.IntegerField()
        organisation = serializers.IntegerField()
        receipt = serializers.CharField()
        seq = serializers.IntegerField()
        paper = serializers.BooleanField()
        request_id = serializers.CharField(allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description="invalid_choice, invalid"),
            403: OpenApiResponse(description="not_entitled, not_allowed"),
            409: OpenApiResponse(description="already_voted, poll_closed, poll_not_open"),
        },
    )
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.ballot_cast(poll=pk, actor=request.user, **data.validated_data)
        return Response(self.OutputSerializer(result).data, status=status.HTTP_201_CREATED)


def _results_visible(user, poll: Poll) -> bool:
    if poll.status == Poll.Status.PUBLISHED:
        return True
    return poll.status == Poll.Status.CLOSED and rules.can_manage_assemblies(user)


class ResultView(AssemblyAPIView):
    """Totals, outcome, quorum and participation; for named polls who voted what. Published
    results are for everyone signed in; the secretariat sees them from the close."""

    class OutputSerializer(serializers.Serializer):
        poll = serializers.JSONField()
        tally = serializers.JSONField()
        outcome = serializers.JSONField()
        participation = serializers.JSONField()
        quorum_reached = serializers.BooleanField()
        votes = serializers.JSONField()
        ledger_head = serializers.CharField(
            help_text="Hash of the poll's last ledger entry: "
            "`manage.py verify_poll <id> --head <ledger_head>` checks the chain ends there."
        )

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, pk):
        poll = self.get_poll(pk)
        if not _results_visible(request.user, poll):
            raise NotAllowed(_("Les résultats ne sont pas encore publiés."), code="not_published")
        payload = selectors.poll_result(poll)
        payload["votes"] = [
            {
                "organisation": v["organisation"].pk,
                "organisation_name": v["organisation"].name,
                "choice": v["choice"],
                "weight": v["weight"],
                "paper": v["paper"],
                "via_proxy": v["via_proxy"],
            }
            for v in selectors.named_votes(poll)
        ]
        payload["ledger_head"] = selectors.ledger_head(poll)
        return Response(payload)


class ReceiptCheckView(AssemblyAPIView):
    """Check that the ballot of a receipt is counted. Named poll: as what. Secret poll: only
    that it is counted and sealed in the ledger whose head hash is `ledger_head` (`choice` and
    `weight` null), so that the receipt proves no choice to anyone else."""

    class InputSerializer(serializers.Serializer):
        receipt = serializers.CharField(max_length=100)

    class OutputSerializer(serializers.Serializer):
        counted = serializers.BooleanField()
        receipt_hash = serializers.CharField()
        secret = serializers.BooleanField()
        choice = serializers.JSONField(allow_null=True)
        weight = serializers.CharField(allow_null=True)
        ledger_head = serializers.CharField(allow_null=True)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request, pk):
        poll = self.get_poll(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if poll.status != Poll.Status.PUBLISHED:
            raise Conflict(_("Les résultats ne sont pas encore publiés."), code="not_published")
        check = selectors.receipt_check(poll, data.validated_data["receipt"])
        return Response(self.OutputSerializer(check).data)


# --- Minutes and exports --------------------------------------------------------------------


class MinutesView(AssemblyAPIView):
    """The procès-verbal as a Markdown file."""

    @extend_schema(responses={(200, "text/markdown"): OpenApiTypes.STR})
    def get(self, request, pk):
        assembly = self.get_assembly(pk)
        response = HttpResponse(
            minutes.minutes_markdown(
                assembly, include_unpublished=rules.can_manage_assemblies(request.user)
            ),
            content_type="text/markdown; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="pv-{assembly.slug}.md"'
        return response


class ExportView(AssemblyAPIView):
    """CSV exports: `attendance.csv` or `polls.csv`."""

    export = ""
    builders = {"attendance": minutes.attendance_csv, "polls": minutes.polls_csv}

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        assembly = self.get_assembly(pk)
        response = HttpResponse(
            self.builders[self.export](
                assembly, include_unpublished=rules.can_manage_assemblies(request.user)
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{assembly.slug}-{self.export}.csv"'
        )
        return response


class BallotsExportView(AssemblyAPIView):
    """`ballots.csv`: who voted what, for named polls once the results are visible. A secret
    poll publishes its totals only: 404 `secret_ballots_not_published`."""

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            404: OpenApiResponse(description="secret_ballots_not_published"),
        }
    )
    def get(self, request, pk):
        poll = self.get_poll(pk)
        if not _results_visible(request.user, poll):
            raise NotAllowed(_("Les résultats ne sont pas encore publiés."), code="not_published")
        if poll.secret:
            raise NotFound(
                _("Un vote secret ne publie que ses totaux : aucune liste de bulletins."),
                code="secret_ballots_not_published",
            )
        response = HttpResponse(minutes.ballots_csv(poll), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="vote-{poll.pk}-bulletins.csv"'
        return response
