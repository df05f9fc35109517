"""Who may do what in a debate; pages, API and consumers all ask these."""

from alliance import rules as alliance_rules
from deliberation import visibility


def can_read_debates(user) -> bool:
    """Debates show people's names: for signed-in people only."""
    return alliance_rules.can_view_people(user)


def can_see_object_of(user, thread) -> bool:
    """A debate inherits who may see its object (`deliberation.visibility`): the thread of a
    draft proposal is the steering committee's and its CAE's, like the draft. The synthesis,
    which shows no names, asks this alone."""
    return visibility.may_see_target_of(user, thread)


def can_read_thread(user, thread) -> bool:
    return can_read_debates(user) and can_see_object_of(user, thread)


def can_follow(user, target) -> bool:
    return can_read_debates(user) and visibility.may_see(user, target)


def can_take_part(user) -> bool:
    """Comment and react: people of a member CAE, and facilitators."""
    return alliance_rules.is_member(user) or alliance_rules.is_facilitator(user)


def can_edit_comment(user, comment) -> bool:
    return (
        alliance_rules.is_authenticated(user)
        and comment.author_id == user.pk
        and comment.is_visible
    )


def can_delete_comment(user, comment) -> bool:
    """Only the author withdraws a comment (moderators hide it instead)."""
    return alliance_rules.is_authenticated(user) and comment.author_id == user.pk


def can_moderate(user) -> bool:
    """The secretariat moderates debates."""
    return alliance_rules.is_secretariat(user)


def can_react_to(user, comment) -> bool:
    return can_take_part(user) and comment.is_visible and comment.author_id != user.pk
