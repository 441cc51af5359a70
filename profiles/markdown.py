"""Markdown → HTML that is safe to put on a page.

markdown-it-py renders (raw HTML in the source is escaped, not passed through), then
nh3 (Ammonia) cleans the result against an allowlist, so a <script>, an event
handler attribute, an iframe or a javascript: URL never reaches the page whatever the
renderer does.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _renderer():
    # "js-default": CommonMark without raw HTML, plus tables and strikethrough.
    return MarkdownIt("js-default", {"linkify": False, "typographer": False}).enable(["table", "strikethrough"])


def sanitise_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
    )


def render_markdown(text, inline=False):
    """Render Markdown to sanitised HTML; `inline` drops the wrapping <p> (for bullets)."""
    if not text:
        return ""
    renderer = _renderer()
    html = renderer.renderInline(text) if inline else renderer.render(text)
    return sanitise_html(html)
