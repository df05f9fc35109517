import pytest

from alliance import demo as alliance_demo
from documents import demo, selectors
from documents.models import Document, Remark, RemarkAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_builds_three_documents_once():
    alliance_demo.load()
    assert demo.load()["created"] == 3
    assert demo.load()["created"] == 0
    project = Document.objects.get(slug="projet-politique-alliance")
    assert project.status == "published"
    assert list(project.versions.values_list("number", "kind")) == [
        (1, "review"),
        (2, "publication"),
    ]
    remark = Remark.objects.get(document=project)
    assert remark.paragraph_text.startswith("La consultation nationale")
    v2 = project.versions.get(number=2)
    placed = selectors.remarks_on(project, v2)[0]["placement"]
    assert (placed.state, placed.index) == ("changed", 5)  # shown on its earlier wording
    economic = Document.objects.get(slug="modele-economique")
    assert economic.status == "in_review"
    remarks = Remark.objects.filter(document=economic)
    assert remarks.count() == 5
    assert len({r.comment.organisation_id for r in remarks}) == 5
    assert RemarkAnswer.objects.filter(remark__document=economic).count() == 3
    assert Document.objects.get(slug="gouvernance").status == "draft"
