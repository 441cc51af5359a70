"""Publications shared by the whole lab, with ordered authorship."""

import logging
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from simple_history.models import HistoricalRecords

from profiles.markdown import RendersMarkdown

logger = logging.getLogger(__name__)

doi_validator = RegexValidator(
    r"^10(\.\d{4,9})?/\S+$",
    "A DOI looks like 10.1145/3477132.3483574 or the short form 10/fqd6hj (without https://doi.org/).",
)
arxiv_validator = RegexValidator(
    r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})$",
    "An arXiv identifier looks like 2203.01234 (without the version or the arXiv: prefix).",
)
# Citation keys are kept verbatim (a user's \cite{DBLP:journals/algorithmica/ChauguleL24} must keep
# working), so they may hold "/" and ":"; what BibTeX itself cannot read in a key is refused.
# Page addresses use `slug`, which is always URL-safe.
CITATION_KEY_MAX = 250
SLUG_MAX = 100
key_validator = RegexValidator(
    r"^[^\s,{}()\"#%'=\\~]+$",
    "A citation key has no spaces or line breaks and none of , { } ( ) \" # %% ' = \\ ~ "
    "(e.g. sima2022ekko or DBLP:journals/tocs/Sima22).",
)
slug_validator = RegexValidator(r"^[A-Za-z0-9_\-.:]+$", "Use letters, digits and - _ : . only.")
_NOT_SLUG = re.compile(r"[^A-Za-z0-9_\-.:]+")


def slug_for_key(key):
    """URL-safe slug of a citation key: ``DBLP:journals/tocs/Sima22`` -> ``DBLP:journals-tocs-Sima22``."""
    text = unicodedata.normalize("NFKD", key or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    slug = _NOT_SLUG.sub("-", text).strip("-.:")[:SLUG_MAX].strip("-.:")
    return slug or "paper"


def check_citation_key(key):
    """Raise ValidationError unless `key` is a usable citation key (the one rule every path applies)."""
    if len(key) > CITATION_KEY_MAX:
        raise ValidationError({"citation_key": f"A citation key has at most {CITATION_KEY_MAX} characters."})
    try:
        key_validator(key)
    except ValidationError as exc:
        raise ValidationError({"citation_key": exc.messages}) from exc


STOPWORDS = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward"}


_NOT_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
# Combining marks of the Basic Multilingual Plane, in one character class: removing them with
# one regex pass is ~10x faster than testing unicodedata.combining() per character.
_COMBINING_BMP = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))) + "]"
)


def normalise_title(title):
    """Fold a title for duplicate detection: no accents, case, punctuation or braces."""
    text = title or ""
    if not text.isascii():  # most titles are: skip the accent folding
        text = unicodedata.normalize("NFKD", text)
        if max(text) <= "\uffff":
            text = _COMBINING_BMP.sub("", text)
        else:  # combining marks outside the BMP too
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def ascii_word(text):
    text = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode().lower())


class PublicationQuerySet(models.QuerySet):
    def with_authors(self):
        return self.prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("profile").order_by("position"),
            )
        )

    def for_profile(self, profile):
        return self.filter(authorships__profile=profile).distinct()


class Publication(RendersMarkdown, models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference paper"
        JOURNAL = "journal", "Journal article"
        WORKSHOP = "workshop", "Workshop paper"
        PREPRINT = "preprint", "Preprint"
        THESIS = "thesis", "Thesis"
        CHAPTER = "chapter", "Book chapter"
        BOOK = "book", "Book"
        PATENT = "patent", "Patent"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CONFERENCE, db_index=True)
    title = models.CharField(max_length=1000)
    venue = models.TextField(blank=True, help_text="Full name of the conference or journal.")
    venue_short = models.CharField(max_length=200, blank=True, help_text="Badge, e.g. “OSDI '22”.")
    year = models.PositiveIntegerField(
        null=True, blank=True, db_index=True, validators=[MinValueValidator(1800), MaxValueValidator(2200)]
    )
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    volume = models.CharField(max_length=200, blank=True)
    number = models.TextField(blank=True, help_text="Issue or report number(s).")
    pages = models.CharField(max_length=200, blank=True)
    publisher = models.TextField(blank=True)
    doi = models.CharField(max_length=300, blank=True, validators=[doi_validator], verbose_name="DOI")
    arxiv_id = models.CharField(max_length=40, blank=True, validators=[arxiv_validator], verbose_name="arXiv id")
    abstract = models.TextField(blank=True)
    # The abstract rendered and sanitised when the row is written (RendersMarkdown; bulk
    # writes in publications/imports/pipeline.py fill it too): derived, never imported or exported.
    abstract_html = models.TextField(blank=True, default="", editable=False)
    markdown_fields = {"abstract": False}
    note = models.TextField(blank=True, help_text="e.g. “Supervised by Luo Mai”.")
    keywords = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True, verbose_name="paper URL")
    url_pdf = models.URLField(max_length=2000, blank=True, verbose_name="PDF")
    url_code = models.URLField(max_length=2000, blank=True, verbose_name="code")
    url_slides = models.URLField(max_length=2000, blank=True, verbose_name="slides")
    url_video = models.URLField(max_length=2000, blank=True, verbose_name="video")
    url_project = models.URLField(max_length=2000, blank=True, verbose_name="project page")
    authors_truncated = models.BooleanField(
        default=False,
        help_text="The author list ends with “and others” (shown as “et al.”).",
    )
    authors_unknown = models.BooleanField(
        default=False,
        help_text="Listed by a member (JSON Resume, ORCID) without its author list: the linked row only "
        "says whose list it came from; it is not an author list.",
    )
    citation_key = models.CharField(
        max_length=CITATION_KEY_MAX,
        unique=True,
        blank=True,
        validators=[key_validator],
        help_text="BibTeX key, kept as imported, e.g. sima2022ekko (made up when blank).",
    )
    # NULL (not "") until save() fills it, so rows written by bulk_create elsewhere never clash;
    # get_absolute_url() then derives the address from the citation key.
    slug = models.CharField(
        max_length=SLUG_MAX,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        validators=[slug_validator],
        help_text="The page address, derived from the citation key.",
    )
    title_normalised = models.CharField(max_length=500, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-month", "title"]
        indexes = [
            # The list's order, so that a page (and a keyset cursor) reads 50 index entries
            # instead of sorting every paper; the second serves ?type= (a rare kind included).
            models.Index(fields=["-year", "-month", "title", "id"], name="publications_list_order"),
            models.Index(fields=["kind", "-year", "-month", "title", "id"], name="publications_kind_order"),
            # The sitemap (profiles/site/sitemaps.py): a file's rows by primary-key range from the
            # index alone (PostgreSQL: an index-only scan), and the newest change at once.
            models.Index(fields=["id"], include=["updated_at", "slug", "citation_key"], name="publications_sitemap"),
            models.Index(fields=["updated_at"], name="publications_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="publications_unique_doi"),
            models.UniqueConstraint(fields=["arxiv_id"], condition=~Q(arxiv_id=""), name="publications_unique_arxiv"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._normalise_identifiers()
        self.title_normalised = normalise_title(self.title)[:500]
        if not self.citation_key:
            self.citation_key = self.unique_citation_key()
        check_citation_key(self.citation_key)
        if not self.slug or not slug_validator.regex.match(self.slug):
            self.slug = self.unique_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self._address("publications:detail")

    def get_bibtex_url(self):
        return self._address("publications:bibtex_file")

    def _address(self, view):
        """The paper's address at `view`, by its slug. Never let one odd row take down a list
        page: a bad slug gives no link ("") and a log line."""
        try:
            return reverse(view, kwargs={"key": self.slug or slug_for_key(self.citation_key)})
        except NoReverseMatch:
            logger.warning("publication %s has no valid page address (slug %r)", self.pk, self.slug)
            return ""

    def unique_slug(self):
        base = slug_for_key(self.citation_key)
        slug, n = base, 1
        taken = Publication.objects.exclude(pk=self.pk)
        while taken.filter(slug=slug).exists():
            n += 1
            slug = f"{base[: SLUG_MAX - 6]}-{n}"
        return slug

    def _normalise_identifiers(self):
        # People paste DOIs as URLs and arXiv ids with prefixes and versions.
        if self.doi:
            from publications.formats import normalise_doi

            self.doi = normalise_doi(self.doi)
        if self.arxiv_id:
            self.arxiv_id = re.sub(r"(^arxiv:)|(v\d+$)", "", self.arxiv_id.strip(), flags=re.I)

    def clean_fields(self, exclude=None):
        self._normalise_identifiers()
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.month and not self.year:
            raise ValidationError({"month": "A month needs a year."})

    def suggested_citation_key(self, first_family=None):
        """“sima2022ekko”: first author's family name, year, first significant title word."""
        if first_family is None:
            first = self.authorships.order_by("position").first() if self.pk else None
            first_family = first.family_name if first else ""
        words = [ascii_word(w) for w in normalise_title(self.title).split()]
        word = next((w for w in words if w and w not in STOPWORDS), "")
        return f"{ascii_word(first_family) or 'anon'}{self.year or ''}{word}"[:90]

    def unique_citation_key(self, first_family=None):
        base = self.suggested_citation_key(first_family)
        key, n = base, 1
        taken = Publication.objects.exclude(pk=self.pk)
        while taken.filter(citation_key=key).exists():
            n += 1
            key = f"{base}{chr(ord('a') + n - 2)}" if n <= 27 else f"{base}-{n}"
        return key

    @property
    def links(self):
        """(label, url) pairs for the small buttons under an entry, in display order."""
        pairs = [
            ("Paper", self.url),
            ("PDF", self.url_pdf),
            ("arXiv", f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""),
            ("DOI", f"https://doi.org/{self.doi}" if self.doi else ""),
            ("Code", self.url_code),
            ("Slides", self.url_slides),
            ("Video", self.url_video),
            ("Project", self.url_project),
        ]
        return [(label, url) for label, url in pairs if url]


class Authorship(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveIntegerField(help_text="1 for the first author.")
    name = models.CharField(max_length=500, help_text="As printed on the paper.")
    profile = models.ForeignKey(
        "profiles.Profile", null=True, blank=True, on_delete=models.SET_NULL, related_name="authorships"
    )
    equal_contribution = models.BooleanField(default=False, help_text="Co-first author (*).")
    corresponding = models.BooleanField(default=False, help_text="Corresponding author (†).")
    selected = models.BooleanField(default=False, help_text="Featured on the linked member's profile page.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="publications_authorship_unique_position"),
            models.UniqueConstraint(
                fields=["publication", "profile"],
                condition=Q(profile__isnull=False),
                name="publications_authorship_unique_profile",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="publications_authorship_position_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"

    @property
    def family_name(self):
        name = self.name.strip()
        if "," in name:
            return name.split(",", 1)[0].strip()
        return name.split()[-1] if name else ""

    def clean(self):
        if self.selected and not self.profile_id:
            raise ValidationError({"selected": "Only an author linked to a member can select the paper."})
