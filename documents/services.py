"""Every write of the documents area: drafts, workflow moves, remarks, answers, attachments.

Only the steering committee creates, edits and moves documents. A draft is saved with the
revision number the editor started from: a stale save is refused with `edit_conflict`, and its
text is kept (a conflicted revision) and returned, so nothing is lost.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from alliance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from alliance.markdown import render_markdown
from alliance.textdiff import word_diff
from deliberation.notifications import followers_of, notify
from deliberation.services import comment_create, thread_for
from documents import files
from documents.anchors import paragraph_hash, split_paragraphs
from documents.models import (
    AnswerStatus,
    Attachment,
    Document,
    DocumentKind,
    DocumentRevision,
    DocumentStatus,
    DocumentTransition,
    DocumentVersion,
    Remark,
    RemarkAnswer,
    VersionKind,
)
from documents.rules import can_manage_documents, can_remark

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 200_000
REPLY_MAX_LENGTH = 5_000

# Allowed moves: from -> to.
TRANSITIONS = {
    DocumentStatus.DRAFT: {DocumentStatus.IN_REVIEW, DocumentStatus.PUBLISHED},
    DocumentStatus.IN_REVIEW: {DocumentStatus.DRAFT, DocumentStatus.PUBLISHED},
    DocumentStatus.PUBLISHED: {DocumentStatus.SUPERSEDED, DocumentStatus.ARCHIVED},
    DocumentStatus.SUPERSEDED: {DocumentStatus.ARCHIVED},
    DocumentStatus.ARCHIVED: set(),
}
FIXED_STATUSES = {DocumentStatus.PUBLISHED, DocumentStatus.SUPERSEDED, DocumentStatus.ARCHIVED}


def _require_committee(actor) -> None:
    if not can_manage_documents(actor):
        raise NotAllowed(
            _("Seul le comité de pilotage gère les documents."), code="not_steering_committee"
        )


def _lock(document: Document) -> Document:
    """The document row, locked until the end of the caller's transaction."""
    return Document.objects.select_for_update(of=("self",)).get(pk=document.pk)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Le titre est obligatoire."), code="title_missing")
    if len(title) > TITLE_MAX_LENGTH:
        raise InvalidInput(
            _("Le titre dépasse %(max)s caractères.") % {"max": TITLE_MAX_LENGTH},
            code="title_too_long",
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n")
    if len(body) > BODY_MAX_LENGTH:
        raise InvalidInput(
            _("Le texte dépasse %(max)s caractères.") % {"max": BODY_MAX_LENGTH},
            code="body_too_long",
        )
    return body


def _unique_slug(title: str) -> str:
    stem = slugify(title)[:70] or "document"
    slug, n = stem, 2
    while Document.objects.filter(slug=slug).exists():
        slug, n = f"{stem}-{n}", n + 1
    return slug


def _members():
    from alliance.models import User

    return User.objects.filter(is_active=True, organisation__active=True)


def _committee():
    from alliance.models import User

    return User.objects.filter(is_active=True, is_steering_committee=True)


# Documents belong to what the proposals app holds (a scenario, a proposal).
TARGET_APPS = {"proposals"}


def target_from_reference(reference: str, object_id: int):
    """The object named `"app_label.model"` + id, if documents may belong to it."""
    app_label, _dot, model = (reference or "").lower().partition(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    model_class = content_type.model_class() if content_type else None
    found = None
    if model_class is not None and app_label in TARGET_APPS:
        found = model_class._default_manager.filter(pk=object_id).first()
    if found is None:
        raise NotFound(_("L'objet de rattachement est introuvable."), code="target_not_found")
    return found


@transaction.atomic
def document_create(
    *,
    actor,
    title: str,
    kind: str = DocumentKind.OTHER,
    body: str = "",
    target=None,
    is_public: bool = False,
    slug: str = "",
) -> Document:
    _require_committee(actor)
    title, body = _clean_title(title), _clean_body(body)
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Nature de document inconnue."), code="invalid_kind")
    slug = slugify(slug)[:80] if slug else _unique_slug(title)
    if Document.objects.filter(slug=slug).exists():
        raise Conflict(_("Cet identifiant est déjà pris."), code="slug_taken")
    document = Document.objects.create(
        title=title,
        slug=slug,
        kind=kind,
        body=body,
        is_public=is_public,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        created_by=actor,
    )
    DocumentRevision.objects.create(
        document=document, number=document.revision, title=title, body=body, author=actor
    )
    return document


def document_update(
    *,
    actor,
    document: Document,
    base_revision: int,
    body: str,
    title: str | None = None,
    is_public: bool | None = None,
) -> Document:
    """Save the draft the editor started from `base_revision`.

    The document row is locked for the save, so of two editors who started from the same
    revision exactly one saves; the other gets `edit_conflict` (409) with the diff from their
    starting text to the current draft, their own text, and a conflicted revision keeping it.
    """
    _require_committee(actor)
    body = _clean_body(body)
    title = _clean_title(title) if title is not None else None
    with transaction.atomic():
        document = _lock(document)
        if document.status in FIXED_STATUSES:
            raise Conflict(
                _("Ce document est publié : son texte ne peut plus être modifié."),
                code="document_published",
            )
        if document.status != DocumentStatus.DRAFT:
            raise Conflict(
                _("Le document est en relecture : remettez-le en brouillon pour le modifier."),
                code="document_not_draft",
            )
        if base_revision != document.revision:
            conflict = _record_conflict(
                actor=actor, document=document, base_revision=base_revision, body=body, title=title
            )
        else:
            document.body = body
            document.title = title or document.title
            if is_public is not None:
                document.is_public = is_public
            document.revision += 1
            document.save(update_fields=["body", "title", "is_public", "revision", "updated_at"])
            DocumentRevision.objects.create(
                document=document,
                number=document.revision,
                title=document.title,
                body=body,
                author=actor,
            )
            return document
    raise conflict  # outside the block: the conflicted revision is committed, nothing lost


def _record_conflict(*, actor, document, base_revision, body, title) -> Conflict:
    started_from = DocumentRevision.objects.filter(
        document=document, number=base_revision, conflicted=False
    ).first()
    base_body = started_from.body if started_from else ""
    kept = DocumentRevision.objects.create(
        document=document,
        number=base_revision,
        title=title or document.title,
        body=body,
        author=actor,
        conflicted=True,
    )
    return Conflict(
        _(
            "Le brouillon a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
            "Votre texte n'est pas perdu : comparez et fusionnez, puis enregistrez à nouveau."
        ),
        code="edit_conflict",
        details={
            "base_revision": base_revision,
            "current_revision": document.revision,
            "current_body": document.body,
            "your_body": body,
            "kept_revision_id": kept.pk,
            "diff": [op.as_dict() for op in word_diff(base_body, document.body)],
        },
    )


def _fix_version(*, actor, document: Document, kind: str) -> DocumentVersion:
    blocks = split_paragraphs(document.body)
    if not blocks:
        raise InvalidInput(_("Le document est vide."), code="document_empty")
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        kind=kind,
        title=document.title,
        body=document.body,
        body_html=render_markdown(document.body),
        paragraphs=[
            {"text": text, "hash": paragraph_hash(text), "html": render_markdown(text)}
            for text in blocks
        ],
        review_deadline=document.review_deadline if kind == VersionKind.REVIEW else None,
        created_by=actor,
    )


@transaction.atomic
def document_transition(
    *, actor, document: Document, to: str, deadline=None, note: str = ""
) -> DocumentTransition:
    """Move a document along draft -> in_review -> draft | published -> superseded | archived.

    Opening a review fixes a review version and needs a future `deadline`; publishing fixes a
    publication version. Both notify the members and the document's followers."""
    _require_committee(actor)
    document = _lock(document)
    if to not in DocumentStatus.values or to not in TRANSITIONS[document.status]:
        raise InvalidInput(
            _("Impossible de passer de « %(from)s » à « %(to)s ».")
            % {"from": document.get_status_display(), "to": to},
            code="transition_not_allowed",
        )
    note = (note or "").strip()[:2000]
    version = None
    if to == DocumentStatus.IN_REVIEW:
        if deadline is None or deadline <= timezone.now():
            raise InvalidInput(
                _("La fin de la relecture doit être dans le futur."), code="deadline_invalid"
            )
        document.review_deadline = deadline
        version = _fix_version(actor=actor, document=document, kind=VersionKind.REVIEW)
    elif to == DocumentStatus.PUBLISHED:
        version = _fix_version(actor=actor, document=document, kind=VersionKind.PUBLICATION)
    transition = DocumentTransition.objects.create(
        document=document,
        from_status=document.status,
        to_status=to,
        version=version,
        by=actor,
        note=note,
    )
    document.status = to
    document.save(update_fields=["status", "review_deadline", "updated_at"])
    if version is not None:
        _announce(actor=actor, document=document, version=version)
    return transition


def _announce(*, actor, document: Document, version: DocumentVersion) -> None:
    if version.kind == VersionKind.REVIEW:
        kind, title = "document_review_opened", _("Relecture ouverte : %(title)s")
    else:
        kind, title = "document_published", _("Document publié : %(title)s")
    recipients = set(_members().values_list("pk", flat=True))
    recipients |= set(followers_of(document).values_list("pk", flat=True))
    notify(
        recipients=recipients,
        kind=kind,
        title=str(title) % {"title": document.title},
        url=document.get_absolute_url(),
        body=note_for(version),
        exclude=actor,
        about=document,
    )


def note_for(version: DocumentVersion) -> str:
    if version.review_deadline:
        deadline = timezone.localtime(version.review_deadline).strftime("%d/%m/%Y %H:%M")
        return str(_("Version %(n)s, remarques jusqu'au %(deadline)s.")) % {
            "n": version.number,
            "deadline": deadline,
        }
    return str(_("Version %(n)s.")) % {"n": version.number}


@transaction.atomic
def remark_create(
    *, author, document: Document, paragraph_index: int, body: str, stance: str = "none"
) -> Remark:
    """A member's comment on one paragraph of the version in review, until its deadline."""
    document = Document.objects.get(pk=document.pk)
    if document.status != DocumentStatus.IN_REVIEW:
        raise Conflict(_("Ce document n'est pas en relecture."), code="review_not_open")
    if document.review_deadline and document.review_deadline <= timezone.now():
        raise Conflict(
            _("La relecture est close : la date limite est passée."), code="review_closed"
        )
    if not can_remark(author, document):
        raise NotAllowed(
            _("Seuls les membres d'une CAE commentent un document en relecture."),
            code="not_member",
        )
    version = document.versions.filter(kind=VersionKind.REVIEW).order_by("-number").first()
    paragraphs = version.paragraphs if version else []
    if not isinstance(paragraph_index, int) or not 0 <= paragraph_index < len(paragraphs):
        raise NotFound(_("Ce paragraphe n'existe pas."), code="paragraph_not_found")
    paragraph = paragraphs[paragraph_index]
    comment = comment_create(author=author, body=body, thread=thread_for(document), stance=stance)
    remark = Remark.objects.create(
        comment=comment,
        document=document,
        version=version,
        paragraph_index=paragraph_index,
        paragraph_text=paragraph["text"],
        paragraph_hash=paragraph["hash"],
    )
    notify(
        recipients=_committee(),
        kind="document_remark_created",
        title=str(_("Nouvelle remarque sur « %(title)s »")) % {"title": document.title},
        url=reverse("frontend:document_review", args=[document.slug]) + f"#remarque-{remark.pk}",
        body=comment.organisation.name if comment.organisation else "",
        exclude=author,
        about=document,
    )
    return remark


@transaction.atomic
def remark_answer(*, actor, remark: Remark, status: str, reply: str = "") -> RemarkAnswer:
    """The committee's answer to a remark (answering again replaces it); tells its author."""
    _require_committee(actor)
    if status not in AnswerStatus.values:
        raise InvalidInput(_("Suite donnée inconnue."), code="invalid_answer_status")
    reply = (reply or "").strip()
    if status != AnswerStatus.TAKEN_INTO_ACCOUNT and not reply:
        raise InvalidInput(
            _("Expliquez votre réponse ou la raison du refus."), code="reply_missing"
        )
    if len(reply) > REPLY_MAX_LENGTH:
        raise InvalidInput(
            _("La réponse dépasse %(max)s caractères.") % {"max": REPLY_MAX_LENGTH},
            code="reply_too_long",
        )
    answer, _created = RemarkAnswer.objects.update_or_create(
        remark=remark,
        defaults={
            "status": status,
            "reply": reply,
            "reply_html": render_markdown(reply),
            "by": actor,
        },
    )
    document = remark.document
    notify(
        recipients=[remark.comment.author_id],
        kind="document_remark_answered",
        title=str(_("Réponse à votre remarque sur « %(title)s »")) % {"title": document.title},
        url=reverse("frontend:document_review", args=[document.slug]) + f"#remarque-{remark.pk}",
        body=answer.get_status_display(),
        exclude=actor,
        about=document,
    )
    return answer


@transaction.atomic
def attachment_add(*, actor, document: Document, upload, name: str = "") -> Attachment:
    _require_committee(actor)
    if document.status == DocumentStatus.ARCHIVED:
        raise Conflict(_("Ce document est archivé."), code="document_archived")
    content_type = files.checked_content_type(upload)
    name = (name or upload.name or "").strip()[:200] or "fichier"
    upload.seek(0)
    return Attachment.objects.create(
        document=document,
        file=upload,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
    )


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    _require_committee(actor)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
