"""Debate pages: recent threads, a thread, comment forms, search, moderation, notifications.

Forms post here and come back (to `next` when it is a local address, else the thread); a
refused action shows the service's translated message.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.errors import AllianceError
from deliberation import rules, selectors, services
from deliberation.models import Comment, NotificationFrequency, Stance, Thread
from frontend.templatetags.debate_tags import FOCUS_PARAMETER, PAGE_PARAMETER, panel_context

PAGE_SIZE = 30


def _back(request, fallback: str, *, comment_id: int | None = None):
    """Back to `next` (a local address: the thread or a page embedding it), on the debate page
    that holds `comment_id` and scrolled to it; else to `fallback`."""
    target = request.POST.get("next") or ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(fallback)
    if comment_id is None:
        return redirect(target)
    parts = urlsplit(target)
    query = [
        (k, v) for k, v in parse_qsl(parts.query) if k not in {FOCUS_PARAMETER, PAGE_PARAMETER}
    ]
    query.append((FOCUS_PARAMETER, str(comment_id)))
    return redirect(
        urlunsplit(parts._replace(query=urlencode(query), fragment=f"comment-{comment_id}"))
    )


def _thread_url(thread_id: int, comment_id: int | None = None) -> str:
    return services.thread_url(thread_id, comment_id)


def _run(request, action, *, success: str | None = None) -> bool:
    try:
        action()
    except AllianceError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _comment(user, comment_id: int) -> Comment:
    """A comment of a thread whose object `user` may see; any other is a 404, like an unknown
    one (a hidden object's debate does not exist for this person)."""
    visible = Comment.objects.filter(thread__in=selectors.visible_threads(user))
    return get_object_or_404(visible.select_related("thread"), pk=comment_id)


def _moderated(comment_id: int) -> Comment:
    """Any comment: moderators act on every debate."""
    return get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)


def _target_url(target) -> str:
    """The page of the debated object, if its area has one (yet)."""
    try:
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    except NoReverseMatch:
        return ""


# --- Reading ------------------------------------------------------------------------------------


@require_GET
def debates(request):
    page = Paginator(selectors.threads_recent(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "debates/index.html",
        {"page": page, "can_moderate": rules.can_moderate(request.user)},
    )


@login_required
@require_GET
def thread(request, thread_id: int):
    thread = get_object_or_404(Thread, pk=thread_id)
    if not rules.can_see_object_of(request.user, thread):
        raise Http404  # a hidden object's debate does not exist for this person
    context = panel_context(request, thread, next_url="")
    context["target_url"] = _target_url(thread.target)
    return render(request, "debates/thread.html", context)


@login_required
@require_GET
def comment_history(request, comment_id: int):
    comment = _comment(request.user, comment_id)
    if not comment.is_visible:
        raise PermissionDenied(_("Ce commentaire n'est plus affiché."))
    revisions = comment.revisions.select_related("edited_by")
    return render(request, "debates/history.html", {"comment": comment, "revisions": revisions})


@login_required
@require_GET
def search(request):
    text = request.GET.get("q", "").strip()
    results = selectors.search_comments(text, request.user)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")) if text else None
    return render(request, "debates/search.html", {"q": text, "page": page})


# --- Writing ------------------------------------------------------------------------------------


@login_required
@require_POST
def comment_post(request, thread_id: int):
    """A new comment, or a reply when the form carries `parent`."""
    thread = get_object_or_404(selectors.visible_threads(request.user), pk=thread_id)
    parent_id = request.POST.get("parent") or ""
    parent = None
    if parent_id:
        if parent_id.isdigit():
            parent = Comment.objects.filter(pk=parent_id, thread=thread).first()
        if parent is None:
            messages.error(request, _("Ce commentaire n'est pas dans ce fil."))
            return _back(request, _thread_url(thread.pk))
    try:
        comment = services.comment_create(
            author=request.user,
            thread=thread,
            parent=parent,
            body=request.POST.get("body", ""),
            stance=request.POST.get("stance") or Stance.NONE,
        )
    except AllianceError as error:
        messages.error(request, error.message)
        return _back(request, _thread_url(thread.pk))
    messages.success(request, _("Commentaire publié."))
    return _back(request, _thread_url(thread.pk, comment.pk), comment_id=comment.pk)


@login_required
def comment_edit(request, comment_id: int):
    comment = _comment(request.user, comment_id)
    if not rules.can_edit_comment(request.user, comment):
        raise PermissionDenied(_("Seul·e l'auteur·e peut modifier ce commentaire."))
    body, stance = comment.body, comment.stance
    if request.method == "POST":
        body, stance = request.POST.get("body", ""), request.POST.get("stance") or comment.stance

        def edit():
            services.comment_edit(editor=request.user, comment=comment, body=body, stance=stance)

        if _run(request, edit, success=_("Commentaire modifié.")):
            return redirect(_thread_url(comment.thread_id, comment.pk))
    return render(
        request,
        "debates/edit.html",
        {"comment": comment, "body_value": body, "stance_value": stance},
    )


@login_required
def comment_reply(request, comment_id: int):
    """The reply form on its own page (debates.js opens it inline instead)."""
    comment = _comment(request.user, comment_id)
    return render(
        request,
        "debates/reply.html",
        {"comment": comment, "next_url": _thread_url(comment.thread_id)},
    )


@login_required
def comment_delete(request, comment_id: int):
    comment = _comment(request.user, comment_id)
    if not rules.can_delete_comment(request.user, comment):
        raise PermissionDenied(_("Seul·e l'auteur·e peut supprimer ce commentaire."))
    if request.method == "POST":
        if _run(
            request,
            lambda: services.comment_delete(author=request.user, comment=comment),
            success=_("Commentaire supprimé."),
        ):
            return redirect(_thread_url(comment.thread_id, comment.pk))
    return render(request, "debates/delete.html", {"comment": comment})


def _reason_page(request, comment, *, act, title, button, success, danger=False):
    """A comment and a reason field: reporting, hiding, restoring."""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        if _run(request, lambda: act(reason), success=success):
            return _back(request, _thread_url(comment.thread_id, comment.pk), comment_id=comment.pk)
    return render(
        request,
        "debates/reason.html",
        {"comment": comment, "title": title, "button": button, "danger": danger},
    )


@login_required
@require_POST
def comment_react(request, comment_id: int):
    """One button per reaction; pressing one's current reaction again withdraws it."""
    comment = _comment(request.user, comment_id)
    kind = request.POST.get("kind", "")
    current = comment.reactions.filter(person=request.user).values_list("kind", flat=True).first()
    if current is not None and current == kind:
        _run(request, lambda: services.reaction_clear(person=request.user, comment=comment))
    else:
        _run(
            request,
            lambda: services.reaction_set(person=request.user, comment=comment, kind=kind),
        )
    return _back(request, _thread_url(comment.thread_id, comment.pk), comment_id=comment.pk)


@login_required
def comment_report(request, comment_id: int):
    comment = _comment(request.user, comment_id)
    return _reason_page(
        request,
        comment,
        act=lambda reason: services.comment_report(
            reporter=request.user, comment=comment, reason=reason
        ),
        title=_("Signaler un commentaire"),
        button=_("Signaler"),
        success=_("Merci : le secrétariat examinera ce commentaire."),
    )


@login_required
def comment_hide(request, comment_id: int):
    comment = _moderated(comment_id)
    if not rules.can_moderate(request.user):
        raise PermissionDenied(_("Seul le secrétariat modère les débats."))
    return _reason_page(
        request,
        comment,
        act=lambda reason: services.comment_hide(
            moderator=request.user, comment=comment, reason=reason
        ),
        title=_("Masquer un commentaire"),
        button=_("Masquer"),
        success=_("Commentaire masqué."),
        danger=True,
    )


@login_required
def comment_unhide(request, comment_id: int):
    comment = _moderated(comment_id)
    if not rules.can_moderate(request.user):
        raise PermissionDenied(_("Seul le secrétariat modère les débats."))
    return _reason_page(
        request,
        comment,
        act=lambda reason: services.comment_unhide(
            moderator=request.user, comment=comment, reason=reason
        ),
        title=_("Rétablir un commentaire"),
        button=_("Rétablir"),
        success=_("Commentaire rétabli."),
    )


@login_required
@require_POST
def reports_dismiss(request, comment_id: int):
    comment = _moderated(comment_id)
    _run(
        request,
        lambda: services.reports_dismiss(
            moderator=request.user, comment=comment, reason=request.POST.get("reason", "")
        ),
        success=_("Signalements classés."),
    )
    return redirect("frontend:moderation")


@login_required
@require_POST
def thread_follow(request, thread_id: int):
    thread = get_object_or_404(selectors.visible_threads(request.user), pk=thread_id)
    target = thread.target
    if target is None:
        messages.error(request, _("Ce débat n'est rattaché à rien qu'on puisse suivre."))
    elif request.POST.get("follow") == "1":
        _run(request, lambda: services.follow(person=request.user, target=target))
    else:
        _run(request, lambda: services.unfollow(person=request.user, target=target))
    return _back(request, _thread_url(thread.pk))


# --- Moderation -----------------------------------------------------------------------------------


@login_required
@require_GET
def moderation(request):
    if not rules.can_moderate(request.user):
        raise PermissionDenied(_("Seul le secrétariat modère les débats."))
    return render(
        request,
        "debates/moderation.html",
        {
            "reports": selectors.open_reports(),
            "actions": selectors.moderation_log()[:100],
        },
    )


# --- Notifications ------------------------------------------------------------------------------


@login_required
def notifications(request):
    if request.method == "POST":
        frequency = request.POST.get("email_frequency", "")
        _run(
            request,
            lambda: services.notification_preference_set(
                person=request.user, email_frequency=frequency
            ),
            success=_("Préférence enregistrée."),
        )
        return redirect("frontend:notifications")
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "debates/notifications.html",
        {
            "page": page,
            "frequency": selectors.email_frequency_of(request.user),
            "frequencies": NotificationFrequency.choices,
        },
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification read (and, with `open`, go where it points) or all of them."""
    raw = request.POST.get("id", "")
    if not raw.isdigit():
        services.notifications_mark_read(person=request.user)
        messages.success(request, _("Toutes les notifications sont marquées comme lues."))
        return redirect("frontend:notifications")
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=int(raw))
    services.notifications_mark_read(person=request.user, ids=[notification.pk])
    local = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if request.POST.get("open") and local:
        return redirect(notification.url)
    return redirect("frontend:notifications")
