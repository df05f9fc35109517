# Security: login throttling (alliance/throttling.py), API errors (alliance/api/).
EN = {
    "Les dates doivent être comprises entre 2000 et 2100.": "Dates must be between 2000 and 2100.",
    "Erreur interne du serveur. Elle a été enregistrée.": "Internal server error. It has been logged.",
    "Trop de tentatives de connexion échouées.": "Too many failed sign-in attempts.",
    "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minute.": (
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
    ),
    "Trop de demandes de réinitialisation.": "Too many password reset requests.",
    "Trop de demandes de réinitialisation. Réessayez dans %(minutes)s minute.": (
        "Too many password reset requests. Try again in %(minutes)s minute.",
        "Too many password reset requests. Try again in %(minutes)s minutes.",
    ),
    "Seul le secrétariat lève les verrous de connexion.": "Only the secretariat lifts sign-in locks.",
    "Adresse non valide.": "Invalid address.",
    "Verrou levé.": "Lock lifted.",
    "Aucun verrou en cours pour ce nom et cette adresse.": "No lock in force for this username and address.",
    "Verrous de connexion": "Sign-in locks",
    "Après %(pair)s échecs pour un identifiant depuis une adresse, cet identifiant est refusé depuis cette adresse seulement ; après %(address)s échecs depuis une adresse (sans connexion réussie ensuite), l'adresse entière est refusée. Les verrous tombent d'eux-mêmes après %(minutes)s minutes ; vous pouvez les lever plus tôt.": "After %(pair)s failures for a username from one address, that username is refused from that address only; after %(address)s failures from one address (not followed by a successful sign-in), the whole address is refused. Locks end by themselves after %(minutes)s minutes; you can lift them sooner.",
    "Adresse": "Address",
    "Jusqu'à": "Until",
    "Action": "Action",
    "toute l'adresse": "the whole address",
    "Lever": "Lift",
    "Aucun verrou en cours.": "No lock in force.",
    "Lever un verrou": "Lift a lock",
    "Pour une personne qui ne figure pas dans la liste : son identifiant et l'adresse d'où elle se connecte ; l'adresse seule lève le verrou de l'adresse.": "For someone not in the list: their username and the address they sign in from; the address alone lifts the address's lock.",
}
