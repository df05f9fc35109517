"""The cast of the 2018 États généraux: five networks, 75 CAEs, about 140 people.

Names are fictional. Everything is keyed (slug, username) so that loading twice changes
nothing. Every account's password is `demo`.
"""

import random

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from alliance.models import Network, Organisation, Region, User

DEMO_PASSWORD = "demo"  # noqa: S105 (documented demo password)

NETWORKS = [
    ("cpe", "Coopérer pour Entreprendre", "CPE", "https://www.cooperer.coop"),
    ("copea", "Copéa", "Copéa", ""),
    ("cgscop", "Confédération générale des SCOP", "CGSCOP", "https://www.les-scop.coop"),
    ("bigre", "BIGRE", "BIGRE", ""),
    ("scop-btp", "Fédération des SCOP du BTP", "SCOP BTP", ""),
]

CITIES = [
    ("Lyon", Region.AUVERGNE_RHONE_ALPES),
    ("Grenoble", Region.AUVERGNE_RHONE_ALPES),
    ("Clermont-Ferrand", Region.AUVERGNE_RHONE_ALPES),
    ("Dijon", Region.BOURGOGNE_FRANCHE_COMTE),
    ("Besançon", Region.BOURGOGNE_FRANCHE_COMTE),
    ("Rennes", Region.BRETAGNE),
    ("Brest", Region.BRETAGNE),
    ("Tours", Region.CENTRE_VAL_DE_LOIRE),
    ("Orléans", Region.CENTRE_VAL_DE_LOIRE),
    ("Strasbourg", Region.GRAND_EST),
    ("Nancy", Region.GRAND_EST),
    ("Lille", Region.HAUTS_DE_FRANCE),
    ("Amiens", Region.HAUTS_DE_FRANCE),
    ("Paris", Region.ILE_DE_FRANCE),
    ("Montreuil", Region.ILE_DE_FRANCE),
    ("Saint-Denis", Region.ILE_DE_FRANCE),
    ("Caen", Region.NORMANDIE),
    ("Rouen", Region.NORMANDIE),
    ("Bordeaux", Region.NOUVELLE_AQUITAINE),
    ("Poitiers", Region.NOUVELLE_AQUITAINE),
    ("Limoges", Region.NOUVELLE_AQUITAINE),
    ("Toulouse", Region.OCCITANIE),
    ("Montpellier", Region.OCCITANIE),
    ("Nîmes", Region.OCCITANIE),
    ("Nantes", Region.PAYS_DE_LA_LOIRE),
    ("Angers", Region.PAYS_DE_LA_LOIRE),
    ("Marseille", Region.PROVENCE_ALPES_COTE_D_AZUR),
    ("Nice", Region.PROVENCE_ALPES_COTE_D_AZUR),
    ("Ajaccio", Region.CORSE),
    ("Saint-Denis de La Réunion", Region.OUTRE_MER),
]

STEMS = [
    "Les Ruches",
    "Passerelles",
    "Coop'Sillons",
    "Les Tisserands",
    "Racines Coop",
    "Boussole",
    "Escales",
    "Ricochets",
    "Envol",
    "La Trame",
    "Les Chemins",
    "Horizons",
    "L'Écluse",
    "Ateliers Partagés",
    "Coop'Ensemble",
    "Le Maillage",
    "Ricochet Coop",
    "Les Faiseurs",
    "Entreprendre Autrement",
    "Coop Azimut",
]

FIRST_NAMES = [
    "Marie",
    "Jean",
    "Camille",
    "Nicolas",
    "Sophie",
    "Julien",
    "Claire",
    "Thomas",
    "Léa",
    "Antoine",
    "Chloé",
    "Mathieu",
    "Émilie",
    "Pierre",
    "Inès",
    "Hugo",
    "Sarah",
    "Louis",
    "Manon",
    "Karim",
    "Aïcha",
    "Yann",
    "Nadia",
    "Olivier",
    "Fatou",
    "Bruno",
    "Élodie",
    "Samuel",
    "Agnès",
    "Rémi",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Benali",
    "Nguyen",
    "Diallo",
    "Le Gall",
]

ORGANISATION_COUNT = 75
# Known accounts that the README and `make run` print.
KNOWN_ACCOUNTS = [
    # username, first, last, roles
    ("admin", "Alex", "Admin", {"is_superuser": True, "is_staff": True}),
    ("secretariat", "Sandrine", "Secrétariat", {"is_secretariat": True, "is_staff": True}),
    ("copil", "Claude", "Pilotage", {"is_steering_committee": True}),
    ("delegue", "Dominique", "Délégué", {"is_delegate": True}),
    ("membre", "Morgane", "Membre", {}),
]


def _organisation_rows(rng: random.Random) -> list[dict]:
    pairs = [(stem, city) for city in CITIES for stem in STEMS]
    rng.shuffle(pairs)
    rows = []
    for stem, (city, region) in pairs[:ORGANISATION_COUNT]:
        name = f"{stem} {city}"
        size = int(rng.lognormvariate(3.6, 0.8))  # a few large CAEs, many small ones
        rows.append(
            {
                "slug": slugify(name),
                "name": name,
                "city": city,
                "region": region,
                "entrepreneurs_count": max(5, min(size, 900)),
            }
        )
    return rows


def _networks_for(index: int, rng: random.Random) -> list[str]:
    """About 10 CAEs outside any network; the others in one or two."""
    if index % 8 == 7:
        return []
    first = ["cpe", "cpe", "copea", "cgscop", "cpe", "copea", "bigre", "cgscop"][index % 8]
    chosen = {first}
    if rng.random() < 0.35:
        chosen.add("cgscop")
    if index % 15 == 4:
        chosen.add("scop-btp")
    return sorted(chosen)


def load(*, stdout=None) -> dict:
    rng = random.Random(2018)
    password = make_password(DEMO_PASSWORD)  # hashed once, shared: loading stays fast

    networks = {}
    for slug, name, acronym, website in NETWORKS:
        networks[slug], _ = Network.objects.update_or_create(
            slug=slug, defaults={"name": name, "acronym": acronym, "website": website}
        )

    organisations = []
    for index, row in enumerate(_organisation_rows(rng)):
        organisation, _ = Organisation.objects.update_or_create(slug=row.pop("slug"), defaults=row)
        organisation.networks.set([networks[s] for s in _networks_for(index, rng)])
        organisations.append(organisation)

    def person(username, first, last, organisation=None, **roles):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "organisation": organisation,
                "password": password,
                **roles,
            },
        )
        return user

    for username, first, last, roles in KNOWN_ACCOUNTS:
        needs_cae = not roles.get("is_superuser") and not roles.get("is_secretariat")
        person(username, first, last, organisations[0] if needs_cae else None, **roles)

    used = {u for u, *_ in KNOWN_ACCOUNTS}

    def fresh_username(first, last):
        base = slugify(f"{first}.{last}").replace("-", ".")
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}{n}", n + 1
        used.add(candidate)
        return candidate

    people = []
    for index, organisation in enumerate(organisations):
        count = 1 + (index % 5 < 3) + (index % 6 == 0)  # 1 to 3 people per CAE
        for slot in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            is_delegate = slot == 0 or (slot == 2)
            people.append(
                person(
                    fresh_username(first, last), first, last, organisation, is_delegate=is_delegate
                )
            )
    # A steering committee of eight, drawn from CAEs of every network.
    for user in people[::17][:8]:
        if not user.is_steering_committee:
            user.is_steering_committee = True
            user.save(update_fields=["is_steering_committee"])
    for n in range(1, 4):
        person(f"secretariat{n}", rng.choice(FIRST_NAMES), "Secrétariat", None, is_secretariat=True)

    return {
        "networks": len(networks),
        "organisations": len(organisations),
        "people": User.objects.count(),
    }
