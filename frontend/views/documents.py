"""Pages of the steering committee's documents: list, reading, editor, versions, review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.errors import AllianceError, NotFound
from alliance.rules import can_view_people
from alliance.textdiff import diff_stats, word_diff, word_diff_html
from documents import exports, selectors, services
from documents.downloads import attachment_response
from documents.forms import (
    AnswerForm,
    AttachmentForm,
    DocumentCreateForm,
    DocumentEditForm,
    RemarkForm,
    TransitionForm,
)
from documents.models import DocumentRevision, DocumentStatus, Remark
from documents.rules import can_manage_documents, can_remark
from documents.services import TRANSITIONS


def _document(request, slug):
    document = selectors.document_by_slug(request.user, slug)
    if document is None:
        raise Http404(_("Document introuvable."))
    return document


def _require_committee(request):
    if not can_manage_documents(request.user):
        raise PermissionDenied


def _error(request, error: AllianceError):
    messages.error(request, error.message)


def _transitions_for(document) -> list[dict]:
    """The workflow buttons the committee sees, in a fixed order."""
    labels = {
        DocumentStatus.IN_REVIEW: _("Ouvrir la relecture"),
        DocumentStatus.DRAFT: _("Remettre en brouillon"),
        DocumentStatus.PUBLISHED: _("Publier"),
        DocumentStatus.SUPERSEDED: _("Marquer comme remplacé"),
        DocumentStatus.ARCHIVED: _("Archiver"),
    }
    allowed = TRANSITIONS[document.status]
    return [{"to": to, "label": labels[to]} for to in labels if to in allowed]


def _target_of(document) -> dict | None:
    """What the document belongs to (say a proposal), with its page when it has one."""
    target = document.target if document.target_id else None
    if target is None:
        return None
    try:
        url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    except NoReverseMatch:
        url = ""
    return {"label": str(target), "url": url}


@require_GET
def document_list(request):
    documents = selectors.documents_for(request.user).order_by("status", "title")
    return render(
        request,
        "documents/list.html",
        {"documents": documents, "can_manage": can_manage_documents(request.user)},
    )


@require_http_methods(["GET", "POST"])
def document_create(request):
    _require_committee(request)
    form = DocumentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=request.user, **form.cleaned_data)
        except AllianceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Brouillon créé."))
            return redirect("frontend:document_edit", slug=document.slug)
    return render(request, "documents/create.html", {"form": form})


@require_GET
def document_detail(request, slug):
    document = _document(request, slug)
    try:
        number = selectors.parse_number(request.GET.get("version"))
    except AllianceError as error:
        raise Http404(error.message) from None
    text = selectors.reading_text(request.user, document, number=number)
    if number is not None and text is None:
        raise Http404(_("Cette version n'existe pas."))
    can_manage = can_manage_documents(request.user)
    context = {
        "document": document,
        "target": _target_of(document),
        "text": text,
        "versions": selectors.versions_of(document),
        "attachments": selectors.attachments_of(document),
        "transitions": document.transitions.select_related("by", "version"),
        "can_manage": can_manage,
        "workflow": _transitions_for(document) if can_manage else [],
        "transition_form": TransitionForm(),
        "attachment_form": AttachmentForm(),
        "can_view_people": can_view_people(request.user),
    }
    return render(request, "documents/detail.html", context)


@require_GET
def document_export(request, slug, fmt):
    document = _document(request, slug)
    try:
        return exports.export_response(request.user, document, fmt, request.GET.get("version"))
    except AllianceError as error:
        raise Http404(error.message) from None


@require_http_methods(["GET", "POST"])
def document_edit(request, slug):
    _require_committee(request)
    document = _document(request, slug)
    conflict = None
    if request.method == "POST":
        form = DocumentEditForm(request.POST)
        if form.is_valid():
            try:
                services.document_update(
                    actor=request.user,
                    document=document,
                    base_revision=form.cleaned_data["revision"],
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data["title"],
                )
            except AllianceError as error:
                if error.code != "edit_conflict":
                    form.add_error(None, error.message)
                else:
                    conflict = _conflict_context(document, form, error)
                    form = DocumentEditForm(
                        initial={
                            "title": form.cleaned_data["title"],
                            "body": form.cleaned_data["body"],
                            "revision": error.details["current_revision"],
                        }
                    )
            else:
                messages.success(request, _("Brouillon enregistré."))
                return redirect("frontend:document_edit", slug=document.slug)
    else:
        form = DocumentEditForm(
            initial={"title": document.title, "body": document.body, "revision": document.revision}
        )
    return render(
        request,
        "documents/edit.html",
        {
            "document": document,
            "form": form,
            "conflict": conflict,
            "editable": document.status == DocumentStatus.DRAFT,
            "revisions": document.revisions.select_related("author").order_by("-pk")[:20],
        },
    )


def _conflict_context(document, form, error) -> dict:
    started = DocumentRevision.objects.filter(
        document=document, number=form.cleaned_data["revision"], conflicted=False
    ).first()
    started_body = started.body if started else ""
    return {
        "message": error.message,
        "diff_html": word_diff_html(started_body, error.details["current_body"]),
        "current_revision": error.details["current_revision"],
    }


@require_POST
def document_transition(request, slug):
    _require_committee(request)
    document = _document(request, slug)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Date de fin de relecture invalide."))
    else:
        try:
            services.document_transition(actor=request.user, document=document, **form.cleaned_data)
        except AllianceError as error:
            _error(request, error)
        else:
            document.refresh_from_db()
            messages.success(
                request,
                _("Le document est maintenant : %(status)s.")
                % {"status": document.get_status_display()},
            )
    return redirect(document)


@require_GET
def document_versions(request, slug):
    document = _document(request, slug)
    versions = selectors.versions_of(document)
    diff = None
    if len(versions) >= 1:
        try:
            old, new = selectors.versions_pair(
                document, request.GET.get("de"), request.GET.get("a")
            )
        except AllianceError as error:
            messages.error(request, error.message)
        else:
            diff = {
                "old": old,
                "new": new,
                "html": word_diff_html(old.body, new.body),
                "stats": diff_stats(word_diff(old.body, new.body)),
            }
    return render(
        request,
        "documents/versions.html",
        {
            "document": document,
            "versions": versions,
            "diff": diff,
            "can_manage": can_manage_documents(request.user),
        },
    )


def _review_version(document, versions):
    """The review page shows the version in review, else the latest fixed one."""
    reviews = [v for v in versions if v.kind == "review"]
    if document.status == DocumentStatus.IN_REVIEW and reviews:
        return reviews[-1]
    return versions[-1] if versions else None


@require_GET
def document_review(request, slug):
    document = _document(request, slug)
    versions = selectors.versions_of(document)
    version = _review_version(document, versions)
    placed = selectors.remarks_on(document, version) if version else []
    by_paragraph: dict[int, list] = {}
    earlier = []
    for item in placed:
        placement = item["placement"]
        if placement.is_kept:
            by_paragraph.setdefault(placement.index, []).append(item)
        else:
            earlier.append(item)
    paragraphs = []
    for index, paragraph in enumerate(version.paragraphs if version else []):
        paragraphs.append(
            {
                "index": index,
                "html": paragraph["html"],
                "remarks": by_paragraph.get(index, []),
                "earlier": [e for e in earlier if e["placement"].index == index],
            }
        )
    review_closed = document.is_in_review and document.review_deadline <= timezone.now()
    open_for_remarks = (
        can_remark(request.user, document)
        and not review_closed
        and version is not None
        and version.kind == "review"
    )
    context = {
        "document": document,
        "version": version,
        "paragraphs": paragraphs,
        "removed": [e for e in earlier if e["placement"].index is None],
        "remarks": placed,
        "answered_count": sum(1 for p in placed if _answer(p["remark"])),
        "open_for_remarks": open_for_remarks,
        "review_closed": review_closed,
        "remark_form": RemarkForm(),
        "answer_form": AnswerForm(),
        "can_manage": can_manage_documents(request.user),
        "can_view_people": can_view_people(request.user),
    }
    return render(request, "documents/review.html", context)


def _answer(remark):
    return getattr(remark, "answer", None) if hasattr(remark, "answer") else None


@require_POST
def remark_create(request, slug, index):
    document = _document(request, slug)
    form = RemarkForm(request.POST)
    review = reverse("frontend:document_review", args=[document.slug])
    if not form.is_valid():
        messages.error(request, _("La remarque est vide ou trop longue."))
        return redirect(f"{review}#p-{index}")
    try:
        remark = services.remark_create(
            author=request.user, document=document, paragraph_index=index, **form.cleaned_data
        )
    except AllianceError as error:
        _error(request, error)
        return redirect(f"{review}#p-{index}")
    messages.success(request, _("Votre remarque est enregistrée."))
    return redirect(f"{review}#remarque-{remark.pk}")


@require_POST
def remark_answer(request, slug, pk):
    _require_committee(request)
    document = _document(request, slug)
    remark = Remark.objects.filter(document=document, pk=pk).select_related("comment").first()
    if remark is None:
        raise Http404(_("Cette remarque n'existe pas."))
    form = AnswerForm(request.POST)
    review = reverse("frontend:document_review", args=[document.slug])
    if not form.is_valid():
        messages.error(request, _("Choisissez la suite donnée à la remarque."))
    else:
        try:
            services.remark_answer(actor=request.user, remark=remark, **form.cleaned_data)
        except AllianceError as error:
            _error(request, error)
        else:
            messages.success(request, _("Réponse enregistrée."))
    return redirect(f"{review}#remarque-{remark.pk}")


@require_POST
def attachment_upload(request, slug):
    _require_committee(request)
    document = _document(request, slug)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier."))
    else:
        try:
            services.attachment_add(
                actor=request.user,
                document=document,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
            )
        except AllianceError as error:
            _error(request, error)
        else:
            messages.success(request, _("Pièce jointe ajoutée."))
    return redirect(f"{document.get_absolute_url()}#pieces-jointes")


@require_GET
def attachment_download(request, slug, pk):
    document = _document(request, slug)
    attachment = document.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Cette pièce jointe n'existe pas."))
    try:
        return attachment_response(attachment)
    except NotFound as error:  # the file is gone from the disk
        raise Http404(error.message) from None
