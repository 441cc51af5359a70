"""Markdown → HTML that is safe to put on a page.

markdown-it-py renders (raw HTML in the source is escaped, not passed through), then
nh3 (Ammonia) cleans the result against an allowlist, so a <script>, an event
handler attribute, an iframe or a javascript: URL never reaches the page whatever the
renderer does.

`RendersMarkdown` (a model mixin for the profiles' and the publications' models) keeps the
result in a `<field>_html` column when a row is saved, so pages never render per request.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
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


class RendersMarkdown:
    """Markdown fields rendered and sanitised once, when the row is saved, not per request.

    `markdown_fields` maps each Markdown field to whether it renders inline (no <p>);
    the HTML is kept in `<field>_html` (not editable, so never in a form or a history diff). Rows written
    in bulk (bulk_create) skip save(): templates read them through the
    `rendered` filter, which renders when the stored HTML is missing.
    """

    markdown_fields = {}

    def render_markdown_fields(self, names=None):
        """Fill `<field>_html` for `names` (default: every Markdown field that is loaded)."""
        rendered = []
        for name, inline in self.markdown_fields.items():
            if (names is None or name in names) and name in self.__dict__:
                setattr(self, f"{name}_html", render_markdown(self.__dict__[name], inline=inline))
                rendered.append(f"{name}_html")
        return rendered

    def rendered_html(self, name):
        """The stored HTML of Markdown field `name`; rendered now only for a row written in
        bulk without it (an empty column with a non-empty source)."""
        html = self.__dict__.get(f"{name}_html")
        source = getattr(self, name)
        if html or not source:
            return html or ""
        return render_markdown(source, inline=self.markdown_fields.get(name, False))

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        rendered = self.render_markdown_fields(None if update_fields is None else set(update_fields))
        if update_fields is not None and rendered:
            kwargs["update_fields"] = {*update_fields, *rendered}
        super().save(*args, **kwargs)
