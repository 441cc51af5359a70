"""Bulk import of publication records: clean, de-duplicate across the lab, link members, write.

Records are the plain dicts the parsers in publications/formats return (see
``empty_record``). The flow follows pretix's order import: clean every record first
(row-level errors with the entry's line or key), then match and write in bulk inside
the caller's transaction.

Queries grow with batches, not rows: the lab's publication identifiers (DOI, arXiv id,
normalised title + year, citation keys) and its members' name variants are loaded
once; matched publications and their authorships are fetched in chunks; new rows are
written with ``bulk_create`` in batches of ``BATCH_SIZE``.

One paper, one row: a record is matched by DOI, then arXiv id, then normalised title +
year, against the lab *and* against earlier records of the same run, so the same paper
in three members' .bib files becomes one publication with three linked authors.
A matched publication keeps its curated content: blank fields are filled in, unlinked
author rows are linked to members; nothing is overwritten.
"""

import functools
import operator

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from profiles.imports.matching import build_member_index, match_author
from profiles.markdown import render_markdown
from publications import fields as publication_fields
from publications.formats import normalise_identifier, parse_number, split_name
from publications.formats.csv import parse_authors
from publications.models import (
    CITATION_KEY_MAX,
    STOPWORDS,
    Authorship,
    Publication,
    arxiv_validator,
    ascii_word,
    doi_validator,
    key_validator,
    normalise_title,
    slug_for_key,
)

BATCH_SIZE = 1000

TEXT_FIELDS = [
    "kind", "title", "venue", "venue_short", "volume", "number", "pages", "publisher", "doi", "arxiv_id",
    "abstract", "note", "keywords", "url", "url_pdf", "url_code", "url_slides", "url_video", "url_project",
]  # fmt: skip
URL_FIELDS = ["url", "url_pdf", "url_code", "url_slides", "url_video", "url_project"]
FILL_FIELDS = [*TEXT_FIELDS, "year", "month"]
KINDS = set(Publication.Kind.values)
LIMITS = {name: Publication._meta.get_field(name).max_length for name in TEXT_FIELDS}
AUTHOR_NAME_MAX = Authorship._meta.get_field("name").max_length
_url = URLValidator(schemes=["http", "https"])


# --- Skip or refuse -----------------------------------------------------------------------------
#
# A file that cannot be read refuses the run (report.error). An entry that cannot become a
# publication is skipped: the report names it, the rest is imported. `report.strict` (the
# --strict option) turns every skip and warning into an error: all or nothing.


def skip_entry(report, message):
    """An entry left out of the import (an error when the run is strict)."""
    if getattr(report, "strict", False):
        report.error(message)
    else:
        report.warn(f"skipped {message}" if ": " not in message else message.replace(": ", ": skipped: ", 1))


def warn_entry(report, message):
    """Something kept but changed or left out of an entry (an error when the run is strict)."""
    if getattr(report, "strict", False):
        report.error(message)
    else:
        report.warn(message)


# --- Cleaning one record --------------------------------------------------------------------


def _where(record):
    bits = []
    if record.get("line"):
        bits.append(f"line {record['line']}")
    if record.get("citation_key"):
        bits.append(f"(key {record['citation_key']})")
    return " ".join(bits) or f"“{(record.get('title') or '')[:60]}”"


def clean_record(record, report, source=""):
    """Normalise one record into model field values; problems go to `report`.

    The one cleaner of publication records, whatever they were read from: BibTeX, CSL-JSON,
    the publications CSV, JSON Resume and ORCID, a member's native document, a site, an
    import draft (all through `import_publication_records`). The admin's spreadsheet is an
    edit, not a merge: its rows are checked by the model's field rules (`_check_sheet_row`),
    with the same identifier and number rules (`normalise_identifier`, `parse_number`).

    Returns the values dict, or None when the record cannot be imported (it is skipped and
    reported; an error in a strict run).
    """
    where = f"{source}: {_where(record)}" if source else _where(record)
    values = {}
    for name in TEXT_FIELDS:
        raw = record.get(name)
        values[name] = " ".join(str(raw).split()) if raw else ""
    for name in ("abstract", "note"):
        values[name] = str(record.get(name) or "").strip()
    values["year"] = record.get("year")
    values["month"] = record.get("month")
    values["authors_truncated"] = bool(record.get("authors_truncated"))
    for warning in record.get("warnings") or []:
        warn_entry(report, f"{where}: {warning}")
    problems = []
    if not values["title"]:
        problems.append("no title")
    if values["kind"] not in KINDS:
        values["kind"] = "other"
    _drop_invalid(values, report, where)
    for name, limit in LIMITS.items():
        if limit and len(values[name]) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    authors = _clean_authors(record.get("authors") or [], problems)
    if problems:
        skip_entry(report, f"{where}: {'; '.join(problems)}")
        return None
    values["title_normalised"] = normalise_title(values["title"])[:500]
    key = str(record.get("citation_key") or "").strip()
    return {
        "values": values,
        "authors": authors,
        "citation_key": key,
        "where": where,
        "selected": bool(record.get("selected")),
    }


def _drop_invalid(values, report, where):
    """Leave out (with a warning) what a record may not keep: an identifier that is none, an
    address that is not http(s), a year or month out of range, a month without a year."""
    for name in ("doi", "arxiv_id"):
        raw = values[name]
        if raw:
            raw = normalise_identifier(name, raw)
            try:
                (doi_validator if name == "doi" else arxiv_validator)(raw)
                values[name] = raw
            except ValidationError:
                warn_entry(report, f"{where}: ignored the {name.replace('_id', '')} {raw!r} (not a valid identifier)")
                values[name] = ""
    for name in URL_FIELDS:
        if values[name]:
            try:
                _url(values[name])
            except ValidationError:
                warn_entry(report, f"{where}: ignored {name} {values[name]!r} (not an http(s) address)")
                values[name] = ""
    year, month = values["year"], values["month"]
    if year is not None and not (1000 <= int(year) <= 2200):
        warn_entry(report, f"{where}: year {year} is out of range; stored without a year")
        values["year"] = values["month"] = None
    if month is not None and not (1 <= int(month) <= 12):
        warn_entry(report, f"{where}: month {month} is out of range; stored without a month")
        values["month"] = None
    if values["month"] and not values["year"]:
        values["month"] = None


def _clean_authors(raw_authors, problems):
    """The record's authors with a name (spaces collapsed); a name too long is a problem."""
    authors = []
    for author in raw_authors:
        name = " ".join(str(author.get("name") or "").split())
        if not name:
            continue
        if len(name) > AUTHOR_NAME_MAX:
            problems.append(f"author name longer than {AUTHOR_NAME_MAX} characters: {name[:40]}…")
            continue
        authors.append({
            "name": name,
            "orcid": author.get("orcid") or "",
            "equal_contribution": bool(author.get("equal_contribution")),
            "corresponding": bool(author.get("corresponding")),
        })  # fmt: skip
    return authors


# --- The lab's identifiers, in memory ---------------------------------------------------------


def identity_keys(values):
    """Match keys of a publication, strongest first."""
    keys = []
    if values.get("doi"):
        keys.append(("doi", values["doi"].lower()))
    if values.get("arxiv_id"):
        keys.append(("arxiv", values["arxiv_id"].lower()))
    title = values.get("title_normalised")
    if title is None:
        title = normalise_title(values.get("title"))
    if title:
        keys.append(("title", title, values.get("year")))
    return keys


def _packed(target):
    """("db", pk) -> pk; ("new", n) -> -(n + 1): one small int per row instead of a tuple."""
    return target[1] if target[0] == "db" else -(target[1] + 1)


def _unpacked(value):
    return ("db", value) if value >= 0 else ("new", -value - 1)


class PublicationIndex:
    """DOI / arXiv id / (normalised title, year) -> publication id or a pending new row.

    Kept small, because a run holds it for every paper of the lab and of the file (200,000
    and more): keys are stored as their 64-bit hashes, targets as ints (see `_packed`),
    citation keys and slugs as hashes, family names as tuples of shared strings. A hash
    collision between two different keys is about one in 10^19 per pair; for citation
    keys and slugs it would only rename a key (the database's unique constraints hold the rest).
    """

    def __init__(self):
        self.keys = {}
        self.citation_keys = set()
        self.slugs = set()
        self.families = {}  # packed target -> family names of its authors (title matches must agree)

    @classmethod
    def load(cls):
        index = cls()
        rows = Publication.objects.values_list(
            "pk", "doi", "arxiv_id", "title_normalised", "year", "citation_key", "slug"
        )
        for pk, doi, arxiv_id, title_normalised, year, key, slug in rows.iterator(chunk_size=5000):
            index.add(
                ("db", pk), {"doi": doi, "arxiv_id": arxiv_id, "title_normalised": title_normalised, "year": year}
            )
            index.citation_keys.add(hash(key))
            index.slugs.add(hash(slug))
        names = Authorship.objects.order_by("publication_id", "position").values_list("publication_id", "name")
        families = {}
        for pk, name in names.iterator(chunk_size=5000):
            families.setdefault(pk, []).append(family_key(name))
        index.families = {pk: tuple(names) for pk, names in families.items()}
        return index

    def add(self, target, values, authors=None):
        packed = _packed(target)
        for key in identity_keys(values):
            self.keys.setdefault(hash(key), packed)
        if authors is not None:
            self.families[packed] = tuple(family_key(a["name"]) for a in authors)

    def find(self, values, authors=None):
        """The publication `values` is the same paper as: same DOI, same arXiv id, or same
        title and year with author lists that agree (a conference paper and its journal
        version with another year stay two publications)."""
        for key in identity_keys(values):
            target = self.keys.get(hash(key))
            if target is None:
                continue
            if (
                key[0] == "title"
                and authors is not None
                and not authors_agree(self.families.get(target, ()), [family_key(a["name"]) for a in authors])
            ):
                continue
            if key[0] != "title" or not self._conflicting_ids(target, values):
                return _unpacked(target)
        return None

    def _conflicting_ids(self, target, values):
        """A title match whose DOI or arXiv id differs from the target's is another paper."""
        for name, kind in (("doi", "doi"), ("arxiv_id", "arxiv")):
            value = (values.get(name) or "").lower()
            if value:
                owner = self.keys.get(hash((kind, value)))
                if owner is not None and owner != target:
                    return True
        return False

    def new_slug(self, key):
        base = slug_for_key(key)
        slug, n = base, 1
        while hash(slug) in self.slugs:
            n += 1
            slug = f"{base[:94]}-{n}"
        self.slugs.add(hash(slug))
        return slug

    def new_citation_key(self, wanted, values, first_family, report=None, where=""):
        if wanted and len(wanted) <= CITATION_KEY_MAX and key_validator.regex.match(wanted):
            if hash(wanted) not in self.citation_keys:
                self.citation_keys.add(hash(wanted))
                return wanted
            renamed = self._made_up_key(values, first_family)
            if report is not None:
                warn_entry(report, f"{where}: citation key {wanted!r} is taken by another publication; "
                                   f"stored as {renamed!r}")  # fmt: skip
            return renamed
        if wanted and report is not None:
            warn_entry(report, f"{where}: citation key {wanted!r} cannot be used (spaces or characters BibTeX "
                               "cannot read); a new key was made")  # fmt: skip
        return self._made_up_key(values, first_family)

    def _made_up_key(self, values, first_family):
        words = (ascii_word(w) for w in values["title_normalised"].split())
        word = next((w for w in words if w and w not in STOPWORDS), "")
        base = f"{ascii_word(first_family) or 'anon'}{values.get('year') or ''}{word}"[:90]
        key, n = base, 1
        while hash(key) in self.citation_keys:
            n += 1
            key = f"{base}{chr(ord('a') + n - 2)}" if n <= 27 else f"{base}-{n}"
        self.citation_keys.add(hash(key))
        return key


def _family(name):
    return split_name(name)[1] or name


@functools.lru_cache(maxsize=65536)
def family_key(name):
    """A folded family name for comparing author lists ("Sima, C." and "Chijun Sima" agree)."""
    return ascii_word(_family(name).split(" ")[-1]) or ascii_word(name)


def authors_agree(first, second):
    """Two author lists are the same paper's: either is unknown, or same first author and most names shared."""
    if not first or not second:
        return True
    if first[0] != second[0]:
        return False
    a, b = set(first), set(second)
    return len(a & b) * 2 >= max(len(a), len(b))


# --- Writing --------------------------------------------------------------------------------


def _chunks(items, size=BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_publication_records(
    *,
    actor,
    records,
    report,
    source="",
    member_index=None,
    index=None,
    profile=None,
    link_others=True,
    batch_size=None,
):
    """Clean, match and write publication records (call inside a transaction).

    `profile`: import into this member's list: only records naming them among the
    authors are imported, and their author row is linked to them. `link_others`: also
    link the other authors to lab members (False for a member importing their own
    papers: they may only claim their own author row).
    Returns the id of each record's publication, in record order (None if not imported).

    `records` may be any iterable (a parser's generator): they are cleaned, matched and
    written in batches of `batch_size` (BATCH_SIZE), so memory holds one batch of records
    plus the small match keys of the run (identifiers, normalised titles, family names),
    whatever the file's size. A record that is the same paper as one written in an earlier
    batch of the run is merged into that row as into any stored paper.
    """
    batch_size = batch_size or BATCH_SIZE
    index = index if index is not None else PublicationIndex.load()
    if member_index is None:
        from profiles.imports.matching import member_index_from_db

        member_index = member_index_from_db()
    own_index = (
        build_member_index([(profile.pk, profile.full_name, profile.native_name, profile.orcid)])
        if profile is not None
        else None
    )
    run = _Run(functools.partial(
        _write_batch, actor=actor, profile=profile, link_others=link_others, report=report, index=index,
    ))  # fmt: skip
    matches = {}  # (name, orcid) -> match_author's answer: a lab's papers repeat the same few names
    for record in records:
        cleaned = clean_record(record, report, source)
        if cleaned is None:
            run.skip()
            continue
        for author in cleaned["authors"]:
            author["profile_id"] = None
        # A CV's own list (JSON Resume, ORCID without contributors): the authors are unknown.
        # They are never invented: the paper is stored without authors and listed by its member.
        listed_by_owner = own_index is not None and not cleaned["authors"]
        if own_index is not None and not listed_by_owner and not _claim_own_row(cleaned, profile, own_index, report):
            run.skip()
            continue
        if link_others:
            _link_members(cleaned, member_index, matches, report)
        if listed_by_owner:
            _list_by_owner(cleaned, profile, report)
        known = None if listed_by_owner else cleaned["authors"]  # unknown authors agree with any list
        run.place(cleaned, known, index, report)
        if len(run) >= batch_size:
            run.flush()
    run.flush()
    return run.ids()


def _claim_own_row(cleaned, profile, own_index, report):
    """Link the importing member to their own author row; False (and a warning) when the list
    does not name them exactly once: the record is skipped."""
    authors = cleaned["authors"]
    own = [i for i, a in enumerate(authors) if match_author(a["name"], a["orcid"], own_index)[0]]
    if len(own) != 1:
        why = "is not in the author list" if not own else "matches several authors"
        report.warn(
            f"{cleaned['where']}: skipped: {profile.full_name} {why} "
            "(check the spelling of the name or the native-script name on the profile)"
        )
        return False
    authors[own[0]]["profile_id"] = profile.pk
    authors[own[0]]["selected"] = cleaned["selected"]  # al-folio's selected={true}
    return True


def _link_members(cleaned, member_index, matches, report):
    """Link the still unlinked authors to the lab's members (an ambiguous name stays unlinked)."""
    authors = cleaned["authors"]
    for author in authors:
        if author["profile_id"]:
            continue
        key = (author["name"], author["orcid"])
        if key not in matches:
            matches[key] = match_author(author["name"], author["orcid"], member_index)
        pk, ambiguous = matches[key]
        if ambiguous:
            report.warn(f"{cleaned['where']}: author {author['name']!r} matches several members; not linked")
        elif pk and all(a["profile_id"] != pk for a in authors):
            author["profile_id"] = pk


def _list_by_owner(cleaned, profile, report):
    """A record without authors in a member's own list: stored with authors unknown, listed by them."""
    cleaned["values"]["authors_unknown"] = True
    cleaned["authors"].append(
        {
            "name": profile.full_name,
            "orcid": "",
            "equal_contribution": False,
            "corresponding": False,
            "profile_id": profile.pk,
        }
    )
    warn_entry(report, f"{cleaned['where']}: no author list in the file; stored with authors unknown, "
                       f"listed by {profile.full_name}")  # fmt: skip


class _Run:
    """The records of one run, in batches: each is a new row or a merge into a paper (stored, or
    new in this run); `write` writes a batch and returns its new rows' ids."""

    def __init__(self, write):
        self.write = write
        self.new_rows = []  # [{"values", "authors", "key"}] of this batch, in order
        self.merges = []  # (target, cleaned) of this batch
        self.touched = []  # per record: a stored pk, -(n + 1) for the run's n-th new row, or None
        self.created = []  # pk of the run's n-th new row, once written
        self.first_new = 0  # the run's number of new_rows[0]

    def __len__(self):
        return len(self.new_rows) + len(self.merges)

    def skip(self):
        self.touched.append(None)

    def place(self, cleaned, known, index, report):
        """A new row, or a merge into the paper `index` finds (`known`: the authors, or None)."""
        target = index.find(cleaned["values"], known)
        if target is None:
            target = ("new", self.first_new + len(self.new_rows))
            first = cleaned["authors"][0]["name"] if cleaned["authors"] else ""
            cleaned["key"] = index.new_citation_key(
                cleaned["citation_key"], cleaned["values"], _family(first), report, cleaned["where"]
            )
            cleaned["slug"] = index.new_slug(cleaned["key"])
            self.new_rows.append(cleaned)
            index.add(target, cleaned["values"], known)
        else:
            self.merges.append((target, cleaned))
        self.touched.append(target[1] if target[0] == "db" else -(target[1] + 1))

    def flush(self):
        self.created.extend(
            self.write(new_rows=self.new_rows, merges=self.merges, first_new=self.first_new, created=self.created)
        )
        self.first_new += len(self.new_rows)
        self.new_rows, self.merges = [], []

    def ids(self):
        """The publication id of each record, in record order (None: not imported)."""
        return [None if t is None else t if t >= 0 else self.created[-t - 1] for t in self.touched]


def _write_batch(*, actor, profile, link_others, report, index, new_rows, merges, first_new, created):
    """Write one batch: merges, then the new rows; returns the new rows' ids in order."""
    earlier = _merge_into_batch(merges, new_rows, first_new, created, report)
    run_ids = {t[1] for t, _ in earlier}
    merges = [*(m for m in merges if m[0][0] == "db"), *earlier]
    history = {"default_user": actor if getattr(actor, "pk", None) else None}
    changed_authors = _merge_into_stored(
        merges, run_ids, actor=actor, profile=profile, link_others=link_others, report=report, index=index,
        history=history,
    )  # fmt: skip
    if changed_authors.get("update"):
        updated = list(changed_authors["update"].values())
        report.count("authorship", "updated", len(updated))
        bulk_update_with_history(updated, Authorship, ["profile"], batch_size=BATCH_SIZE, **history)
    return _insert_batch(new_rows, changed_authors.get("create", []), actor, report)


def _merge_into_batch(merges, new_rows, first_new, created, report):
    """Merges into papers new in this batch: fill blanks, link more authors. Returns the merges
    into papers an earlier batch of this run wrote, as merges into stored papers."""
    earlier = []  # merges into rows written by an earlier batch of this run
    for target, cleaned in merges:
        if target[0] == "new" and target[1] < first_new:
            earlier.append((("db", created[target[1]]), cleaned))
        elif target[0] == "new":
            base = new_rows[target[1] - first_new]
            taken = []
            for name in FILL_FIELDS:
                if base["values"][name] in ("", None) and cleaned["values"][name] not in ("", None):
                    base["values"][name] = cleaned["values"][name]
                    taken.append(name)
            if base["values"].get("authors_unknown") and not cleaned["values"].get("authors_unknown"):
                base["authors"] = cleaned["authors"]  # a real author list replaces "listed by"
                base["values"]["authors_unknown"] = False
                taken.append("authors")
            _merge_authors(base["authors"], cleaned["authors"], report, cleaned["where"])
            report.note(
                f"{cleaned['where']}: same paper as {base['where']} (merged"
                + (f"; took {', '.join(taken)} from the later entry)" if taken else ")")
            )
    return earlier


def _merge_into_stored(merges, run_ids, *, actor, profile, link_others, report, index, history):
    """Merges into papers already in the lab (fetched in chunks, updated in bulk): fill blanks,
    give a paper without authors the record's, link more authors. Returns the author rows to
    write: {"create": [Authorship], "update": {pk: Authorship}}."""
    db_ids = sorted({t[1] for t, _ in merges})
    existing, author_rows = {}, {}
    for chunk in _chunks(db_ids):
        existing.update(Publication.objects.in_bulk(chunk))
        for row in Authorship.objects.filter(publication_id__in=chunk).order_by("position"):
            author_rows.setdefault(row.publication_id, []).append(row)
    changed_pubs, changed_fields, changed_authors = {}, set(), {}
    for target, cleaned in merges:
        if target[0] != "db":
            continue
        publication = existing[target[1]]
        if not _may_change(actor, profile, link_others, author_rows.get(publication.pk, []), cleaned["authors"]):
            report.warn(f"{cleaned['where']}: matches {publication.citation_key}, which you may not change")
            continue
        filled = _fill_stored(publication, target, cleaned, index)
        if filled:
            changed_pubs[publication.pk] = publication
            changed_fields.update(filled)
        if publication.pk in run_ids:
            report.note(
                f"{cleaned['where']}: same paper as {publication.citation_key}, an earlier entry of this run (merged"
                + (f"; took {', '.join(filled)} from the later entry)" if filled else ")")
            )
        elif filled:
            report.note(f"{cleaned['where']}: same paper as {publication.citation_key}; filled in {', '.join(filled)}")
        rows = author_rows.setdefault(publication.pk, [])
        if not rows:
            for position, author in enumerate(cleaned["authors"], start=1):
                rows.append(Authorship(
                    publication=publication, position=position, name=author["name"],
                    profile_id=author["profile_id"], equal_contribution=author["equal_contribution"],
                    corresponding=author["corresponding"],
                ))  # fmt: skip
            report.count("authorship", "created", len(rows))
            changed_authors.setdefault("create", []).extend(rows)
            continue
        for row in _link_existing_rows(rows, cleaned["authors"], report, cleaned["where"]):
            changed_authors.setdefault("update", {})[row.pk] = row

    stored = {t[1] for t, _ in merges} - run_ids  # papers of this run are counted as created
    report.count("publication", "updated", len(stored & set(changed_pubs)))
    report.count("publication", "unchanged", len(stored - set(changed_pubs)))
    if changed_pubs:
        changed = list(changed_pubs.values())
        fields = _with_rendered_markdown(changed, changed_fields)
        bulk_update_with_history(changed, Publication, fields, batch_size=BATCH_SIZE, **history)
    return changed_authors


def _fill_stored(publication, target, cleaned, index):
    """Fill the blank fields of a stored `publication` from the record (never an identifier that
    belongs to another paper); returns the names filled."""
    filled = []
    for name in FILL_FIELDS:
        new = cleaned["values"][name]
        if getattr(publication, name) in ("", None) and new not in ("", None):
            if name in ("doi", "arxiv_id") and index.find({name: new}) not in (None, target):
                continue  # that identifier belongs to another paper
            setattr(publication, name, new)
            filled.append(name)
    return filled


def _insert_batch(new_rows, created_authors, actor, report):
    """New papers, then their authors (and the author lists given to stored papers without one):
    plain multi-row INSERTs with their history rows. Returns the new papers' ids in order."""
    user_id = actor.pk if getattr(actor, "pk", None) else None
    created_ids = insert_publications(
        [row["values"] | {"citation_key": row["key"], "slug": row["slug"]} for row in new_rows], user_id
    )
    new_authors = [
        (created_ids[i], position, author)
        for i, row in enumerate(new_rows)
        for position, author in enumerate(row["authors"], start=1)
    ]
    new_authors += [
        (row.publication_id, row.position, {"name": row.name, "profile_id": row.profile_id,
                                            "equal_contribution": row.equal_contribution,
                                            "corresponding": row.corresponding})
        for row in created_authors
    ]  # fmt: skip
    insert_authorships(new_authors, user_id)
    report.count("authorship", "created", len(new_authors) - len(created_authors))
    report.count("publication", "created", len(new_rows))
    return created_ids


# --- Fast inserts ---------------------------------------------------------------------------
#
# Model instances cost ~50 µs each to build and the ORM's INSERT compiler as much again per
# row; a lab's 10,000 papers with 45,000 authors and their history rows would take a minute.
# So new rows go in as parameter tuples through executemany (one statement per batch),
# with the same columns simple_history writes for a creation ("+").

LOOKUP_CHUNK = 900  # under SQLite's 999 bound parameters


def _insert(model, columns, rows):
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)


def _history_columns(model, names):
    """Columns of `model`'s history table: the row's own `names`, then the history bookkeeping."""
    history = model.history.model
    by_name = {f.name: f.column for f in history._meta.concrete_fields}
    extra = ["history_date", "history_change_reason", "history_type", "history_user"]
    return history, [by_name[n] for n in [*names, *extra]]


def _insert_with_history(model, names, rows, ids, user_id):
    """History rows ("+", now, the actor) for `rows` (tuples in `names` order) and their ids."""
    history, columns = _history_columns(model, ["id", *names])
    extra = (connection.ops.adapt_datetimefield_value(timezone.now()), "import", "+", user_id)
    _insert(history, columns, [(pk, *row, *extra) for pk, row in zip(ids, rows, strict=True)])


PUBLICATION_NAMES = [f.name for f in Publication._meta.concrete_fields if not f.primary_key]
PUBLICATION_COLUMNS = [f.column for f in Publication._meta.concrete_fields if not f.primary_key]
AUTHORSHIP_NAMES = ["publication", "position", "name", "profile", "equal_contribution", "corresponding", "selected"]
AUTHORSHIP_COLUMNS = [Authorship._meta.get_field(n).column for n in AUTHORSHIP_NAMES]


def _with_rendered_markdown(publications, fields):
    """`fields` (sorted) plus the `<field>_html` of each Markdown field among them, rendered
    now on `publications`: a bulk update skips save(), which renders them for one paper."""
    names = set(fields) & set(Publication.markdown_fields)
    for publication in publications if names else ():
        publication.render_markdown_fields(names)
    return sorted({*fields, *(f"{name}_html" for name in names)})


def insert_publications(rows, user_id):
    """Insert publications ({field: value}, citation_key set); returns their ids in order."""
    if not rows:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for row in rows:
        if "title_normalised" not in row:
            row["title_normalised"] = normalise_title(row["title"])[:500]
        if not row.get("slug"):
            row["slug"] = slug_for_key(row["citation_key"])
        row.setdefault("authors_truncated", False)
        row.setdefault("authors_unknown", False)
        # What save() stores for a single paper (RendersMarkdown): the abstract as sanitised HTML.
        row["abstract_html"] = render_markdown(row.get("abstract") or "")
        row["created_at"] = row["updated_at"] = now
    defaults = dict.fromkeys(PUBLICATION_NAMES) | {n: "" for n in PUBLICATION_NAMES if n in LIMITS}
    columns = operator.itemgetter(*PUBLICATION_NAMES)
    tuples = [columns(defaults | row) for row in rows]
    _insert(Publication, PUBLICATION_COLUMNS, tuples)
    ids = {}
    keys = [row["citation_key"] for row in rows]
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        ids.update(Publication.objects.filter(citation_key__in=chunk).values_list("citation_key", "pk"))
    pks = [ids[key] for key in keys]
    _insert_with_history(Publication, PUBLICATION_NAMES, tuples, pks, user_id)
    return pks


def insert_authorships(items, user_id):
    """Insert (publication_id, position, author dict) rows and their history."""
    if not items:
        return
    tuples = [
        (pub_id, position, a["name"], a.get("profile_id"), bool(a.get("equal_contribution")),
         bool(a.get("corresponding")), bool(a.get("selected")) and bool(a.get("profile_id")))
        for pub_id, position, a in items
    ]  # fmt: skip
    _insert(Authorship, AUTHORSHIP_COLUMNS, tuples)
    ids = {}
    pub_ids = sorted({row[0] for row in tuples})
    for chunk in _chunks(pub_ids, LOOKUP_CHUNK):
        found = Authorship.objects.filter(publication_id__in=chunk).values_list("publication_id", "position", "pk")
        ids.update(((pub, pos), pk) for pub, pos, pk in found)
    _insert_with_history(Authorship, AUTHORSHIP_NAMES, tuples, [ids[row[:2]] for row in tuples], user_id)


def _may_change(actor, profile, link_others, rows, authors):
    """A member (link_others False) may change a lab paper only as one of its authors."""
    if link_others or profile is None:
        return True
    if any(row.profile_id == profile.pk for row in rows):
        return True
    # Not linked yet: they may claim their own, still unlinked, author row, printed under a
    # verified name (not one they set themselves, e.g. native_name: issue 12, finding 1b).
    own = next((i for i, a in enumerate(authors) if a["profile_id"] == profile.pk), None)
    if own is None or not rows:
        return own is not None
    from publications.services import verified_name_variants

    return (
        own < len(rows) and rows[own].profile_id is None
        and rows[own].name.casefold() in verified_name_variants(profile)
    )  # fmt: skip


def _merge_authors(base, incoming, report, where):
    """Link members found by another copy of the same paper (same position, same name)."""
    linked = {a["profile_id"] for a in base if a["profile_id"]}
    for position, author in enumerate(incoming):
        pk = author["profile_id"]
        if not pk or pk in linked:
            continue
        slot = _slot_for(base, position, author["name"])
        if slot is not None and not base[slot]["profile_id"]:
            base[slot]["profile_id"] = pk
            linked.add(pk)


def _slot_for(rows, position, name):
    """The row of `rows` (dicts or Authorship) printing `name`: same position first."""
    from profiles.imports.matching import printed_keys

    wanted = set(printed_keys(name))

    def same(row):
        row_name = row["name"] if isinstance(row, dict) else row.name
        return bool(wanted & set(printed_keys(row_name))) or row_name == name

    if position < len(rows) and same(rows[position]):
        return position
    hits = [i for i, row in enumerate(rows) if same(row)]
    return hits[0] if len(hits) == 1 else None


def _link_existing_rows(rows, authors, report, where):
    linked = {row.profile_id for row in rows if row.profile_id}
    changed = []
    for position, author in enumerate(authors):
        pk = author["profile_id"]
        if not pk or pk in linked:
            continue
        slot = _slot_for(rows, position, author["name"])
        if slot is None:
            report.warn(f"{where}: could not find {author['name']!r} in the stored author list; not linked")
            continue
        if rows[slot].profile_id is None:
            rows[slot].profile_id = pk
            linked.add(pk)
            changed.append(rows[slot])
    return changed


# --- The admin's spreadsheet import (django-import-export), in bulk ----------------------------
#
# PublicationResource (publications/resources.py) hands the rows of an admin CSV/XLSX/JSON
# import here, for the preview (a dry run, rolled back by the caller) and for the confirmed
# import. Same meaning as the resource's row-by-row path: rows are keyed by citation_key, a
# stored paper takes the row's values (it is an edit made in a spreadsheet, not a merge), its
# authors are replaced when the list differs (a member linked at a position keeps the link
# while the printed name stays); new papers get their authors matched to members. Queries
# grow with batches, not rows.

SHEET_FIELDS = list(publication_fields.BIBLIOGRAPHIC)


def _sheet_value(name, raw):
    """A cell -> the model field's value, normalised and validated (ValidationError)."""
    field = Publication._meta.get_field(name)
    raw = "" if raw is None else raw
    if name in ("year", "month"):
        text = str(raw).strip()
        if not text:
            return None
        try:
            raw = parse_number(text)
        except ValueError:
            raise ValidationError(f"{text!r} is not a number") from None
    else:
        raw = str(raw)
        if name in ("doi", "arxiv_id") and raw:
            raw = normalise_identifier(name, raw)
    return field.clean(raw, None)


def _sheet_authors(publication_id, old_rows, wanted, member_index, matches):
    """Author rows (tuples for insert_authorships) replacing `old_rows` with the `wanted` list."""
    from profiles.imports.matching import printed_keys

    existing = {row.position: row for row in old_rows}
    out, linked = [], set()
    for position, author in enumerate(wanted, start=1):
        old = existing.get(position)
        same_name = old is not None and set(printed_keys(old.name)) & set(printed_keys(author["name"]))
        keep = bool(same_name and old.profile_id)
        if keep:
            profile_id = old.profile_id
        else:
            if author["name"] not in matches:
                matches[author["name"]] = match_author(author["name"], "", member_index)[0]
            profile_id = matches[author["name"]]
        if profile_id in linked:
            profile_id = None
        linked.add(profile_id)
        out.append((publication_id, position, {
            "name": author["name"], "profile_id": profile_id, "equal_contribution": author["equal_contribution"],
            "corresponding": author["corresponding"], "selected": bool(keep and old.selected),
        }))  # fmt: skip
    return out


def same_author_list(rows, wanted):
    """Stored Authorship `rows` (in position order) print exactly the `wanted` author dicts: the
    same names in the same order with the same * and † flags (else the sheet replaces them)."""
    return [(a.name, a.equal_contribution, a.corresponding) for a in rows] == [
        (a["name"], a["equal_contribution"], a["corresponding"]) for a in wanted
    ]


def replacement_authorships(publication, old_rows, wanted, member_index, matches=None):
    """Unsaved Authorship rows replacing `old_rows` of `publication` with the `wanted` list: the
    admin sheet's rule for both of its paths (in bulk here, row by row in resources.py)."""
    matches = {} if matches is None else matches
    return [
        Authorship(publication=publication, position=position, **author)
        for _, position, author in _sheet_authors(publication.pk, old_rows, wanted, member_index, matches)
    ]


def import_spreadsheet_rows(*, actor, rows, columns):
    """Write the admin spreadsheet's `rows` ({column: cell}, keyed by citation_key; call inside a
    transaction). Returns one outcome per row: (kind, publication id, title, problems) with kind
    "new", "update", "skip" or "invalid" (problems: {field: [messages]})."""
    from profiles import permissions

    if actor is not None and not permissions.can_manage_lab(actor):
        raise PermissionDenied("Only lab admins import publications from a spreadsheet.")
    columns = [c for c in columns if c in SHEET_FIELDS or c in ("citation_key", "authors")]
    fields = [c for c in columns if c in SHEET_FIELDS]
    keys = [str(row.get("citation_key") or "").strip() for row in rows]
    stored, old_authors, identifiers = _sheet_lookups(rows, keys)
    sheet = _SheetChanges(old_authors)
    seen = {}
    for number, (row, key) in enumerate(zip(rows, keys, strict=True), start=1):
        publication = stored.get(key)
        values, problems = _check_sheet_row(row, key, number, fields, publication, seen, identifiers)
        authors = parse_authors(row.get("authors") or "") if "authors" in columns else None
        if problems:
            sheet.outcomes.append(("invalid", None, values.get("title", ""), problems))
        else:
            sheet.add(key, values, authors, publication)
    ids = _write_sheet(sheet, actor)
    return [
        (kind, ids[target] if kind == "new" else target, title, problems)
        for kind, target, title, problems in sheet.outcomes
    ]


def _sheet_lookups(rows, keys):
    """What the sheet's rows refer to, in chunked queries: the stored papers by citation key,
    their author rows in order, and the owners of the rows' DOIs and arXiv ids."""
    stored, old_authors = {}, {}
    for chunk in _chunks(sorted(set(keys)), LOOKUP_CHUNK):
        for publication in Publication.objects.filter(citation_key__in=chunk):
            stored[publication.citation_key] = publication
    for chunk in _chunks(sorted(p.pk for p in stored.values()), LOOKUP_CHUNK):
        for row in Authorship.objects.filter(publication_id__in=chunk).order_by("position"):
            old_authors.setdefault(row.publication_id, []).append(row)
    identifiers = {}  # ("doi", value) -> citation key, for rows and stored papers
    for name in ("doi", "arxiv_id"):
        wanted = sorted({str(r.get(name) or "").strip().lower() for r in rows} - {""})
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            query = Publication.objects.filter(**{f"{name}__in": chunk}).values_list(name, "citation_key")
            identifiers.update(((name, value.lower()), key) for value, key in query)
    return stored, old_authors, identifiers


def _check_sheet_row(row, key, number, fields, publication, seen, identifiers):
    """One sheet row's field values and its problems ({field: [messages]}), the model's rules
    plus those across rows: a citation key, DOI or arXiv id on two rows or owned by another paper."""
    from publications.models import check_citation_key

    problems = {}
    values = {}
    for name in fields:
        try:
            values[name] = _sheet_value(name, row.get(name))
        except ValidationError as exc:
            problems[name] = exc.messages
    if key in seen:
        problems["citation_key"] = [f"{key!r} is on row {seen[key]} too"]
    else:
        try:
            check_citation_key(key)
        except ValidationError as exc:
            problems.update(exc.message_dict)
    seen.setdefault(key, number)
    year = values.get("year", getattr(publication, "year", None)) if "year" in values or publication else None
    if values.get("month") and not year:
        problems["month"] = ["A month needs a year."]
    for name, label in (("doi", "DOI"), ("arxiv_id", "arXiv id")):
        value = (values.get(name) or "").lower()
        owner = identifiers.get((name, value)) if value else None
        if owner is not None and owner != key:
            problems[name] = [f"Publication with this {label} already exists ({owner})."]
        elif value:
            identifiers[(name, value)] = key
    if not problems and "title" in fields and not values.get("title"):
        problems["title"] = ["This field cannot be blank."]
    return values, problems


class _SheetChanges:
    """What the valid rows of a sheet change: new papers, stored papers edited, author lists
    replaced, and one outcome per row (a new paper's target: its number among the new rows)."""

    def __init__(self, old_authors):
        self.old_authors = old_authors
        self.outcomes, self.new_rows, self.new_authors, self.updated, self.replaced = [], [], [], {}, []
        self.changed_fields = set()

    def add(self, key, values, authors, publication):
        if publication is None:
            full = {name: Publication._meta.get_field(name).get_default() for name in SHEET_FIELDS}
            full.update(values)
            full["citation_key"] = key
            self.new_rows.append(full)
            self.new_authors.append(authors or [])
            self.outcomes.append(("new", len(self.new_rows) - 1, full["title"], None))
            return
        changes = {name: value for name, value in values.items() if getattr(publication, name) != value}
        authors_differ = authors is not None and not same_author_list(self.old_authors.get(publication.pk, []), authors)
        if not changes and not authors_differ:
            self.outcomes.append(("skip", publication.pk, publication.title, None))
            return
        for name, value in changes.items():
            setattr(publication, name, value)
            self.changed_fields.add(name)
        if "title" in changes:
            publication.title_normalised = normalise_title(publication.title)[:500]
            self.changed_fields.add("title_normalised")
        self.updated[publication.pk] = publication
        if authors_differ:
            self.replaced.append((publication, authors))
        self.outcomes.append(("update", publication.pk, publication.title, None))


def _write_sheet(sheet, actor):
    """Write a sheet's changes: edited papers in bulk, replaced author lists through the service,
    new papers and their authors (matched to members) by insert. Returns the new papers' ids."""
    from profiles.imports.matching import member_index_from_db

    member_index, matches = member_index_from_db(), {}
    user_id = actor.pk if getattr(actor, "pk", None) else None
    history = {"default_user": actor if getattr(actor, "pk", None) else None}
    if sheet.updated:
        now = timezone.now()
        for publication in sheet.updated.values():
            publication.updated_at = now
        changed = list(sheet.updated.values())
        fields = _with_rendered_markdown(changed, sheet.changed_fields | {"updated_at"})
        bulk_update_with_history(changed, Publication, fields, batch_size=BATCH_SIZE, **history)
    if sheet.replaced:  # an edited author list: replaced through the service, with its history (few rows)
        from publications.services import publication_replace_authors

        for publication, authors in sheet.replaced:
            rows_ = replacement_authorships(
                publication, sheet.old_authors.get(publication.pk, []), authors, member_index, matches
            )
            publication_replace_authors(actor=actor, publication=publication, rows=rows_)
    slugs = _free_slugs([row["citation_key"] for row in sheet.new_rows])
    for row in sheet.new_rows:
        row["slug"] = slugs[row["citation_key"]]
    ids = insert_publications(sheet.new_rows, user_id)
    author_rows = []
    for publication_id, authors in zip(ids, sheet.new_authors, strict=True):
        author_rows += _sheet_authors(publication_id, [], authors, member_index, matches)
    insert_authorships(author_rows, user_id)
    if sheet.new_rows or sheet.updated:  # bulk writes bypass post_save: invalidate the cached pages once
        from django.db import transaction

        from profiles.cache import bump_generation

        transaction.on_commit(bump_generation)
    return ids


def _free_slugs(keys):
    """A unique page slug for each new citation key (checked against the lab in chunks)."""
    wanted = {key: slug_for_key(key) for key in keys}
    taken = set()
    for chunk in _chunks(sorted(set(wanted.values())), LOOKUP_CHUNK):
        taken.update(Publication.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    out = {}
    for key, base in wanted.items():
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base[:94]}-{n}"
            if slug not in taken and Publication.objects.filter(slug=slug).exists():
                taken.add(slug)
        taken.add(slug)
        out[key] = slug
    return out
