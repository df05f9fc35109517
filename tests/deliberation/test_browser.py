"""Two people on the same thread in Chromium: what one writes appears for the other live."""

import pytest

from deliberation import services
from tests.deliberation.factories import a_thread

pytestmark = pytest.mark.browser

PAYLOAD = '<script>window.xss = 1</script><img src=x onerror="window.xss = 2"> Mon **avis**'


def test_a_comment_appears_for_the_other_person_without_reloading(new_page, member, delegate):
    thread = a_thread("Scénario inter-réseaux")
    url = f"/debats/{thread.pk}/"
    writer, reader = new_page(member), new_page(delegate)
    reader.goto(url)
    reader.wait_for_selector("[data-live-status][data-state=live]")
    reader.evaluate("window.notReloaded = true")

    writer.goto(url)
    writer.fill("#body-new", PAYLOAD)
    writer.select_option("#stance-new", "convergence")
    writer.get_by_role("button", name="Publier").click()
    writer.wait_for_selector(".comment__body strong")

    comment = reader.locator(".comment-item").filter(has_text="Mon avis")
    comment.wait_for()
    assert reader.evaluate("window.notReloaded") is True
    body = comment.locator(".comment__body").inner_text()
    assert "<script>window.xss = 1</script>" in body  # shown as text
    assert reader.evaluate("window.xss") is None
    assert comment.locator(".stance--convergence").is_visible()
    # the reader may react and reply to it, not edit it
    assert comment.locator(".reaction--agree").is_enabled()
    assert comment.get_by_role("link", name="Répondre").is_visible()
    assert not comment.get_by_role("link", name="Modifier").is_visible()

    writer.evaluate("window.notReloaded = true")
    comment.locator(".reaction--agree").click()
    reader.wait_for_selector(".reaction[aria-pressed=true]")
    own = writer.locator(".comment-item").filter(has_text="Mon avis")
    own.locator("[data-count=agree]").filter(has_text="1").wait_for()
    assert writer.evaluate("window.notReloaded") is True


def test_a_reply_is_inserted_under_its_parent_live(new_page, member, delegate):
    thread = a_thread("Scénario fédéral")
    first = services.comment_create(author=member, thread=thread, body="Premier")
    services.comment_create(author=member, thread=thread, body="Second")
    writer, reader = new_page(delegate, phone=True), new_page(member)
    reader.goto(f"/debats/{thread.pk}/")
    reader.wait_for_selector("[data-live-status][data-state=live]")
    writer.goto(f"/debats/{thread.pk}/")
    parent = writer.locator(f"#comment-{first.pk}")
    parent.get_by_role("link", name="Répondre").click()
    parent.locator("textarea[name=body]").fill("Une réponse au premier")
    parent.get_by_role("button", name="Répondre").click()
    reply = reader.locator(".comment-item--depth-1").filter(has_text="Une réponse au premier")
    reply.wait_for()
    order = reader.locator(".comment-item .comment__body").all_inner_texts()
    assert order == ["Premier", "Une réponse au premier", "Second"]
    reader.reload()  # the reply notified the author: the header counts it
    reader.locator("[data-unread-count]").filter(has_text="1").wait_for()
