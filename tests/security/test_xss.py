"""XSS: every payload of xss_payloads.txt, stored in every text field on main, is never
executed in Chromium and is shown as text (tests/security/xss.py).

One line per field in XSS_TARGETS; the fields of the areas merged later are added the same way.
"""

import csv
import html
import io
import math
from functools import partial
from urllib.parse import quote

import pytest
from django.test import Client

from alliance.importing import import_organisations, parse_organisations
from frontend.views.directory import PAGE_SIZE
from tests.factories import OrganisationFactory, SteeringCommitteeFactory, UserFactory
from tests.security.xss import FIND_INJECTIONS, PAYLOADS, Visit, XSSTarget, check_target


def directory_pages(count: int) -> list[Visit]:
    return [Visit(f"/annuaire/?page={n}") for n in range(1, math.ceil(count / PAGE_SIZE) + 1)]


def organisation_names(payloads):
    organisations = [
        OrganisationFactory(name=payload, slug=f"xss-name-{i}")
        for i, payload in enumerate(payloads)
    ]
    return directory_pages(len(payloads)) + [Visit(o.get_absolute_url()) for o in organisations]


def organisation_cities(payloads):
    organisations = [
        OrganisationFactory(name=f"CAE {i:03}", slug=f"xss-city-{i}", city=payload)
        for i, payload in enumerate(payloads)
    ]
    return directory_pages(len(payloads)) + [Visit(o.get_absolute_url()) for o in organisations]


def csv_import(payloads):
    """Name and city through the CSV import (alliance/importing.py), as the command reads it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slug", "name", "city"])
    for i, payload in enumerate(payloads):
        writer.writerow([f"xss-import-{i}", payload, payload])
    import_organisations(parse_organisations(out.getvalue().encode()))
    return directory_pages(len(payloads)) + [
        Visit(f"/annuaire/xss-import-{i}/") for i in range(len(payloads))
    ]


def people_in_the_directory(payloads):
    organisation = OrganisationFactory(slug="xss-people")
    for payload in payloads:
        UserFactory(organisation=organisation, first_name="", last_name=payload)
    return [Visit("/annuaire/xss-people/", viewer=UserFactory())]


def people_in_their_header_and_profile(payloads):
    organisation = OrganisationFactory(slug="xss-header")
    people = [UserFactory(organisation=organisation, first_name=p, last_name="") for p in payloads]
    return [Visit("/profil/", viewer=person) for person in people]


def login_next_parameter(payloads):
    return [Visit(f"/connexion/?next={quote(payload)}") for payload in payloads]


def directory_search_query(payloads):
    return [Visit(f"/annuaire/?q={quote(payload)}") for payload in payloads]


def proposals_by_the_steering_committee(payloads, *, field):
    from proposals.scenarios.services import proposal_create

    author = SteeringCommitteeFactory()
    for i, payload in enumerate(payloads):
        values = {"title": f"Proposition {i:03}", "body": f"Texte {i}"} | {field: payload}
        proposal_create(actor=author, by_steering_committee=True, slug=f"xss-{i}", **values)
    pages = [Visit(f"/propositions/xss-{i}/", viewer=author) for i in range(len(payloads))]
    return [Visit("/propositions/", viewer=author), *pages]


def documents_of_the_steering_committee(payloads, *, field):
    from documents.services import document_create

    author = SteeringCommitteeFactory()
    for i, payload in enumerate(payloads):
        values = {"title": f"Document {i:03}", "body": f"Texte {i}"} | {field: payload}
        document_create(actor=author, slug=f"xss-{i}", **values)
    pages = [Visit(f"/documents/xss-{i}/", viewer=author) for i in range(len(payloads))]
    return [Visit("/documents/", viewer=author), *pages]


def workshop_notes(payloads):
    from proposals.models.scenarios import ProposalStatus
    from proposals.scenarios.services import (
        proposal_create,
        proposal_set_status,
        workshop_note_create,
    )

    steering = SteeringCommitteeFactory()
    proposal = proposal_create(
        actor=steering, title="Atelier", body="Texte", by_steering_committee=True, slug="xss"
    )
    proposal_set_status(actor=steering, proposal=proposal, status=ProposalStatus.OPEN)
    member = UserFactory()
    for i, payload in enumerate(payloads):
        kinds = ["brake", "fear", "lever", "strength"]
        workshop_note_create(actor=member, proposal=proposal, kind=kinds[i % 4], text=payload)
    return [Visit("/propositions/xss/atelier/", viewer=member)]


def _open_proposal(slug: str):
    from proposals.models.scenarios import ProposalStatus
    from proposals.scenarios.services import proposal_create, proposal_set_status

    steering = SteeringCommitteeFactory()
    proposal = proposal_create(
        actor=steering, title="Débat", body="Texte", by_steering_committee=True, slug=slug
    )
    return proposal_set_status(actor=steering, proposal=proposal, status=ProposalStatus.OPEN)


def debate_comments(payloads):
    """Comments are Markdown: a payload may become a harmless link, so only non-execution."""
    from deliberation.services import comment_create

    proposal = _open_proposal("xss-debate")
    member = UserFactory()
    for payload in payloads:
        comment = comment_create(author=member, target=proposal, body=payload)
    thread = comment.thread_id
    pages = math.ceil(len(payloads) / 50)
    return [Visit("/propositions/xss-debate/", viewer=member)] + [
        Visit(f"/debats/{thread}/?debat-page={n}", viewer=member) for n in range(1, pages + 1)
    ]


def amendment_rationales(payloads):
    from proposals.scenarios.services import amendment_create

    proposal = _open_proposal("xss-amendments")
    member = UserFactory()
    amendments = [
        amendment_create(
            actor=member, proposal=proposal, replacement_text=f"Texte {i}", rationale=p
        )
        for i, p in enumerate(payloads)
    ]
    return [Visit("/propositions/xss-amendments/", viewer=member)] + [
        Visit(f"/propositions/xss-amendments/amendements/{a.pk}/", viewer=member)
        for a in amendments
    ]


def assembly_titles_and_poll_options(payloads):
    import datetime

    from assemblies.services import assembly_create, poll_create
    from tests.factories import SecretariatFactory

    secretariat = SecretariatFactory()
    visits = [Visit("/assemblees/", viewer=secretariat)]
    for i, payload in enumerate(payloads):
        assembly = assembly_create(
            actor=secretariat,
            title=payload,
            slug=f"xss-{i}",
            starts_on=datetime.date(2018, 9, 13),
            ends_on=datetime.date(2018, 9, 14),
        )
        poll = poll_create(
            actor=secretariat, assembly=assembly, title=payload, method="single",
            options=[payload, f"Option {i}"],
        )  # fmt: skip
        visits += [
            Visit(f"/assemblees/xss-{i}/", viewer=secretariat),
            Visit(f"/votes/{poll.pk}/", viewer=secretariat),
        ]
    return visits


def consultation_axes(payloads):
    import datetime

    from django.utils import timezone

    from proposals.consultation.services import consultation_create

    now = timezone.now()
    steering = SteeringCommitteeFactory()
    consultation_create(
        actor=steering,
        title="Consultation",
        slug="xss-axes",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        axes=[f"{i:02} {payload}" for i, payload in enumerate(payloads)],
    )
    return [
        Visit("/consultations/xss-axes/", viewer=steering),
        Visit("/consultations/xss-axes/resultats/", viewer=steering),
    ]


XSS_TARGETS = [
    XSSTarget("directory: organisation name (model)", organisation_names),
    XSSTarget("directory: organisation city (model)", organisation_cities),
    XSSTarget("directory: organisation name and city (CSV import)", csv_import),
    XSSTarget("directory: people's names on a CAE's page", people_in_the_directory),
    XSSTarget("accounts: own name in the header and profile", people_in_their_header_and_profile),
    XSSTarget("login: the next parameter", login_next_parameter, shown_as_text=False),
    XSSTarget("directory: the search query", directory_search_query, shown_as_text=False),
    XSSTarget("proposals: title", partial(proposals_by_the_steering_committee, field="title")),
    XSSTarget(
        "proposals: body (Markdown)",
        partial(proposals_by_the_steering_committee, field="body"),
        shown_as_text=False,
    ),
    XSSTarget("proposals: workshop notes", workshop_notes),
    XSSTarget("documents: title", partial(documents_of_the_steering_committee, field="title")),
    XSSTarget(
        "documents: body (Markdown)",
        partial(documents_of_the_steering_committee, field="body"),
        shown_as_text=False,
    ),
    XSSTarget("debate: comments (Markdown)", debate_comments, shown_as_text=False),
    XSSTarget("proposals: amendment rationales", amendment_rationales),
    XSSTarget("assemblies: titles and poll options", assembly_titles_and_poll_options),
    XSSTarget("consultation: axes", consultation_axes),
]


def test_there_are_at_least_fifty_payloads_each_with_a_marker():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for payload in PAYLOADS:
        marker = html.unescape(payload)
        assert "alert(1)" in marker or "data-xss" in marker, payload
        assert len(payload) <= 120, payload


@pytest.mark.browser
@pytest.mark.parametrize("target", XSS_TARGETS, ids=str)
def test_payloads_are_never_executed_and_are_shown_as_text(browser, live, target, capsys):
    figures = check_target(browser, live, target)
    with capsys.disabled():
        print(f"\n  XSS [{target}]: {figures['payloads']} payloads, {figures['pages']} pages")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["javascript:alert(1)", "//evil.example/", "http://evil.example/"]
)
def test_login_never_redirects_to_a_script_or_another_site(next_url):
    UserFactory(username="camille")
    response = Client().post(
        f"/connexion/?next={quote(next_url)}", {"username": "camille", "password": "demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.browser
def test_the_checker_sees_an_unescaped_payload(browser):
    """The checks above would fail if escaping broke: shown on a page that does not escape."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    unescaped = [p for p in PAYLOADS if p.startswith(("<img", "<svg onload", "<a href"))]
    page.set_content("<main>" + "".join(unescaped) + "</main>")
    page.wait_for_timeout(200)
    found = page.evaluate(FIND_INJECTIONS)
    context.close()
    assert dialogs
    assert any("onerror=" in f for f in found)
    assert any("javascript:" in f for f in found)
