"""The projector page and the live hooks of the assembly pages (server side)."""

import json
import re

import pytest
from django.urls import reverse

from assemblies import services
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly():
    return AssemblyFactory()


def projector_data(response) -> dict:
    match = re.search(
        r'<script id="projector-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_projector_shows_the_open_poll_with_its_tally_and_the_quorum(
    client, assembly, member, django_assert_num_queries
):
    alice, bob, _ = seat(assembly, 3)
    poll = open_poll(assembly, method="single", options=["Scénario A", "Scénario B"])
    option_a, option_b = poll.options.all()
    cast(poll, alice, option_a.pk)
    cast(poll, bob, None)
    client.force_login(member)
    url = reverse("frontend:assembly-projector", kwargs={"slug": assembly.slug})
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-assembly="{assembly.pk}"' in page
    assert "frontend/js/assemblies-live.js" in page and "frontend/js/projector.js" in page
    data = projector_data(response)
    assert data["poll"]["id"] == poll.pk
    assert data["poll"]["tally"]["totals"] == {
        str(option_a.pk): "1.00",
        str(option_b.pk): "0.00",
        "blank": "1.00",
    }
    assert data["entitled"] == 3
    assert data["outcome"] is None
    assert "<span data-projector-voted>2</span> / <span data-projector-entitled>3</span>" in page
    assert 'data-live="quorum" data-quorum-reached="true"' in page


def test_the_projector_shows_the_published_result_of_the_last_closed_poll(
    client, assembly, secretariat
):
    alice, bob = seat(assembly, 2)
    poll = open_poll(assembly, teller=secretariat)
    cast(poll, alice, "yes")
    cast(poll, bob, "yes")
    services.poll_close(actor=secretariat, poll=poll)
    services.poll_publish(actor=secretariat, poll=poll)
    client.force_login(secretariat)
    response = client.get(reverse("frontend:assembly-projector", kwargs={"slug": assembly.slug}))
    data = projector_data(response)
    assert data["poll"]["status"] == "published"
    assert data["outcome"]["adopted"] is True
    assert 'data-projector-outcome role="status">adoptée</p>' in response.content.decode()


def test_the_projector_without_any_poll_says_so(client, assembly, member):
    client.force_login(member)
    response = client.get(reverse("frontend:assembly-projector", kwargs={"slug": assembly.slug}))
    assert response.status_code == 200
    assert projector_data(response)["poll"] is None
    assert "Aucun vote en cours" in response.content.decode()


def test_the_projector_needs_a_signed_in_person(client, assembly):
    response = client.get(reverse("frontend:assembly-projector", kwargs={"slug": assembly.slug}))
    assert response.status_code == 302
    assert reverse("frontend:login") in response["Location"]


@pytest.mark.parametrize("page", ["assembly", "assembly-console", "poll", "assembly-projector"])
def test_live_pages_load_the_client_and_have_no_inline_script_or_style(
    client, assembly, secretariat, page
):
    seat(assembly, 1)
    poll = open_poll(assembly, teller=secretariat)
    client.force_login(secretariat)
    kwargs = {"pk": poll.pk} if page == "poll" else {"slug": assembly.slug}
    html = client.get(reverse(f"frontend:{page}", kwargs=kwargs)).content.decode()
    assert "frontend/js/assemblies-live.js" in html
    assert "data-live-status" in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) is None
    assert re.search(r"\sstyle=|\son[a-z]+=", html) is None
