"""Reads of the debate, shaped for a page or an endpoint, each in a constant number of queries."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from deliberation import rules, visibility
from deliberation.models import (
    Comment,
    CommentStatus,
    Follow,
    ModerationAction,
    Notification,
    NotificationFrequency,
    NotificationPreference,
    Reaction,
    Report,
    Thread,
)

# Replies deeper than this are shown at this indentation, with "en réponse à ...".
MAX_INDENT = 4
ROOTS_PER_PAGE = 50
SEARCH_MAX_LENGTH = 200


def visible_threads(viewer) -> QuerySet[Thread]:
    """The threads whose object `viewer` may see (one filter, no per-row check)."""
    return Thread.objects.filter(visibility.visible_q(viewer))


def threads_recent(viewer) -> QuerySet[Thread]:
    """Threads `viewer` may see with their number of visible comments, the most recently
    active first."""
    return (
        visible_threads(viewer)
        .annotate(
            comment_count=Count("comments", filter=Q(comments__status=CommentStatus.VISIBLE)),
            last_activity=Max("comments__created_at"),
        )
        .filter(comment_count__gt=0)
        .order_by("-last_activity", "-pk")
    )


def thread_comments(thread_id: int) -> QuerySet[Comment]:
    """A thread's comments in order of writing, with what each one shows (3 queries with the
    networks prefetch, whatever the page size)."""
    return Comment.objects.for_display().filter(thread_id=thread_id).order_by("created_at", "pk")


def subtrees(comments: list[Comment]) -> list[list[Comment]]:
    """One list per top-level comment: it and its replies, depth first (each reply right
    after its parent and that parent's earlier replies)."""
    children: dict[int | None, list[Comment]] = {}
    known = {c.pk for c in comments}
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in known else None
        children.setdefault(parent, []).append(comment)
    trees = []
    for root in children.get(None, []):
        tree, stack = [], [root]
        while stack:
            comment = stack.pop()
            tree.append(comment)
            stack.extend(reversed(children.get(comment.pk, [])))
        trees.append(tree)
    return trees


def decorate_for_viewer(comments: list[Comment], viewer, *, open_thread=True) -> list[Comment]:
    """Attach what the page shows per comment for this viewer (one query for their reactions,
    whose rows are few: one per comment at most)."""
    mine = {}
    if viewer is not None and viewer.is_authenticated and comments:
        mine = dict(
            Reaction.objects.filter(
                person=viewer, comment__thread_id=comments[0].thread_id
            ).values_list("comment_id", "kind")
        )
    takes_part = rules.can_take_part(viewer)
    moderator = rules.can_moderate(viewer)
    viewer_id = getattr(viewer, "pk", None)
    for comment in comments:
        own = comment.author_id == viewer_id
        comment.display_depth = min(comment.depth, MAX_INDENT)
        comment.reply_to = (
            comment.parent.author if comment.depth > MAX_INDENT and comment.parent else None
        )
        comment.my_reaction = mine.get(comment.pk)
        comment.viewer_can_edit = rules.can_edit_comment(viewer, comment)
        comment.viewer_can_react = rules.can_react_to(viewer, comment)
        comment.viewer_can_reply = takes_part and comment.is_visible and open_thread
        comment.viewer_can_report = viewer_id is not None and not own and comment.is_visible
        comment.viewer_can_moderate = moderator
    return comments


@dataclass
class ThreadPage:
    """One page of a thread: `ROOTS_PER_PAGE` top-level comments with all their replies."""

    comments: list[Comment]
    number: int
    num_pages: int
    visible_count: int
    last_comment_id: int

    @property
    def is_last(self) -> bool:
        return self.number == self.num_pages


def thread_page(thread: Thread, viewer, *, page=1, focus: int | None = None) -> ThreadPage:
    """The page `page` of the thread (or the one holding comment `focus`), decorated for the
    viewer. The page is chosen on every comment's id, parent and status; only its comments are
    loaded whole (authors, CAEs, networks, reaction counts): loading all of them cost two
    thirds of a 1,000-comment page (docs/PERFORMANCE.md)."""
    comments = list(
        Comment.objects.filter(thread_id=thread.pk)
        .order_by("created_at", "pk")
        .only("parent_id", "status")
    )
    trees = subtrees(comments)
    num_pages = max(1, -(-len(trees) // ROOTS_PER_PAGE))
    number = _page_number(page, num_pages)
    if focus is not None:
        for index, tree in enumerate(trees):
            if any(c.pk == focus for c in tree):
                number = index // ROOTS_PER_PAGE + 1
                break
    start = (number - 1) * ROOTS_PER_PAGE
    shown_ids = [c.pk for tree in trees[start : start + ROOTS_PER_PAGE] for c in tree]
    loaded = thread_comments(thread.pk).filter(pk__in=shown_ids).in_bulk()
    shown = [loaded[pk] for pk in shown_ids if pk in loaded]
    return ThreadPage(
        comments=decorate_for_viewer(shown, viewer, open_thread=thread.is_open),
        number=number,
        num_pages=num_pages,
        visible_count=sum(1 for c in comments if c.is_visible),
        last_comment_id=max((c.pk for c in comments), default=0),
    )


def _page_number(page, num_pages: int) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def comment_for_display(comment_id: int) -> Comment:
    comment = Comment.objects.for_display().get(pk=comment_id)
    return decorate_for_viewer([comment], None)[0]


def is_following(person, target) -> bool:
    if person is None or not person.is_authenticated:
        return False
    return Follow.objects.filter(
        person=person,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    ).exists()


def follows_of(person) -> QuerySet[Follow]:
    return Follow.objects.filter(person=person).select_related("content_type").order_by("-pk")


# --- Search -----------------------------------------------------------------------------------


def _search_postgres(queryset: QuerySet[Comment], text: str) -> QuerySet[Comment]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("body", config="french")
    query = SearchQuery(text, config="french", search_type="websearch")
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .order_by("-rank", "-created_at", "-pk")
    )


def _search_simple(queryset: QuerySet[Comment], text: str) -> QuerySet[Comment]:
    condition = Q()
    for word in text.split():
        condition &= Q(body__icontains=word)
    return queryset.filter(condition).order_by("-created_at", "-pk")


SEARCH_BACKENDS = {"postgresql": _search_postgres}


def search_comments(text: str, viewer) -> QuerySet[Comment]:
    """Visible comments matching `text` in the threads `viewer` may see: French full text on
    PostgreSQL, words on SQLite."""
    text = (text or "").strip()[:SEARCH_MAX_LENGTH]
    queryset = (
        Comment.objects.filter(status=CommentStatus.VISIBLE)
        .filter(visibility.visible_q(viewer, prefix="thread__"))
        .select_related("author", "organisation", "thread")
        .prefetch_related("organisation__networks")
    )
    if not text:
        return queryset.none()
    backend = SEARCH_BACKENDS.get(connection.vendor, _search_simple)
    return backend(queryset, text)


# --- Notifications and moderation --------------------------------------------------------------


def notifications_of(person) -> QuerySet[Notification]:
    """The person's notifications, but those about an object they may no longer see (a
    document sent back to draft): a notification follows its object too."""
    return Notification.objects.filter(recipient=person).filter(
        Q(content_type__isnull=True) | visibility.visible_q(person)
    )


def unread_count(person) -> int:
    return notifications_of(person).filter(read_at=None).count()


def email_frequency_of(person) -> str:
    preference = NotificationPreference.objects.filter(person=person).first()
    return preference.email_frequency if preference else NotificationFrequency.DAILY


def open_reports() -> QuerySet[Report]:
    return (
        Report.objects.filter(resolved_at=None)
        .select_related("reporter", "comment__author", "comment__organisation", "comment__thread")
        .order_by("comment_id", "created_at")
    )


def moderation_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related("moderator", "comment__thread")
