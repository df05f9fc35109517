"""The anchor-carrying rule on constructed version pairs."""

from documents.anchors import place, split_paragraphs

OLD = [
    "# Titre",
    "Les CAE mutualisent leurs moyens pour financer l'alliance.",
    "La cotisation dépend du nombre d'entrepreneurs-salariés de chaque CAE.",
    "Un fonds de solidarité aide les petites CAE.",
]


def test_a_kept_paragraph_keeps_its_index():
    placement = place(OLD[2], 2, list(OLD))
    assert (placement.state, placement.index) == ("kept", 2)


def test_a_kept_paragraph_follows_a_move():
    moved = [OLD[0], "Un paragraphe nouveau, sans rapport.", OLD[3], OLD[1], OLD[2]]
    placement = place(OLD[1], 1, moved)
    assert placement.is_kept and placement.index == 3


def test_whitespace_alone_does_not_change_a_paragraph():
    reflowed = [OLD[0], OLD[1].replace(" pour ", "\npour  "), OLD[2]]
    assert place(OLD[1], 1, reflowed).state == "kept"


def test_a_changed_paragraph_points_to_its_closest_new_wording():
    changed = [
        OLD[0],
        "Les CAE mutualisent une part de leurs moyens pour financer l'alliance.",
        OLD[2],
    ]
    placement = place(OLD[1], 1, changed)
    assert placement.state == "changed" and placement.index == 1
    assert 0.6 < placement.similarity < 1


def test_a_removed_paragraph_has_no_new_place():
    removed = [OLD[0], OLD[1], OLD[2]]
    placement = place(OLD[3], 3, removed)
    assert placement.state == "removed" and placement.index is None


def test_a_duplicated_paragraph_follows_the_nearest_copy():
    twice = ["A propos.", "Même texte.", "Autre.", "Autre encore.", "Même texte."]
    assert place("Même texte.", 4, twice).index == 4
    assert place("Même texte.", 0, twice).index == 1


def test_paragraphs_are_markdown_blocks():
    body = "# Titre\n\nUn paragraphe\nsur deux lignes.\r\n\r\n- un\n- deux\n\n\n"
    assert split_paragraphs(body) == ["# Titre", "Un paragraphe\nsur deux lignes.", "- un\n- deux"]
