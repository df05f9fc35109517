import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium_through_daphne(new_page, member):
    page = new_page(member)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert member.display_name in page.locator(".whoami").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("link", name="Home").is_visible()
