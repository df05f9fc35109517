import re

import pytest

from alliance import demo
from alliance.models import Organisation

pytestmark = pytest.mark.browser


def test_demo_delegate_signs_in_filters_the_directory_and_switches_to_english(new_page):
    demo.load()
    in_copea = Organisation.objects.filter(networks__slug="copea", active=True)
    outside_copea = Organisation.objects.exclude(networks__slug="copea").first()
    page = new_page()

    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill("delegue")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Dominique Délégué" in page.locator(".whoami").inner_text()

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Annuaire"
    ).click()
    page.wait_for_url("**/annuaire/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Annuaire des CAE"
    assert page.get_by_role("status").inner_text() == "75 CAE trouvées"

    page.get_by_label("Réseau", exact=True).select_option(label="Copéa")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/annuaire/?*network=copea*")
    status = page.get_by_role("status")
    assert status.inner_text() == f"{in_copea.count()} CAE trouvées"
    rows = page.locator(".directory-table tbody tr")
    assert rows.count() == in_copea.count()
    assert page.get_by_role("link", name=in_copea.first().name, exact=True).is_visible()
    assert page.get_by_role("link", name=outside_copea.name, exact=True).count() == 0

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", level=1).inner_text() == "CAE directory"
    assert page.get_by_role("status").inner_text() == f"{in_copea.count()} CAEs found"
    assert page.get_by_label("Network", exact=True).input_value() == "copea"  # the filter survives
    assert page.locator(".directory-table tbody tr").count() == in_copea.count()
