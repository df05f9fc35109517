"""Two editors saving the same draft: exactly one wins, the other gets the diff, nothing lost."""

import threading

import pytest
from django.db import connection

from alliance.errors import Conflict
from documents import services
from documents.models import Document, DocumentRevision
from tests.documents.factories import BODY_V1, draft
from tests.factories import SteeringCommitteeFactory


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_the_diff_and_kept(steering):
    document = draft(steering)
    colleague = SteeringCommitteeFactory()
    services.document_update(
        actor=colleague, document=document, base_revision=1, body=BODY_V1 + "\n\nAjout A."
    )
    with pytest.raises(Conflict) as error:
        services.document_update(
            actor=steering, document=document, base_revision=1, body=BODY_V1 + "\n\nAjout B."
        )
    assert error.value.code == "edit_conflict" and error.value.status == 409
    details = error.value.details
    assert details["current_revision"] == 2 and details["base_revision"] == 1
    assert details["your_body"].endswith("Ajout B.")
    inserted = "".join(op["text"] for op in details["diff"] if op["op"] == "insert")
    assert inserted.strip() == "Ajout A." and not any(
        op["op"] == "delete" for op in details["diff"]
    )
    document.refresh_from_db()
    assert document.body.endswith("Ajout A.") and document.revision == 2
    kept = DocumentRevision.objects.get(pk=details["kept_revision_id"])
    assert kept.conflicted and kept.body.endswith("Ajout B.") and kept.author == steering


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_give_exactly_one_conflict_and_lose_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    editors = [SteeringCommitteeFactory(), SteeringCommitteeFactory()]
    document = draft(editors[0])
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def save(i):
        try:
            barrier.wait(timeout=10)
            services.document_update(
                actor=editors[i],
                document=Document.objects.get(pk=document.pk),
                base_revision=1,
                body=f"{BODY_V1}\n\nTexte de l'éditeur {i}.",
            )
            outcomes[i] = "saved"
        except Conflict as error:
            outcomes[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["edit_conflict", "saved"]
    document.refresh_from_db()
    assert document.revision == 2
    texts = set(DocumentRevision.objects.filter(document=document).values_list("body", flat=True))
    assert {f"{BODY_V1}\n\nTexte de l'éditeur {i}." for i in range(2)} <= texts
    assert DocumentRevision.objects.filter(document=document, conflicted=True).count() == 1
