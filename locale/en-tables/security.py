# Security: login throttling (alliance/throttling.py), API errors (alliance/api/).
EN = {
    "Les dates doivent être comprises entre 2000 et 2100.": "Dates must be between 2000 and 2100.",
    "Erreur interne du serveur. Elle a été enregistrée.": "Internal server error. It has been logged.",
    "Trop de tentatives de connexion échouées.": "Too many failed sign-in attempts.",
    "Trop de tentatives de connexion échouées. Réessayez dans %(minutes)s minute.": (
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
    ),
}
