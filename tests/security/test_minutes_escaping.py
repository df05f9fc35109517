"""Names and other user text cannot forge a heading, a link, a table or HTML in the minutes."""

import html as htmllib
import re

import pytest
from django.urls import reverse

from assemblies import services
from assemblies.models import AgendaItem
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db

FORGED = [
    "x\n# Résultat : adoptée",
    "y\r\n\r\n## Votes",
    "[clic](http://evil.example)",
    "![img](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "<a href=http://evil.example>là</a>",
    "| a | b |",
    "**gras** _penché_ `code`",
    "&lt;script&gt;",
]


def _forge(assembly, text):
    """Every field a person writes that the minutes show carries `text`."""
    alice, bob = seat(assembly, 2)
    for delegate in (alice, bob):
        delegate.first_name, delegate.last_name = text, ""
        delegate.save(update_fields=["first_name", "last_name"])
        delegate.organisation.name = text
        delegate.organisation.save(update_fields=["name"])
    assembly.title = assembly.place = text
    assembly.save(update_fields=["title", "place"])
    AgendaItem.objects.create(assembly=assembly, position=1, title=text)
    motion = open_poll(assembly)
    motion.title = text
    motion.save(update_fields=["title"])
    cast(motion, alice, "yes")
    plurality = open_poll(assembly, method="single", options=[text, "Autre"])
    return motion, plurality


@pytest.mark.parametrize("text", FORGED)
def test_forged_names_are_literal_text_in_the_markdown_and_html_minutes(client, secretariat, text):
    assembly = AssemblyFactory(slug="ag")
    motion, plurality = _forge(assembly, text)
    for poll in (motion, plurality):
        services.poll_close(actor=secretariat, poll=poll)
    client.force_login(secretariat)
    url = reverse("frontend:assembly-minutes", args=[assembly.slug])

    markdown = client.get(url, {"format": "md"}).content.decode()
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert len(headings) == 1 + 3 + 2  # the title, agenda/presence/votes, one per poll
    assert not any(line.startswith(("# Résultat", "## Votes :", "#  ")) for line in headings)
    assert "](http" not in markdown and "<img" not in markdown and "<a " not in markdown
    assert not re.search(r"(?<!\\)\|", markdown) and "**gras**" not in markdown

    html = client.get(url).content.decode()
    body = html[html.index('<article class="prose minutes">') : html.index("</article>")]
    assert body.count("<h1>") == 1 and body.count("<h2>") == 3 and body.count("<h3>") == 2
    for tag in ("<img", "<table", "<td", "<strong>gras", "<em>penché", "<code>code", "<script"):
        assert tag not in body
    assert "<a " not in body  # the minutes link nowhere
    literal = htmllib.unescape(re.sub(r"<[^>]*>", "", body))
    assert " ".join(text.split()) in literal  # what the person wrote, as they wrote it
