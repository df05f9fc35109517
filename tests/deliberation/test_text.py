from deliberation.text import render_comment


def test_markdown_works_and_raw_html_is_text():
    html = render_comment("**Oui** `a<b`\n\n> cité\n\n<div onclick=x>bloc</div>")
    assert "<strong>Oui</strong>" in html
    assert "<code>a&lt;b</code>" in html
    assert "<blockquote>" in html
    assert "&lt;div onclick=x&gt;bloc&lt;/div&gt;" in html


def test_dangerous_links_are_dropped():
    html = render_comment("[a](javascript:alert(1)) [b](https://exemple.org)")
    assert "javascript" not in html
    assert 'href="https://exemple.org"' in html
