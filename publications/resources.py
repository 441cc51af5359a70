"""django-import-export resources for publications (CSV, JSON, XLSX in the admin).

The `authors` column holds the ordered author list, `;`-separated, with `*` after a
co-first author and `†` after a corresponding author ("Chijun Sima*; Yao Fu*; Luo Mai†").
On import, author rows are replaced only when the list differs; a member linked at a
position keeps the link when the printed name stays, others are matched by name (an
ambiguous name is left unlinked).
"""

from import_export import fields, resources

from profiles.matching import match_author, member_index_from_db, printed_keys

from . import services
from .importing import format_authors, parse_authors
from .models import Authorship, Publication

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Neutralise a spreadsheet formula: `=HYPERLINK(…)` -> `'=HYPERLINK(…)` (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class FormulaSafeResource(resources.ModelResource):
    """Exports escape formula cells; imports undo exactly that escape, so a round trip is lossless.

    (import-export 4's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=",
    leaves "+", "-" and "@" alone and turns empty cells into "None"; we leave it off.)
    """

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = unescape_formula(value)
        super().before_import_row(row, **kwargs)


class PublicationResource(FormulaSafeResource):
    authors = fields.Field(column_name="authors", readonly=False)

    class Meta:
        model = Publication
        import_id_fields = ["citation_key"]
        fields = [
            "citation_key", "kind", "title", "authors", "venue", "venue_short", "year", "month", "volume",
            "number", "pages", "publisher", "doi", "arxiv_id", "abstract", "note", "keywords", "url", "url_pdf",
            "url_code", "url_slides", "url_video", "url_project",
        ]  # fmt: skip
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def get_queryset(self):
        return Publication.objects.prefetch_related("authorships")

    def dehydrate_authors(self, publication):
        return format_authors(sorted(publication.authorships.all(), key=lambda a: a.position))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "authors":
            instance._imported_authors = parse_authors(row.get("authors") or "")
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk and "authors" in row:
            stored = instance.authorships.order_by("position")
            current = [(a.name, a.equal_contribution, a.corresponding) for a in stored]
            wanted = [(a["name"], a["equal_contribution"], a["corresponding"]) for a in instance._imported_authors]
            if current != wanted:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._member_index = member_index_from_db()  # once per file, not per row

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        wanted = getattr(instance, "_imported_authors", None)
        if wanted is None or "authors" not in row:
            return
        existing = {a.position: a for a in instance.authorships.all()}
        current = [(a.name, a.equal_contribution, a.corresponding) for _, a in sorted(existing.items())]
        if current == [(a["name"], a["equal_contribution"], a["corresponding"]) for a in wanted]:
            return
        index = getattr(self, "_member_index", None) or member_index_from_db()
        rows, linked = [], set()
        for position, author in enumerate(wanted, start=1):
            old = existing.get(position)
            same_name = old is not None and set(printed_keys(old.name)) & set(printed_keys(author["name"]))
            keep = bool(same_name and old.profile_id)
            profile_id = old.profile_id if keep else match_author(author["name"], "", index)[0]
            if profile_id in linked:
                profile_id = None
            linked.add(profile_id)
            rows.append(Authorship(
                publication=instance, position=position, name=author["name"], profile_id=profile_id,
                equal_contribution=author["equal_contribution"], corresponding=author["corresponding"],
                selected=bool(keep and old.selected),
            ))  # fmt: skip
        services.publication_replace_authors(actor=kwargs.get("user"), publication=instance, rows=rows)
