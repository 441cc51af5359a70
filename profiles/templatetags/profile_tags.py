import calendar
import json
from functools import lru_cache

from django import template
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from profiles.dates import format_partial_date
from profiles.markdown import render_markdown
from profiles.uploads import thumbnail_name

register = template.Library()

# Author lists longer than this collapse their middle into "and N more".
AUTHORS_COLLAPSE_OVER = 12
AUTHORS_HEAD, AUTHORS_TAIL = 8, 2

LINK_ICONS = {
    "homepage": "globe", "email": "mail", "scholar": "scholar", "orcid": "orcid", "github": "github",
    "linkedin": "linkedin", "dblp": "dblp", "semanticscholar": "semanticscholar", "social": "social",
    "other": "link",
}  # fmt: skip


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))


@register.filter
def rendered(obj, name):
    """The HTML of Markdown field `name` of `obj`, as stored when it was saved
    (models.RendersMarkdown); rendered here only for a row written in bulk, without it."""
    return mark_safe(obj.rendered_html(name))


@register.filter
def markdown_inline(text):
    return mark_safe(render_markdown(text, inline=True))


@register.filter
def plain_text(text, length=160):
    """Markdown as plain text, cut to `length` characters (meta descriptions, cards)."""
    return Truncator(" ".join(strip_tags(render_markdown(text)).split())).chars(int(length))


@register.filter
def html_text(html, length=160):
    """Stored, rendered HTML (see `rendered`) as plain text, cut to `length` characters."""
    return Truncator(" ".join(strip_tags(html).split())).chars(int(length))


@register.filter
def partial_date(value, style="short"):
    return format_partial_date(value, style)


@register.simple_tag
def date_range(start, end, is_current=False, style="short"):
    """“Sep 2016 - Jun 2020”, “2018 - Present” (with an en dash), or a single date."""
    start_text = format_partial_date(start, style)
    end_text = "Present" if is_current else format_partial_date(end, style)
    if start_text and end_text and start_text != end_text:
        return f"{start_text} \u2013 {end_text}"
    return start_text or end_text


@register.filter
def month_name(month):
    return calendar.month_abbr[int(month)] if month and 1 <= int(month) <= 12 else ""


@register.filter
def lead_in(label):
    """A highlight label as a lead-in: “Problem” → “Problem.”; “Approach:” stays."""
    label = label.strip()
    return label if label[-1:] in ".:?!" else f"{label}."


@register.filter
def initials(name):
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


@register.simple_tag
def avatar_url(profile, size=192):
    """URL of the avatar thumbnail closest to `size` px (the original when none), or ""."""
    if not profile.avatar:
        return ""
    name = thumbnail_name(profile.avatar.name, size) or profile.avatar.name
    return default_storage.url(name)


@lru_cache(maxsize=64)
def _icon_source(name):
    # Read-only files shipped with the code: caching them per process holds no state.
    return get_template(f"_partials/icons/{name}.svg").render({})


@register.simple_tag
def icon(name, label=""):
    """An inline SVG from templates/_partials/icons/; decorative unless `label` is given."""
    svg = _icon_source(name)
    if label:
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    else:
        svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return mark_safe(svg)


SAFE_URL_SCHEMES = {"http", "https", "mailto"}


@register.filter
def safe_url(url):
    """`url` when its scheme is http(s) or mailto, else "#": a javascript: or data: address
    saved around the form validation (an import, the shell) never becomes a live link."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return url if scheme in SAFE_URL_SCHEMES or url.startswith("/") else "#"


@register.filter
def link_icon(kind):
    return LINK_ICONS.get(kind, "link")


@register.simple_tag(takes_context=True)
def absolute(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --------------------------------------------------------------------------- authors


@register.simple_tag
def authors(publication, owner=None):
    """The author line of a publication: stored order, owner emphasised, * and † marks,
    members linked, long lists (> 12) collapsed in the middle (a <details>, no JavaScript).

    Built in Python rather than by a template: a page of 300 publications has ~1,500
    authors, and the template's per-author branches were most of the page's rendering
    time. `opens` / `closes` mark where the collapsed part starts and ends.
    """
    return render_author_line(author_line(publication, owner))


def render_author_line(line):
    """HTML of an author_line() (the same markup the _partials/authors.html template had)."""
    entries = line["entries"]
    out = []
    if line["unknown"]:
        out.append('<span class="authors authors--unknown">Authors not given in the source')
        if entries:
            out.append(" (listed by ")
    out.append('<span class="authors">')
    last = len(entries) - 1
    for i, a in enumerate(entries):
        if a.get("opens"):
            out.append(f'<details class="authors__more"><summary>and {line["hidden_count"]} more</summary>')
        css = "author author--owner" if a["is_owner"] else "author"
        if a["url"]:
            out.append(f'<a class="{css}" href="{conditional_escape(a["url"])}">')
        else:
            out.append(f'<span class="{css}">')
        name = conditional_escape(a["name"])
        out.append(f"<strong>{name}</strong>" if a["is_owner"] else name)
        if a["equal"]:
            out.append('<sup class="mark" title="Equal contribution">*</sup>')
        if a["corresponding"]:
            out.append('<sup class="mark" title="Corresponding author">†</sup>')
        out.append("</a>" if a["url"] else "</span>")
        if i != last:
            out.append(", ")
        if a.get("closes"):
            out.append("</details>")
    if line["truncated"]:
        out.append(", et al.")
    out.append("</span>")
    if line["unknown"]:
        out.append(")</span>" if entries else "</span>")
    has_equal, has_corresponding = line["has_equal"], line["has_corresponding"]
    if has_equal or has_corresponding:
        legend = "; ".join(
            text for flag, text in ((has_equal, "* equal contribution"), (has_corresponding, "† corresponding author"))
            if flag
        )  # fmt: skip
        out.append(f' <span class="authors__legend">({legend})</span>')
    return mark_safe("".join(out))


def author_line(publication, owner=None):
    owner_id = getattr(owner, "pk", None)
    entries = []
    for authorship in publication.authorships.all():
        profile = authorship.profile if authorship.profile_id else None
        entries.append(
            {
                "name": authorship.name,
                "url": f"/people/{profile.slug}/" if profile is not None and profile.published else "",
                "is_owner": owner_id is not None and authorship.profile_id == owner_id,
                "equal": authorship.equal_contribution,
                "corresponding": authorship.corresponding,
            }
        )
    hidden = 0
    if len(entries) > AUTHORS_COLLAPSE_OVER:
        hidden = len(entries) - AUTHORS_HEAD - AUTHORS_TAIL
        entries[AUTHORS_HEAD]["opens"] = True
        entries[-AUTHORS_TAIL - 1]["closes"] = True
    return {
        "entries": entries,
        "hidden_count": hidden,
        "has_equal": any(e["equal"] for e in entries),
        "has_corresponding": any(e["corresponding"] for e in entries),
        # "and others" in the source: the list goes on ("et al."); no list at all: say so.
        "truncated": getattr(publication, "authors_truncated", False),
        "unknown": getattr(publication, "authors_unknown", False),
    }


@register.filter
def venue_badge(publication):
    """The short badge of a venue: “OSDI '22”, or the year."""
    return publication.venue_short or (str(publication.year) if publication.year else "")


@register.simple_tag
def bibtex(publication):
    from publications.exports.bibtex import publication_bibtex

    return publication_bibtex(publication)


# --------------------------------------------------------------------------- JSON-LD

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """A <script type="application/ld+json"> that no string inside can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def _drop_empty(data):
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


@register.simple_tag(takes_context=True)
def person_json_ld(context, page):
    request = context["request"]
    profile = page.profile
    lab = context.get("lab")
    affiliation = []
    if profile.organisation:
        affiliation.append({"@type": "Organization", "name": profile.organisation})
    if lab is not None and lab.name and lab.name != profile.organisation:
        affiliation.append(_drop_empty({"@type": "Organization", "name": lab.name, "url": lab.url}))
    avatar = avatar_url(profile, 400)
    data = _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": profile.full_name,
            "alternateName": profile.native_name,
            "jobTitle": profile.headline,
            "description": profile.tagline
            or html_text(rendered(profile, "short_bio") or rendered(profile, "research_interests"), 300),
            "url": request.build_absolute_uri(profile.get_absolute_url()),
            "image": request.build_absolute_uri(avatar) if avatar else "",
            "email": f"mailto:{profile.email}" if profile.email else "",
            "sameAs": [link.url for link in page.web_links],
            "affiliation": affiliation,
            "alumniOf": [
                _drop_empty({"@type": "EducationalOrganization", "name": e.institution, "url": ""})
                for e in page.education
            ],
            "knowsAbout": profile.interest_list,
        }
    )
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def article_json_ld(context, publication):
    request = context["request"]
    authors_data = []
    for a in publication.authorships.all():
        person = {"@type": "Person", "name": a.name}
        if a.profile_id and a.profile.published:
            person["url"] = request.build_absolute_uri(a.profile.get_absolute_url())
        authors_data.append(person)
    date = ""
    if publication.year:
        date = f"{publication.year}-{publication.month:02d}" if publication.month else str(publication.year)
    data = _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "headline": publication.title[:110],
            "name": publication.title,
            "author": authors_data,
            "datePublished": date,
            "isPartOf": _drop_empty(
                {
                    "@type": "PublicationIssue" if publication.kind == "journal" else "Event",
                    "name": publication.venue,
                }
            )
            if publication.venue
            else {},
            "publisher": publication.publisher,
            "abstract": html_text(publication.rendered_html("abstract"), 5000),
            "url": request.build_absolute_uri(publication.get_absolute_url()),
            "sameAs": [url for label, url in publication.links if label in {"DOI", "arXiv"}],
            "identifier": f"doi:{publication.doi}" if publication.doi else "",
            "keywords": publication.keywords,
        }
    )
    return json_ld_script(data)


# --------------------------------------------------------------------------- cached entries


@register.simple_tag
def publication_entry_map(publications, owner=None, template="_partials/publication.html"):
    """{publication pk: rendered entry} for a whole list (see publication_entries).

    A page that shows its list in several groups (by year) renders them all here once,
    then hands the map to each group's `publication_entries … entries=…`: one round trip
    and one authors query for the page rather than per group.
    """
    from profiles import cache as page_cache

    publications = list(publications)
    if not publications:
        return {}
    variant = f"{template}:{getattr(owner, 'pk', '')}"
    keys = page_cache.fragment_keys("publication", publications, variant)
    stored = page_cache.get_fragments(list(keys.values()))
    missing = [pub for pub in publications if keys[pub] not in stored]
    unread = [p for p in missing if "authorships" not in p.__dict__.get("_prefetched_objects_cache", {})]
    if unread:
        from profiles.selectors import attach_author_rows

        attach_author_rows(unread)  # one query, only for the entries rendered now
    compiled = get_template(template).template
    context = Context({"owner": owner, "profile": owner}, autoescape=True)
    entries, rendered = {}, {}
    for pub in publications:
        html = stored.get(keys[pub])
        if html is None:
            with context.push(pub=pub):
                html = compiled.render(context)
            rendered[keys[pub]] = html
        entries[pub.pk] = html
    page_cache.set_fragments(rendered)
    return entries


@register.simple_tag
def publication_entries(publications, owner=None, template="_partials/publication.html", entries=None, scope=None):
    """Every publication of a list rendered through `template`, each entry cached apart.

    An entry is the same HTML wherever it appears and whoever looks (a paper has no
    visibility of its own), so it is stored once per paper version, owner (whose name is
    emphasised) and template (profiles/cache.py) and reused by every page, anonymous or
    logged in. The versions of the whole list are read in one round trip, the stored
    entries in another; only the missing ones are rendered (their authors read in one
    query), without a per-row {% include %}. `entries`: a publication_entry_map of the
    page's whole list.

    `scope` (profiles/cache.py: a profile's scope, or the lists'): a version replaced by
    any change of any of these papers; the joined list is then also kept as one block
    under it (one read instead of two per paper when nothing changed).
    """
    from profiles import cache as page_cache

    publications = list(publications)
    block_key = None
    if scope is not None and not isinstance(scope, str):  # a profile
        scope = page_cache.profile_scope(scope.slug)
    if scope and entries is None and publications:
        block_key = page_cache.block_key(scope, [p.pk for p in publications], f"{template}:{getattr(owner, 'pk', '')}")
        block = page_cache.get_fragments([block_key]).get(block_key)
        if block is not None:
            return mark_safe(block)
    if entries is None:
        entries = publication_entry_map(publications, owner, template)
    html = "".join(entries[pub.pk] for pub in publications)
    if block_key:
        page_cache.set_fragments({block_key: html})
    return mark_safe(html)


@register.simple_tag
def page_window(page):
    """The page numbers a pager links: the first, the last and two either side of the current
    one, with "…" for each gap. Worked out from the current number, so a list of 4,000
    pages costs what a list of 4 does (a template loop over every page number cost 50 ms)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
