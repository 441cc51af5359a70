"""The native profile document: one whole profile as JSON, and its idempotent sync.

`export_profile_document` reads a profile (only what the reader may see) into the
document described in docs/native-profile.schema.json; `import_profile_document`
writes one back. Writing is a natural-key upsert (a slug, a citation key, or a parent
and position) that touches a row only when its content differs, so importing what was
exported changes nothing and reports ``0 created``. The demo lab (profiles/demo.py)
is loaded through the same `sync_profile` / `sync_publication`.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from profiles import fields as profile_fields
from profiles import permissions, services
from profiles import sections as registry
from profiles.imports.matching import profile_by_trusted_email, profile_by_trusted_orcid
from profiles.imports.report import ImportReport
from profiles.models import MARKDOWN_HTML_FIELDS, Profile, Skill
from publications import fields as publication_fields
from publications import services as publication_services
from publications.models import Authorship, Publication

FORMAT = "academic-profile"
VERSION = 1

# Fields a member may not set on their own profile, and the profile's own fields in a document.
MEMBERSHIP_FIELDS = profile_fields.MEMBERSHIP_FIELDS
PROFILE_FIELDS = list(profile_fields.DOCUMENT)

# Document key -> model field, where they differ.
RENAMES = {"start": "start_date", "end": "end_date"}
EXPORT_RENAMES = {v: k for k, v in RENAMES.items()}
# Never read from or written to a document (relations are handled by name, not id).
# (*_html: Markdown rendered at save time, derived from its source field.)
SKIP_FIELDS = {"id", "position", "updated_at", "created_at", "share_token", "title_normalised", *MARKDOWN_HTML_FIELDS}


# --- Idempotent upserts --------------------------------------------------------------------


def upsert(report, model, lookup, values, *, actor=None, **found):
    """Create or update one row, writing only when something differs (services.item_upsert)."""
    return services.item_upsert(actor=actor, report=report, model=model, lookup=lookup, values=values, **found)


def _existing_rows(model, lookup, sync_key):
    """(every row of one list as it is now, those rows by sync key: position or slug): one
    query for the list instead of one per item and one to prune it (the first row of a key
    wins, as `.first()` would)."""
    rows = list(model.objects.filter(**lookup).order_by("position", "id"))
    by_key = {}
    for row in rows:
        by_key.setdefault(getattr(row, sync_key), row)
    return rows, by_key


def _prune(report, queryset, keep_ids, *, actor=None, rows=None):
    services.items_prune(actor=actor, report=report, queryset=queryset, keep=keep_ids, rows=rows)


def _without(values, *names):
    return {k: v for k, v in values.items() if k not in names}


def row_values(model, row, *, drop=()):
    """A document row -> model field values: renames, keyword lists, blank numbers."""
    names = {f.name for f in model._meta.concrete_fields if not f.is_relation}
    values = {}
    for key, value in row.items():
        name = RENAMES.get(key, key)
        if name not in names or name in drop or name in SKIP_FIELDS:
            continue
        if name == "keywords" and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value is None and not model._meta.get_field(name).null:
            continue
        if value == "" and model._meta.get_field(name).null:
            value = None
        values[name] = value
    return values


def _ref_values(section, row, publications, profile, report, batch=None):
    """Relations a document names by value (a citation key, a project title) -> rows."""
    values, many = {}, {}
    for ref in section.refs:
        model_field = section.model._meta.get_field(ref.field)
        wanted = row.get(ref.doc_key)
        if model_field.many_to_many:
            keys = wanted or []
            missing = [key for key in keys if key not in publications]
            if missing:
                report.warn(f"{section.label} {row.get('title')!r}: unknown publication(s) {', '.join(missing)}")
            many[ref.field] = {publications[key].pk for key in keys if key in publications}
        elif model_field.related_model is Publication:
            values[ref.field] = publications.get(wanted)
        elif wanted and batch is not None and batch.in_final:
            values[ref.field] = batch.find(model_field.related_model, profile, ref.by, wanted)
        else:
            related = model_field.related_model._default_manager
            values[ref.field] = related.filter(profile=profile, **{ref.by: wanted}).first() if wanted else None
    return values, many


def without_blank_choices(model, values):
    """A blank value for a field with choices means "the model's default" ("industry", "public" …)."""
    return {
        name: value for name, value in values.items()
        if not (value in ("", None) and model._meta.get_field(name).choices)
    }  # fmt: skip


# False: every row through item_upsert, one at a time (tests compare the two paths).
BULK = True


class NewRows:
    """Rows of lists whose container is new, written per model with bulk_create.

    A list under a profile or an item created by this import has nothing to match or
    prune: its rows are validated as they are read (full_clean, as item_upsert does) and
    held here; `flush` writes them one level at a time (a level's rows get their primary
    keys, then the lists under them are read, and so on down), one INSERT per model and
    level plus one for the history rows, instead of a SELECT, an INSERT and a history
    INSERT per row. The walk itself stays `sync_items`: the lists under a held row are
    queued (`then`) and synced once the row has its key. Rows that name another list's
    item by value (a press item's project) are read last (`last`), when every list
    they could name is written, so the name is looked up as the row-by-row path does.
    One NewRows may hold several documents' rows (write_documents).
    """

    def __init__(self, report, *, actor=None):
        self.report, self.actor = report, actor
        self.rows = {}  # model -> [row]: this level's, in the order read
        self.many = []  # (row, field, publication pks)
        self.later = []  # the syncs of the lists under held rows
        self.final = []  # the rows that name other lists' items
        self.profiles = set()  # ids of the profiles that have rows held here
        self.in_final = False
        self.found = {}  # (model, profile id) -> its rows, while the rows naming them are read

    def add(self, model, obj, many, *, held, profile):
        """Validate and hold one new row; `held`: its foreign keys to rows this import holds."""
        # Those rows exist (or are written before this one): their keys need no existence query.
        # Unique checks need none either: a new list holds no row yet, and its statement slugs
        # are distinct (sync_items checks); the database checks both again. The check
        # constraints are the models' clean() again (date ranges, one owner per highlight).
        obj.full_clean(exclude=held, validate_unique=False, validate_constraints=False)
        self.rows.setdefault(model, []).append(obj)
        self.many += [(obj, name, pks) for name, pks in many.items() if pks]
        self.profiles.add(profile.pk)
        return obj

    def then(self, job):
        self.later.append(job)

    def last(self, job):
        self.final.append(job)

    @property
    def pending(self):
        return bool(self.rows or self.later or self.final)

    def holds(self, profile):
        return profile.pk in self.profiles and self.pending

    def flush(self):
        """Write everything held, level by level."""
        while self.pending:
            while self.rows or self.later:
                self._write_level()
            final, self.final = self.final, []
            self.in_final = True
            try:
                for job in final:
                    job()
            finally:
                self.in_final, self.found = False, {}
        self.profiles.clear()

    def find(self, model, profile, by, value):
        """`model.objects.filter(profile=profile, <by>=value).first()`, one query per model and profile."""
        key = (model, profile.pk)
        if key not in self.found:
            self.found[key] = list(model._default_manager.filter(profile=profile))  # in Meta.ordering, as first()
        return next((row for row in self.found[key] if getattr(row, by) == value), None)

    def _write_level(self):
        rows, self.rows = self.rows, {}
        for model, objs in rows.items():
            services.items_bulk_create(actor=self.actor, report=self.report, model=model, objs=objs)
        many, self.many = self.many, []
        services.items_link_bulk(links=many)
        later, self.later = self.later, []
        for job in later:
            job()


def _relation_names(model, lookup, refs):
    """The foreign keys of a new row that name rows this import holds (no existence query)."""
    return [name for name in [*lookup, *refs] if model._meta.get_field(name).is_relation]


def sync_items(
    report, section, rows, publications, *, profile, lookup, inside=None, start=0, prune=True, batch=None,
    new=False,
):  # fmt: skip
    """Make the items of one list (`lookup`: its container) exactly what `rows` say.

    Items are matched by position (statements by slug) and written only when they
    differ; children are synced the same way, recursively; extra rows are removed
    (unless `prune` is off: a merge appends rows from position `start` on).

    `batch` (a NewRows): lists under rows created here are held in it and written in
    bulk; `new`: this list's container is new itself (nothing to match: every row goes
    to `batch`). Returns the kept rows' ids (None for held rows until the batch is flushed).
    """
    model = section.model
    keys = [row.get(section.sync_key) for row in rows if isinstance(row, dict)]
    if new and section.sync_key != "position" and len(set(keys)) != len(rows):
        new = False  # repeated slugs: row by row, as before (the later row updates the earlier)
    kept = []
    before, existing = ([], None) if new else _existing_rows(model, lookup, section.sync_key)
    for position, row in enumerate(rows, start=start):
        row = row if isinstance(row, dict) else {"text": str(row)}
        if batch is not None and _names_items(section, row):
            if new and not batch.in_final:
                # Read once every list it could name is written (NewRows.flush).
                batch.last(lambda row=row, position=position: sync_items(
                    report, section, [row], publications, profile=profile, lookup=lookup, inside=inside,
                    start=position, batch=batch, new=True,
                ))  # fmt: skip
                kept.append(None)
                continue
            if not new and batch.pending:
                batch.flush()  # the item it names may be held
        values = without_blank_choices(model, row_values(model, row, drop=section.parent_fields))
        refs, many = _ref_values(section, row, publications, profile, report, batch)
        values.update(refs)
        if section.sync_key == "position":
            key = {**lookup, "position": position}
        else:
            key = {**lookup, section.sync_key: row[section.sync_key]}
            values = {k: v for k, v in values.items() if k != section.sync_key} | {"position": position}
        if new:
            held = _relation_names(model, key, refs)
            obj = batch.add(model, model(**key, **values), many, held=held, profile=profile)
        else:
            sync_value = key[section.sync_key]
            obj = upsert(report, model, key, values, found=existing.get(sync_value))
            existing[sync_value] = obj  # a repeated slug updates the row just written
            for name, pks in many.items():
                if set(getattr(obj, name).values_list("pk", flat=True)) != pks:
                    getattr(obj, name).set(pks)
        children_new = new or (batch is not None and getattr(obj, "_upsert_created", False))
        for child, parent in registry.children(section):
            if child.key == section.key and inside == section.key:
                continue  # sub-bullets have no sub-bullets
            job = _child_sync(
                report, section, child, parent, row, obj, publications, profile=profile, batch=batch,
                new=children_new,
            )  # fmt: skip
            if children_new:
                batch.then(job)  # once `obj` has its primary key
            else:
                job()
        kept.append(obj.pk)
    if prune and not new:
        _prune(report, model.objects.filter(**lookup), kept, rows=before)
    return kept


def _names_items(section, row):
    """Whether `row` names an item of another list by value (not a publication)."""
    return any(
        row.get(ref.doc_key) and section.model._meta.get_field(ref.field).related_model is not Publication
        for ref in section.refs
    )


def _child_sync(report, section, child, parent, row, obj, publications, *, profile, batch, new):
    def job():
        child_lookup = {parent.field: obj}
        if child.has_profile:
            child_lookup["profile"] = profile
        for other in child.parents:
            if other.field != parent.field:
                # A sub-bullet shares its bullet's owner; a project of a position is not stand-alone.
                child_lookup[other.field] = getattr(obj, other.field) if child is section else None
        sync_items(
            report, child, row.get(parent.doc_key) or [], publications,
            profile=profile, lookup=child_lookup, inside=section.key, batch=batch, new=new,
        )  # fmt: skip

    return job


def sync_profile(report, data, publications, *, profile=None, fields=None, new=False, batch=None):
    """Write one whole profile document: every section becomes exactly what it says.

    `publications` maps citation keys to Publication rows (for projects, talks and
    press). `profile`: write into this profile instead of the one named by the slug;
    `fields`: the profile fields to write (default: all in the document); `new`: the
    caller has just created `profile` from these fields (its sections are empty).

    Rows of lists whose container is new (every list of a new profile, the highlights
    of a new project …) are held in `batch` (a NewRows) and written in bulk: at the end
    of this call, or (a `batch` given) when its caller flushes it, after more documents.
    The rest is written row by row.
    """
    fields = PROFILE_FIELDS if fields is None else fields
    scalar = {k: v for k, v in data.items() if k in fields and k != "slug"}
    lookup = {"pk": profile.pk} if profile is not None else {"slug": data["slug"]}
    if new and profile is not None:
        report.count("profile", "unchanged")  # just created from these same fields
    else:
        profile = upsert(report, Profile, lookup, row_values(Profile, scalar))
        new = getattr(profile, "_upsert_created", False)
    own = batch is None
    batch = NewRows(report) if own and BULK else batch
    if batch is not None and batch.holds(profile):
        batch.flush()  # an earlier document of this run wrote this profile: match against its rows
    for section in registry.top_level():
        top = {"profile": profile, **{p.field: None for p in section.parents}}
        sync_items(
            report, section, data.get(section.doc_key) or [], publications, profile=profile, lookup=top,
            batch=batch, new=new and batch is not None,
        )  # fmt: skip
    if own and batch is not None:
        batch.flush()
    return profile


PUBLICATION_FIELDS = list(publication_fields.BIBLIOGRAPHIC)


def find_publication(record):
    """The lab's row for this record: citation key, then DOI, arXiv id, title + year."""
    from publications.imports.pipeline import identity_keys

    key = record.get("citation_key")
    if key:
        found = Publication.objects.filter(citation_key=key).first()
        if found:
            return found
    for match in identity_keys(record):
        if match[0] == "doi":
            found = Publication.objects.filter(doi__iexact=match[1]).first()
        elif match[0] == "arxiv":
            found = Publication.objects.filter(arxiv_id__iexact=match[1]).first()
        else:
            found = Publication.objects.filter(title_normalised=match[1], year=match[2]).first()
        if found:
            return found
    return None


def sync_publication(report, record, profiles, *, match=False):
    """Write one publication record exactly (authors, their order, flags and links).

    `profiles` maps slugs to Profile rows; an author naming an unknown slug stays
    unlinked (with a warning). `match`: also find the paper by DOI, arXiv id or title.
    """
    values = {k: v for k, v in record.items() if k in PUBLICATION_FIELDS}
    values = row_values(Publication, values)
    existing = find_publication(record) if match else None
    lookup = {"pk": existing.pk} if existing else {"citation_key": record["citation_key"]}
    publication = upsert(report, Publication, lookup, values)
    kept = []
    for position, author in enumerate(record.get("authors", []), start=1):
        slug = author.get("profile")
        linked = profiles.get(slug) if slug else None
        if slug and linked is None:
            report.warn(f"{publication.citation_key}: author {author['name']!r} names an unknown member {slug!r}")
        row = {
            "name": author["name"],
            "profile": linked,
            "equal_contribution": author.get("equal_contribution", False),
            "corresponding": author.get("corresponding", False),
            "selected": bool(author.get("selected", False) and linked),
        }
        kept.append(upsert(report, Authorship, {"publication": publication, "position": position}, row).pk)
    _prune(report, publication.authorships.all(), kept)
    return publication


# --- Export -----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *, keep=()):
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in SKIP_FIELDS and f.name not in keep:
            continue
        if f.is_relation:
            continue
        out[EXPORT_RENAMES.get(f.name, f.name)] = _plain(getattr(obj, f.attname))
    if isinstance(obj, Skill):
        out["keywords"] = [k.strip() for k in obj.keywords.split(",") if k.strip()]
    return out


def item_document(section, item, *, inside=None):
    """One item as the native document writes it, with its children nested."""
    out = _row(item)
    for ref in section.refs:
        if ref.attr:
            out[ref.doc_key] = sorted(getattr(related, ref.by) for related in getattr(item, ref.attr, []))
        else:
            related = getattr(item, ref.field)
            out[ref.doc_key] = getattr(related, ref.by) if related is not None else None
    for child, parent in registry.children(section):
        if child.key == section.key and inside == section.key:
            continue
        out[parent.doc_key] = [
            item_document(child, nested, inside=section.key) for nested in getattr(item, parent.attr, [])
        ]
    return out


def export_profile_document(profile, *, user=None):
    """The whole profile as a native document, holding only what `user` may see.

    For the owner or a lab admin: everything (private items and statements included);
    for anyone else: the public page's content (members also see members-only items).
    It reads the same selector as the profile page (profiles.selectors.profile_page).
    """
    from profiles.selectors import profile_page

    if not permissions.can_view_profile(user, profile):
        raise PermissionDenied("You may not see this profile.")
    everything = permissions.can_edit_profile(user, profile)
    page = profile_page(user, profile.slug, drafts=everything)  # an editor's export keeps drafts
    doc = {"format": FORMAT, "version": VERSION}
    for name in PROFILE_FIELDS:
        if not everything and name in {"published", "display_order"}:
            continue
        doc[name] = _plain(getattr(profile, name))
    for section in registry.top_level():
        doc[section.doc_key] = [item_document(section, item) for item in page.section_items(section)]
    doc["publications"] = export_publications(Publication.objects.for_profile(profile))
    return doc


def export_publications(queryset):
    """Publication records with their authors (linked members by slug) and flags."""
    out = []
    for pub in queryset.with_authors().order_by("-year", "citation_key"):
        record = {"citation_key": pub.citation_key}
        record.update({name: getattr(pub, name) for name in PUBLICATION_FIELDS})
        record["authors"] = [
            {"name": a.name, "profile": a.profile.slug if a.profile else None,
             "equal_contribution": a.equal_contribution, "corresponding": a.corresponding,
             "selected": a.selected}
            for a in a_sorted(pub)
        ]  # fmt: skip
        out.append(record)
    return out


def a_sorted(pub):
    return sorted(pub.authorships.all(), key=lambda a: a.position)


# --- Import -----------------------------------------------------------------------------------


def _messages(exc):
    if hasattr(exc, "message_dict"):
        return [f"{name}: {'; '.join(msgs)}" for name, msgs in exc.message_dict.items()]
    return list(getattr(exc, "messages", [str(exc)]))


def find_profile(document):
    """The profile a document describes (None if new): by a trusted ORCID, a trusted email, then slug.

    A member can type anything into their own profile's `orcid` and `email` fields, a
    colleague's included, so neither is believed on its own word: a document matches a
    profile by ORCID only where the ORCID is trusted (profiles.imports.matching.profile_by_trusted_orcid:
    a profile no member controls, whose fields only lab admins edit), and by email only
    where the address is verified (profile_by_trusted_email). Otherwise the slug, which
    only lab admins set, decides; a document whose ORCID sits on a member's profile and
    whose slug names no profile creates a new one, and the ORCID conflict is reported.
    """
    found = profile_by_trusted_orcid(document.get("orcid"))
    if found:
        return found
    found = profile_by_trusted_email(document.get("email"))
    if found:
        return found
    slug = (document.get("slug") or "").strip()
    return Profile.objects.filter(slug=slug).first() if slug else None


def new_slug(full_name):
    base = slugify(full_name)[:70] or "member"
    slug, n = base, 1
    while Profile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_profile_document(document, *, actor, profile=None, dry_run=False, report=None, source=""):
    """Write one native profile document (see docs/native-profile.schema.json).

    Without `profile`, the document's own profile is created or updated (matched by
    ORCID, then email, then slug): lab admins only. With `profile`, the document goes
    into that profile: its owner may do this for their own (not the membership fields
    such as role, status or published, and only papers they are an author of).
    All or nothing: any error rolls the whole document back; a dry run always does.
    """
    from profiles.formats.native import validate_document

    report = report if report is not None else ImportReport(dry_run=dry_run)
    prefix = f"{source}: " if source else ""
    problems = validate_document(document)
    if problems:
        for problem in problems:
            report.error(f"{prefix}{problem}")
        return report
    is_admin = actor is None or permissions.can_manage_lab(actor)  # None: the command line
    if profile is None and not is_admin:
        raise PermissionDenied("Only lab admins may create or update other profiles by import.")
    if profile is not None and not is_admin and not permissions.can_edit_profile(actor, profile):
        raise PermissionDenied("You may not import into this profile.")
    try:
        with transaction.atomic():
            _apply_native(document, actor=actor, profile=profile, is_admin=is_admin, report=report, prefix=prefix)
            if dry_run or report.errors:
                transaction.set_rollback(True)
    except (ValidationError, IntegrityError) as exc:
        for message in _messages(exc):
            report.error(f"{prefix}{message}")
    return report


DOCUMENTS_PER_BATCH = 100


def write_documents(documents, *, actor, profile, is_admin, report, per_batch=DOCUMENTS_PER_BATCH):
    """Write (source, document) pairs inside a bulk run, each all or nothing, in batches.

    The new rows of up to `per_batch` documents are held together (NewRows) and written
    with one INSERT per model and level, in one savepoint. Should anything in a batch
    fail, the batch is rolled back and its documents are written again one at a time,
    each in its own savepoint: a document that fails is rolled back whole and reported
    with its file name, and the others are written. (The run itself still writes nothing
    when any document failed: profiles.imports.files rolls it back on any error.)
    """
    per_batch = per_batch if BULK else 1
    chunk = []
    for item in documents:
        chunk.append(item)
        if len(chunk) >= per_batch:
            _write_batch(chunk, actor=actor, profile=profile, is_admin=is_admin, report=report)
            chunk = []
    if chunk:
        _write_batch(chunk, actor=actor, profile=profile, is_admin=is_admin, report=report)


def _write_batch(chunk, *, actor, profile, is_admin, report):
    mark = report.mark()
    if len(chunk) > 1:
        try:
            with transaction.atomic():
                batch = NewRows(report, actor=actor)
                for source, document in chunk:
                    _apply_native(document, actor=actor, profile=profile, is_admin=is_admin, report=report,
                                  prefix=f"{source}: ", batch=batch)  # fmt: skip
                batch.flush()
            return
        except (ValidationError, IntegrityError):
            report.restore(mark)  # written again below, one document at a time
    for source, document in chunk:
        prefix, mark = f"{source}: ", report.mark()
        try:
            with transaction.atomic():
                _apply_native(document, actor=actor, profile=profile, is_admin=is_admin, report=report, prefix=prefix)
        except (ValidationError, IntegrityError) as exc:
            report.restore(mark, keep_messages=True)  # nothing of it was written
            for message in _messages(exc):
                report.error(f"{prefix}{message}")


def _apply_native(document, *, actor, profile, is_admin, report, prefix, batch=None):
    target = profile or find_profile(document)
    data = dict(document)
    if target is None and not (data.get("slug") or "").strip():  # a slug given: find_profile found it free
        data["slug"] = new_slug(data["full_name"])
    fields = [f for f in PROFILE_FIELDS if f in data and (is_admin or f not in MEMBERSHIP_FIELDS)]
    if target is not None and target.slug != data.get("slug") and "slug" in fields:
        fields.remove("slug")  # matched by ORCID or email: keep its page address

    records = data.get("publications", [])
    publications = {}
    created = False
    if is_admin:
        slugs = {a.get("profile") for r in records for a in r.get("authors", []) if a.get("profile")}
        if target is None:
            # Create the profile first so its own author rows can link to it.
            target = upsert(
                report,
                Profile,
                {"slug": data["slug"]},
                row_values(Profile, {k: v for k, v in data.items() if k in fields and k != "slug"}),
            )
            created = True
        profiles = {p.slug: p for p in Profile.objects.filter(slug__in=slugs)}
        if data.get("slug") in slugs:
            profiles[data["slug"]] = target
        for position, record in enumerate(records):
            try:
                with transaction.atomic():
                    pub = sync_publication(report, record, profiles, match=True)
            except ValidationError as exc:
                for message in _messages(exc):
                    report.error(f"{prefix}publications[{position}] ({record.get('citation_key')}): {message}")
                continue
            publications[record.get("citation_key") or pub.citation_key] = pub
            publications[pub.citation_key] = pub
    else:
        # A member: their papers go through the merge path (claim own author row only).
        from publications.imports.pipeline import import_publication_records

        pub_ids = import_publication_records(
            actor=actor, records=[_as_record(r) for r in records], report=report,
            source=prefix.rstrip(": "), profile=target, link_others=False,
        )  # fmt: skip
        by_id = Publication.objects.in_bulk(pub_ids)
        publications = {r.get("citation_key"): by_id[i] for r, i in zip(records, pub_ids, strict=True) if i}
        publications.update({p.citation_key: p for p in by_id.values()})
        _sync_own_flags(records, target, by_id, pub_ids, actor=actor)
    sync_profile(report, data, publications, profile=target, fields=fields, new=created, batch=batch)


def _as_record(native_record):
    from publications.formats import empty_record

    record = empty_record()
    record.update({k: v for k, v in native_record.items() if k in record})
    record["authors"] = [
        {"name": a["name"], "orcid": a.get("orcid", ""), "equal_contribution": a.get("equal_contribution", False),
         "corresponding": a.get("corresponding", False)}
        for a in native_record.get("authors", [])
    ]  # fmt: skip
    return record


def _sync_own_flags(records, profile, by_id, pub_ids, *, actor):
    """A member's own "selected" flags from their document."""
    wanted = {}
    for record, pk in zip(records, pub_ids, strict=True):
        if pk is None:
            continue
        for author in record.get("authors", []):
            if author.get("profile") == profile.slug:
                wanted[pk] = bool(author.get("selected"))
    for row in Authorship.objects.filter(profile=profile, publication_id__in=list(wanted)):
        if row.selected != wanted[row.publication_id]:
            publication_services.authorship_set_selected(
                actor=actor, authorship=row, selected=wanted[row.publication_id]
            )
