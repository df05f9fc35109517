import pytest

from alliance.errors import InvalidInput, NotAllowed
from deliberation import services
from deliberation.models import CommentStatus
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_comment_is_written_for_the_authors_cae_and_sanitised(member):
    target = OrganisationFactory()  # any object can carry a thread
    comment = services.comment_create(
        author=member,
        target=target,
        body="Bonjour <script>alert(1)</script> **CAE**",
        stance="convergence",
    )
    assert comment.organisation == member.organisation
    assert "<script>" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html
    assert "<strong>CAE</strong>" in comment.body_html
    assert services.thread_for(target) == comment.thread


def test_a_reply_is_one_level_deeper(member):
    first = services.comment_create(author=member, target=OrganisationFactory(), body="Un")
    reply = services.comment_create(author=member, thread=first.thread, parent=first, body="Deux")
    assert reply.depth == 1


@pytest.mark.parametrize(
    ("body", "code"), [("   ", "comment_empty"), ("x" * 10_001, "comment_too_long")]
)
def test_bad_bodies_are_refused_with_a_code(member, body, code):
    with pytest.raises(InvalidInput) as error:
        services.comment_create(author=member, target=OrganisationFactory(), body=body)
    assert error.value.code == code


def test_no_reply_to_a_hidden_comment(member):
    first = services.comment_create(author=member, target=OrganisationFactory(), body="Un")
    first.status = CommentStatus.HIDDEN
    first.save()
    with pytest.raises(InvalidInput) as error:
        services.comment_create(author=member, thread=first.thread, parent=first, body="Deux")
    assert error.value.code == "parent_not_visible"


def test_people_outside_any_cae_cannot_comment(db):
    from tests.factories import UserFactory

    with pytest.raises(NotAllowed):
        services.comment_create(
            author=UserFactory(organisation=None), target=OrganisationFactory(), body="Hop"
        )
