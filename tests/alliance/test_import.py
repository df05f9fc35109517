from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.errors import InvalidInput
from alliance.importing import parse_organisations
from alliance.models import Organisation
from tests.factories import NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "organisations.csv"


@pytest.fixture(autouse=True)
def networks():
    return [
        NetworkFactory(name="Coopérer pour Entreprendre", acronym="CPE", slug="cpe"),
        NetworkFactory(name="Copéa", acronym="Copéa", slug="copea"),
        NetworkFactory(name="Confédération générale des SCOP", acronym="CGSCOP", slug="cgscop"),
        NetworkFactory(name="BIGRE", acronym="BIGRE", slug="bigre"),
    ]


def run(path, **kwargs):
    out, err = StringIO(), StringIO()
    call_command("import_organisations", str(path), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text: str | bytes) -> Path:
    path = tmp_path / "cae.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def snapshot():
    return [
        (
            o.slug,
            o.name,
            o.city,
            o.region,
            o.website,
            o.entrepreneurs_count,
            o.active,
            o.updated_at,
            sorted(o.networks.values_list("slug", flat=True)),
        )
        for o in Organisation.objects.order_by("slug")
    ]


def test_sample_file_imports_every_cae_with_a_progress_bar():
    out, err = run(SAMPLE)
    assert "5 CAE créées, 0 mises à jour, 0 inchangées." in out
    assert "[##############################] 5/5" in err
    coopaname = Organisation.objects.get(slug="coopaname-exemple")
    assert (coopaname.city, coopaname.region, coopaname.entrepreneurs_count) == (
        "Paris",
        "IDF",
        850,
    )
    assert sorted(coopaname.networks.values_list("slug", flat=True)) == ["cgscop", "cpe"]
    oxalis = Organisation.objects.get(slug="oxalis-exemple")
    assert oxalis.region == "ARA"  # given as a label
    elan = Organisation.objects.get(slug="elan-createur-exemple")
    assert list(elan.networks.values_list("slug", flat=True)) == ["cpe"]  # by acronym
    assert not Organisation.objects.get(slug="les-ateliers-du-sud-exemple").networks.exists()
    assert Organisation.objects.get(slug="ancienne-cae-exemple").active is False


def test_reimporting_the_same_file_changes_nothing():
    run(SAMPLE)
    before = snapshot()
    out, _err = run(SAMPLE)
    assert "0 CAE créées, 0 mises à jour, 5 inchangées." in out
    assert snapshot() == before


def test_reimport_updates_existing_cae_by_slug(tmp_path, networks):
    existing = OrganisationFactory(
        name="Les Ruches", slug="les-ruches", city="Lyon", networks=[networks[0]]
    )
    path = write(tmp_path, "slug,name,city,networks\nles-ruches,Les Ruches,Villeurbanne,copea\n")
    out, _err = run(path)
    assert "0 CAE créées, 1 mises à jour, 0 inchangées." in out
    existing.refresh_from_db()
    assert existing.city == "Villeurbanne"
    assert list(existing.networks.values_list("slug", flat=True)) == ["copea"]
    assert existing.region == "ARA"  # columns absent from the file are left alone


def test_semicolon_separated_file_from_a_spreadsheet(tmp_path):
    path = write(
        tmp_path,
        "\ufeffname;city;region;entrepreneurs_count\nLa Trame;Nantes;pays de la loire;12\n",
    )
    run(path)
    trame = Organisation.objects.get(slug="la-trame")
    assert (trame.city, trame.region, trame.entrepreneurs_count) == ("Nantes", "PDL", 12)


BAD_FILE = """name,city,region,website,entrepreneurs_count,networks,active
Bonne CAE,Lyon,ARA,,10,cpe,oui
Mauvaise région,Lyon,Atlantide,,10,,oui
Mauvais nombre,Lyon,ARA,,douze,,oui
,Lyon,ARA,,10,,oui
Réseau inconnu,Lyon,ARA,,10,cpe|nope,oui
Bonne CAE,Paris,IDF,,3,,oui
Mauvais site,Lyon,ARA,pas une adresse,10,,peut-être
"""


def test_bad_file_is_refused_with_line_numbered_errors_and_nothing_imported(tmp_path):
    path = write(tmp_path, BAD_FILE)
    with pytest.raises(CommandError, match="rien n'a été importé"):
        run(path)
    assert not Organisation.objects.exists()

    with pytest.raises(InvalidInput) as refused:
        parse_organisations(BAD_FILE.encode())
    assert refused.value.code == "invalid_file"
    errors = [(e["line"], e["code"]) for e in refused.value.details["errors"]]
    assert errors == [
        (3, "unknown_region"),
        (4, "bad_number"),
        (5, "missing_name"),
        (6, "unknown_network"),
        (7, "duplicate_row"),
        (8, "bad_url"),
        (8, "bad_boolean"),
    ]


def test_command_prints_each_error_with_its_line(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_organisations", str(write(tmp_path, BAD_FILE)), stderr=err, stdout=StringIO()
        )
    printed = err.getvalue()
    assert "ligne 3 : Région inconnue : « Atlantide ». [unknown_region]" in printed
    assert "ligne 7 : La CAE « bonne-cae » figure déjà à la ligne 2. [duplicate_row]" in printed


def test_a_bad_file_leaves_existing_cae_untouched(tmp_path):
    run(SAMPLE)
    before = snapshot()
    path = write(tmp_path, "name,city\nCoopaname Exemple,Marseille\nOxalis Exemple,Lyon,de trop\n")
    with pytest.raises(CommandError):
        run(path)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "line", "code"),
    [
        (b"", 1, "empty_file"),
        (b"name,city\n", 1, "empty_file"),
        (b"nom,ville\nLa Trame,Nantes\n", 1, "wrong_header"),
        (b"name,name\nLa Trame,Nantes\n", 1, "wrong_header"),
        (b"name,city\nLa Trame,Nantes\nEnvol,N\xe9mes\n", 3, "bad_encoding"),
        (b"name,city\nLa Trame\n", 2, "wrong_column_count"),
        (b"name,entrepreneurs_count\nLa Trame,-4\n", 2, "bad_number"),
    ],
)
def test_malformed_files(content, line, code):
    with pytest.raises(InvalidInput) as refused:
        parse_organisations(content)
    assert [(e["line"], e["code"]) for e in refused.value.details["errors"]] == [(line, code)]


def test_line_numbers_count_physical_lines_of_multiline_cells():
    content = b'name,city\n"La\nTrame",Nantes\nEnvol,Nantes,x\n'
    with pytest.raises(InvalidInput) as refused:
        parse_organisations(content)
    assert refused.value.details["errors"][0]["line"] == 4


def test_missing_file_is_a_clear_command_error():
    with pytest.raises(CommandError, match="Impossible de lire"):
        run("/nonexistent/cae.csv")


def test_errors_are_translated_with_the_same_codes():
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        parse_organisations(b"name,region\nLa Trame,Atlantide\n")
    assert str(refused.value.message) == "The file contains errors: nothing was imported."
    assert refused.value.details["errors"] == [
        {"line": 2, "code": "unknown_region", "message": "Unknown region: “Atlantide”."}
    ]


def test_dry_run_checks_the_file_and_writes_nothing():
    out, _err = run(SAMPLE, dry_run=True)
    assert "Fichier valide : 5 CAE." in out
    assert not Organisation.objects.exists()
