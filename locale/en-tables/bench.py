EN = {
    "par défaut : une par CAE": "default: one per CAE",
    "motions ouvertes": "open motions",
    "--%(name)s doit être au moins 1.": "--%(name)s must be at least 1.",
    "--comments et --polls ne peuvent pas être négatifs.": "--comments and --polls cannot be negative.",
    "CAE et délégué·es": "CAEs and delegates",
    "commentaires": "comments",
}
