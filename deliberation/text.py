"""Comment text: Markdown in which raw HTML is shown as text, never interpreted.

People write `<script>` or `<b>` in a debate to talk about them; they see what they typed.
The result still goes through the project's nh3 sanitiser (links to `javascript:` and the
like are dropped).
"""

import markdown as md
import nh3

from alliance.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS


def render_comment(text: str) -> str:
    converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return nh3.clean(
        converter.convert(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
