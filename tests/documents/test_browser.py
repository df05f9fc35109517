"""A full review round in Chromium: draft, review, remark, answer, version 2, diff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import Document

pytestmark = pytest.mark.browser

DRAFT = """# Modèle économique

Les CAE mutualisent leurs moyens pour financer l'alliance.

La cotisation est plafonnée à 6 000 euros par CAE."""


def test_a_full_review_round_in_the_browser(new_page, steering, member):
    committee = new_page(steering)
    committee.on("dialog", lambda dialog: dialog.accept())
    committee.goto("/documents/nouveau/")
    committee.get_by_label("Titre").fill("Modèle économique")
    committee.get_by_label("Texte (Markdown)").fill(DRAFT)
    committee.get_by_role("button", name="Créer le brouillon").click()
    committee.wait_for_url("**/modifier/")
    slug = Document.objects.get().slug
    committee.goto(f"/documents/{slug}/")
    deadline = timezone.localtime() + timedelta(days=7)
    committee.get_by_label("Fin de la relecture").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    committee.get_by_role("button", name="Ouvrir la relecture").click()
    committee.get_by_text("Le document est maintenant : en relecture.").wait_for()

    reader = new_page(member)
    errors = []
    reader.on("pageerror", lambda error: errors.append(str(error)))
    reader.goto(f"/documents/{slug}/relecture/")
    paragraph = reader.locator("#p-2")
    paragraph.get_by_text("Commenter ce paragraphe").click()
    assert paragraph.get_by_label("Votre remarque").evaluate("el => el === document.activeElement")
    paragraph.get_by_label("Votre remarque").fill("Un plafond avantage les grosses CAE.")
    paragraph.get_by_label("Position").select_option("divergence")
    paragraph.get_by_role("button", name="Envoyer la remarque").click()
    reader.get_by_text("Votre remarque est enregistrée.").wait_for()

    committee.goto(f"/documents/{slug}/relecture/")
    committee.get_by_text("Répondre").click()
    committee.get_by_label("Suite donnée").select_option("taken_into_account")
    committee.get_by_label("Réponse", exact=True).fill("Barème dégressif en version 2.")
    committee.get_by_role("button", name="Enregistrer la réponse").click()
    committee.get_by_text("Réponse enregistrée.").wait_for()
    committee.goto(f"/documents/{slug}/")
    committee.get_by_role("button", name="Remettre en brouillon").click()
    committee.get_by_text("Le document est maintenant : brouillon.").wait_for()
    committee.goto(f"/documents/{slug}/modifier/")
    committee.get_by_label("Texte (Markdown)").fill(
        DRAFT.replace("6 000 euros par CAE", "4 000 euros par CAE, selon un barème dégressif")
    )
    committee.get_by_role("button", name="Enregistrer le brouillon").click()
    committee.get_by_text("Brouillon enregistré.").wait_for()
    committee.goto(f"/documents/{slug}/")
    committee.get_by_role("button", name="Publier").click()
    committee.get_by_text("Le document est maintenant : publié.").wait_for()

    reader.goto(f"/documents/{slug}/versions/?de=1&a=2")
    inserted = " ".join(reader.locator(".doc-diff ins").all_inner_texts())
    deleted = " ".join(reader.locator(".doc-diff del").all_inner_texts())
    assert "dégressif" in inserted and "6" in deleted
    reader.goto(f"/documents/{slug}/relecture/")
    remark = reader.locator(".doc-remark")
    assert "Sur une formulation antérieure" in remark.inner_text()
    assert "Barème dégressif en version 2." in remark.locator(".doc-answer").inner_text()
    assert "prise en compte" in remark.locator(".doc-answer").inner_text()
    assert errors == []
