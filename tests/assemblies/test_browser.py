import re

import pytest

from assemblies.models import Ballot
from tests.assemblies.factories import AssemblyFactory, open_poll, seat

pytestmark = pytest.mark.browser


def test_a_delegate_votes_from_a_phone_sized_page(new_page, secretariat):
    assembly = AssemblyFactory(title="États généraux", slug="eg")
    (delegate,) = seat(assembly, 1, teller=secretariat)
    poll = open_poll(
        assembly, teller=secretariat, method="judgment", options=["Informel", "Fédération"]
    )
    page = new_page(delegate, phone=True)
    page.goto("/assemblees/")
    page.get_by_role("link", name="États généraux").click()
    page.wait_for_url("**/assemblees/eg/")
    assert page.locator('[data-live="quorum"]').inner_text() == "atteint"
    page.get_by_role("link", name="Vote judgment").click()
    page.wait_for_url(f"**/votes/{poll.pk}/")
    page.get_by_role("group", name="Informel").get_by_label("plutôt défavorable").check()
    page.get_by_role("group", name="Fédération").get_by_label("très favorable").check()
    button = page.get_by_role("button", name=f"Voter pour {delegate.organisation.name}")
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # a wide, thumb-sized button
    button.click()
    page.wait_for_url(f"**/votes/{poll.pk}/")
    assert re.search(r"Votre reçu, à conserver : \S{20,}", page.get_by_role("status").inner_text())
    assert page.get_by_text("Cette CAE a voté.").is_visible()
    assert page.locator('[data-live-poll] [data-live="ballots"]').inner_text() == "1"
    assert Ballot.objects.get(poll=poll).choice == {
        str(poll.options.get(position=1).pk): "plutot_defavorable",
        str(poll.options.get(position=2).pk): "tres_favorable",
    }
