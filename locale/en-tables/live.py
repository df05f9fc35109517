"""English for the live channel (assemblies/consumers.py) and the projector page."""

EN = {
    "Le message n'est pas du JSON valide.": "The message is not valid JSON.",
    "Le message est mal formé.": "The message is malformed.",
    "Type de message inconnu.": "Unknown message type.",
    "Le message dépasse la taille autorisée (64 Kio).": "The message exceeds the allowed size (64 KiB).",
    "Trop de messages : patientez quelques secondes.": "Too many messages: wait a few seconds.",
    "Connectez-vous pour suivre cette assemblée.": "Sign in to follow this assembly.",
    "Cette connexion est déjà authentifiée.": "This connection is already authenticated.",
    "Vous ne pouvez pas suivre cette assemblée.": "You may not follow this assembly.",
    "Cette assemblée n'existe pas.": "This assembly does not exist.",
    "Ce vote n'existe pas dans cette assemblée.": "This poll does not exist in this assembly.",
    "Une erreur est survenue ; votre vote n'a pas été enregistré.": "An error occurred; your vote was not recorded.",
}
