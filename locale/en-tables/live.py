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
    "Votre session a pris fin : reconnectez-vous.": "Your session has ended: sign in again.",
    "Ce vote n'existe pas dans cette assemblée.": "This poll does not exist in this assembly.",
    "Une erreur est survenue : réessayez (un vote déjà enregistré ne sera pas compté deux fois).": (
        "An error occurred: try again (a vote already recorded will not be counted twice)."
    ),
    # Pages
    "Connexion au direct…": "Connecting to live updates…",
    "En direct": "Live",
    "Hors ligne : nouvelle tentative…": "Offline: trying again…",
    "Vote enregistré. Votre reçu, à conserver :": "Vote recorded. Your receipt, keep it:",
    "Envoi du vote…": "Sending the vote…",
    "Un vote vient de s’ouvrir :": "A poll has just opened:",
    "Projection": "Projector",
    "Projection en salle": "Room projector",
    "Aucun vote en cours": "No poll in progress",
    "Vote en cours": "Voting in progress",
    "Vote clos : décompte final": "Poll closed: final count",
    "Résultats publiés": "Results published",
    "Répartition du poids exprimé": "Distribution of the weight cast",
    "Plein écran": "Full screen",
    "CAE ayant voté / appelées à voter": "CAEs that voted / entitled to vote",
    "poids exprimé": "weight cast",
    "poids présent + représenté / total": "weight present + represented / total",
    "La base de données est momentanément indisponible : renvoyez votre vote dans quelques instants (un vote déjà enregistré ne sera pas compté deux fois).": "The database is unavailable for a moment: send your vote again in a few moments (a vote already recorded will not be counted twice).",
}
