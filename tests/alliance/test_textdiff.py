from alliance.textdiff import diff_stats, word_diff, word_diff_html


def test_identical_texts_have_only_equal_parts():
    ops = word_diff("Une fédération au sein de la CGSCOP.", "Une fédération au sein de la CGSCOP.")
    assert [o.op for o in ops] == ["equal"]


def test_a_replaced_word_is_one_deletion_and_one_insertion():
    ops = word_diff("Une structure informelle.", "Une structure fédérale.")
    changed = [(o.op, o.text) for o in ops if o.op != "equal"]
    assert changed == [("delete", "informelle"), ("insert", "fédérale")]
    assert diff_stats(ops) == {"inserted_tokens": 1, "deleted_tokens": 1}


def test_html_escapes_the_text_and_marks_changes():
    html = word_diff_html("a <b>", "a <script>")
    assert "<script>" not in html
    assert "<del>&lt;</del>" in html or "<del>b</del>" in html
    assert "<ins>script</ins>" in html


def test_line_breaks_survive_the_diff():
    ops = word_diff("un\n\ndeux", "un\n\ntrois")
    assert "".join(o.text for o in ops if o.op != "delete") == "un\n\ntrois"
    assert "".join(o.text for o in ops if o.op != "insert") == "un\n\ndeux"
