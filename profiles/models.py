"""People and every section of their academic profile.

Each section item has a `position` (ordering within its profile) and a `visibility`
(public / members only / private). Who may see what is decided in
profiles/permissions.py, never here.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from profiles.dates import PartialDateField, check_date_range, end_not_before_start
from profiles.markdown import RendersMarkdown


def _html_field():
    return models.TextField(blank=True, default="", editable=False)


MARKDOWN_HTML_FIELDS = ["description_html", "short_bio_html", "long_bio_html", "research_interests_html",
                        "body_html", "summary_html", "narrative_html", "outcomes_html", "text_html"]  # fmt: skip


orcid_validator = RegexValidator(
    r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
    "An ORCID iD looks like 0000-0002-1825-0097.",
)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    MEMBERS = "members", "Lab members only"
    PRIVATE = "private", "Private"


class Lab(RendersMarkdown, models.Model):
    """The organisation this deployment serves (one row; edited in the admin)."""

    name = models.CharField(max_length=200, default="Our Lab")
    short_name = models.CharField(max_length=40, blank=True)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = _html_field()
    markdown_fields = {"description": False}
    institution = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lab settings"
        verbose_name_plural = "lab settings"

    def __str__(self):
        return self.name

    @classmethod
    def load(cls):
        lab = cls.objects.order_by("pk").first()
        return lab or cls(name="Our Lab")


class ProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def current(self):
        return self.filter(status=Profile.Status.CURRENT)

    def alumni(self):
        return self.filter(status=Profile.Status.ALUMNI)


class Profile(RendersMarkdown, models.Model):
    class Role(models.TextChoices):
        PI = "pi", "Principal investigator"
        FACULTY = "faculty", "Faculty"
        POSTDOC = "postdoc", "Postdoctoral researcher"
        PHD = "phd", "PhD student"
        MASTERS = "masters", "Master's student"
        UNDERGRAD = "undergrad", "Undergraduate student"
        ENGINEER = "engineer", "Research engineer"
        STAFF = "staff", "Staff"
        VISITOR = "visitor", "Visitor"
        COLLABORATOR = "collaborator", "Collaborator"

    class Status(models.TextChoices):
        CURRENT = "current", "Current member"
        ALUMNI = "alumni", "Alumni"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profile",
    )
    slug = models.SlugField(max_length=80, unique=True, help_text="The page address: /people/<slug>/.")
    full_name = models.CharField(max_length=200)
    native_name = models.CharField(max_length=200, blank=True, help_text="Name in its own script, e.g. 中村 愛子.")
    verified_names = models.TextField(
        blank=True,
        help_text="Names a lab admin confirmed for this member, one per line (as printed in author lists). "
        "Claiming an author slot under another name waits for a lab admin's or a co-author's confirmation.",
    )
    pronouns = models.CharField(max_length=40, blank=True)
    headline = models.CharField(
        max_length=250, blank=True, help_text="Position, e.g. “Senior Software Engineer – ML Systems”."
    )
    tagline = models.CharField(
        max_length=250, blank=True, help_text="One sentence under the name, e.g. what you build."
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PHD, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT, db_index=True)
    joined_on = PartialDateField()
    left_on = PartialDateField(help_text="For alumni: when they left the lab.")
    alumni_destination = models.CharField(
        max_length=250, blank=True, help_text="For alumni: where they went (e.g. “Assistant Professor, ETH Zürich”)."
    )
    organisation = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True, help_text="Shown on the public page when set.")
    orcid = models.CharField(max_length=19, blank=True, validators=[orcid_validator])
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    short_bio = models.TextField(blank=True, help_text="Markdown; a paragraph or two.")
    long_bio = models.TextField(blank=True, help_text="Markdown; the full story.")
    research_interests = models.TextField(blank=True, help_text="Markdown; one paragraph.")
    short_bio_html = _html_field()
    long_bio_html = _html_field()
    research_interests_html = _html_field()
    markdown_fields = {"short_bio": False, "long_bio": False, "research_interests": False}
    interest_tags = models.CharField(
        max_length=400, blank=True, help_text="Comma-separated topics, e.g. “ML systems, Compilers”."
    )
    projects_intro = models.CharField(max_length=300, blank=True)
    press_intro = models.CharField(max_length=300, blank=True)
    recognition_intro = models.CharField(max_length=300, blank=True)
    published = models.BooleanField(default=True, help_text="Unpublished pages return 404 to visitors.")
    display_order = models.PositiveIntegerField(default=100, help_text="Order within a role group.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["orcid"], condition=~Q(orcid=""), name="profiles_profile_unique_orcid"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.full_name)[:80] or "member"
        if self._state.adding and not self.verified_names:
            # Whoever creates a profile (a lab admin, an import, an invitation) vouches for its name;
            # later edits of full_name by the member do not change the verified names.
            self.verified_names = self.full_name.strip()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:detail", kwargs={"slug": self.slug})

    def verified_name_list(self):
        return [line.strip() for line in self.verified_names.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.status == self.Status.CURRENT and (self.left_on or self.alumni_destination):
            errors["status"] = "A current member has no leaving date or destination; mark them alumni."
        if self.left_on and self.joined_on and self.left_on < self.joined_on[: len(self.left_on)]:
            errors["left_on"] = "The leaving date is before the joining date."
        if errors:
            raise ValidationError(errors)

    @property
    def interest_list(self):
        return [tag.strip() for tag in self.interest_tags.split(",") if tag.strip()]

    def avatar_url(self, size=192):
        """URL of the square avatar thumbnail nearest above `size` px ("" without an avatar).

        Avatars uploaded through the editing pages have 96/192/400 px thumbnails with
        names derived from the original's (see profiles/uploads.py); anything else
        (e.g. a file set in the Django admin) falls back to the original.
        """
        if not self.avatar:
            return ""
        from profiles.uploads import thumbnail_name

        name = thumbnail_name(self.avatar.name, size)
        return self.avatar.storage.url(name) if name else self.avatar.url


class ImportedItem(models.Model):
    """Marks an item an import (a CV, a site) wrote and its member has not reviewed yet.

    A draft is seen only on the editing pages (and by the owner and lab admins through
    the API and exports); public pages, the CV, feeds and sitemaps leave it out until it
    is confirmed (profiles.sections.visible_q).
    """

    draft = models.BooleanField(
        default=False, db_index=True, help_text="Imported and not yet reviewed: hidden from the public pages."
    )
    imported_from = models.CharField(max_length=300, blank=True, help_text="The file or site it was imported from.")

    class Meta:
        abstract = True


class ProfileLink(ImportedItem):
    class Kind(models.TextChoices):
        HOMEPAGE = "homepage", "Homepage"
        EMAIL = "email", "Email"
        SCHOLAR = "scholar", "Google Scholar"
        ORCID = "orcid", "ORCID"
        GITHUB = "github", "GitHub"
        LINKEDIN = "linkedin", "LinkedIn"
        DBLP = "dblp", "DBLP"
        SEMANTIC_SCHOLAR = "semanticscholar", "Semantic Scholar"
        SOCIAL = "social", "X / Mastodon"
        OTHER = "other", "Other"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    label = models.CharField(max_length=100, blank=True, help_text="Shown text, e.g. “chijun-sima”.")
    url = models.CharField(max_length=500, help_text="https://… (or an address for Email).")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.url}"

    def clean(self):
        from django.core.validators import EmailValidator, URLValidator

        url = self.url.strip()
        if self.kind == self.Kind.EMAIL:
            address = url.removeprefix("mailto:")
            try:
                EmailValidator()(address)
            except ValidationError:
                raise ValidationError({"url": "Enter a valid email address."}) from None
            self.url = f"mailto:{address}"
        else:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise ValidationError(
                    {"url": "Enter a full web address starting with https:// (or http://)."}
                ) from None
            self.url = url

    @property
    def display_label(self):
        return self.label or self.get_kind_display()


class SectionItem(ImportedItem):
    """Common fields of every ordered, per-item-visible section of a profile."""

    position = models.PositiveIntegerField(default=0)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every concrete section gets its own Historical<Model> table.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class DatedRange(models.Model):
    start_date = PartialDateField()
    end_date = PartialDateField()
    is_current = models.BooleanField(default=False, help_text="Ongoing (“– Present”).")

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date, self.is_current)


class FocusTheme(RendersMarkdown, SectionItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="focus_themes")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown; a paragraph.")
    body_html = _html_field()
    markdown_fields = {"body": False}

    class Meta(SectionItem.Meta):
        pass

    def __str__(self):
        return self.title


class NewsItem(RendersMarkdown, SectionItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="news")
    date = PartialDateField(help_text="Optional.")
    body = models.TextField(help_text="Markdown; one or two sentences.")
    body_html = _html_field()
    markdown_fields = {"body": True}

    class Meta(SectionItem.Meta):
        verbose_name = "news item"
        # The lab's latest news on the home page, newest first, without sorting every item.
        indexes = [models.Index(fields=["-date", "-updated_at", "-id"], name="profiles_news_latest")]

    def __str__(self):
        return self.body[:60]


class Education(SectionItem, DatedRange):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="education")
    institution = models.CharField(max_length=200)
    degree = models.CharField(max_length=120, blank=True, help_text="e.g. B.Eng., Ph.D.")
    programme = models.CharField(max_length=200, blank=True, help_text="Field or programme.")
    location = models.CharField(max_length=120, blank=True)
    gpa = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    gpa_scale = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    rank_of = models.PositiveIntegerField(null=True, blank=True, help_text="Cohort size.")
    advisor = models.CharField(max_length=200, blank=True)
    advisor_url = models.URLField(blank=True)
    thesis_title = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta(SectionItem.Meta):
        verbose_name_plural = "education"
        constraints = [end_not_before_start()]

    def __str__(self):
        return " – ".join(filter(None, [self.degree, self.institution]))

    def clean(self):
        super().clean()
        errors = {}
        if self.gpa is not None and self.gpa_scale is not None and self.gpa > self.gpa_scale:
            errors["gpa"] = "The GPA is higher than its scale."
        if self.rank and self.rank_of and self.rank > self.rank_of:
            errors["rank"] = "The rank is larger than the cohort size."
        if errors:
            raise ValidationError(errors)


class Experience(RendersMarkdown, SectionItem, DatedRange):
    class Kind(models.TextChoices):
        INDUSTRY = "industry", "Industry"
        RESEARCH = "research", "Research"
        ACADEMIC = "academic", "Academic appointment"
        INTERNSHIP = "internship", "Internship"
        TEACHING = "teaching", "Teaching"
        VOLUNTEER = "volunteer", "Volunteer"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="experience")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INDUSTRY)
    organisation = models.CharField(max_length=200)
    unit = models.CharField(max_length=200, blank=True, help_text="Team or department, e.g. WeChat.")
    title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=120, blank=True)
    url = models.URLField(blank=True)
    summary = models.TextField(blank=True, help_text="Markdown.")
    summary_html = _html_field()
    markdown_fields = {"summary": False}

    class Meta(SectionItem.Meta):
        verbose_name_plural = "experience"
        constraints = [end_not_before_start()]

    def __str__(self):
        return " – ".join(filter(None, [self.title, self.organisation]))


class Project(RendersMarkdown, SectionItem, DatedRange):
    """A project: stand-alone (“Systems I've built”) or inside a position."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="projects")
    experience = models.ForeignKey(Experience, null=True, blank=True, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=250)
    summary = models.CharField(max_length=300, blank=True, help_text="One line.")
    narrative = models.TextField(blank=True, help_text="Markdown; the long story.")
    outcomes = models.TextField(blank=True, help_text="Markdown.")
    narrative_html = _html_field()
    outcomes_html = _html_field()
    markdown_fields = {"narrative": False, "outcomes": False}
    url = models.URLField(blank=True)
    related_publications = models.ManyToManyField("publications.Publication", blank=True, related_name="projects")

    class Meta(SectionItem.Meta):
        constraints = [end_not_before_start()]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.experience_id and self.profile_id and self.experience.profile_id != self.profile_id:
            raise ValidationError({"experience": "That position belongs to another profile."})


class OpenSourceContribution(RendersMarkdown, SectionItem, DatedRange):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="open_source")
    project = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    role = models.CharField(max_length=250, blank=True)
    summary = models.TextField(blank=True, help_text="Markdown.")
    summary_html = _html_field()
    markdown_fields = {"summary": False}

    class Meta(SectionItem.Meta):
        verbose_name = "open-source contribution"
        constraints = [end_not_before_start()]

    def __str__(self):
        return self.project


class Highlight(RendersMarkdown, models.Model):
    """A bullet with an optional bold label (“Problem.”), nesting one level deep.

    Belongs to exactly one of a project, a position or an open-source entry.
    """

    class Label(models.TextChoices):
        # Suggestions: the field is free text, these are what the seeds use.
        PROBLEM = "Problem", "Problem"
        KEY_IDEA = "Key idea", "Key idea"
        APPROACH = "Approach", "Approach"
        CONTRIBUTIONS = "Technical contributions", "Technical contributions"
        OUTCOMES = "Outcomes", "Outcomes"

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="highlights")
    experience = models.ForeignKey(
        Experience, null=True, blank=True, on_delete=models.CASCADE, related_name="highlights"
    )
    open_source = models.ForeignKey(
        OpenSourceContribution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="highlights",
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    label = models.CharField(max_length=80, blank=True, help_text="Bold lead-in such as Problem, Key idea, Outcomes.")
    text = models.TextField(blank=True, help_text="Markdown; **bold** the figures.")
    text_html = _html_field()
    markdown_fields = {"text": True}
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, experience__isnull=True, open_source__isnull=True)
                    | Q(project__isnull=True, experience__isnull=False, open_source__isnull=True)
                    | Q(project__isnull=True, experience__isnull=True, open_source__isnull=False)
                ),
                name="profiles_highlight_exactly_one_owner",
                violation_error_message="A highlight belongs to exactly one project, position or open-source entry.",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.text[:50]}" if self.label else self.text[:60]

    @property
    def owner(self):
        return self.project or self.experience or self.open_source

    def clean(self):
        owners = [self.project_id, self.experience_id, self.open_source_id]
        if sum(1 for owner in owners if owner) != 1:
            raise ValidationError("A highlight belongs to exactly one project, position or open-source entry.")
        if self.parent_id:
            parent = self.parent
            if parent.parent_id:
                raise ValidationError({"parent": "Highlights nest one level only."})
            if [parent.project_id, parent.experience_id, parent.open_source_id] != owners:
                raise ValidationError({"parent": "A sub-bullet must belong to the same entry as its parent."})
        if not self.label and not self.text:
            raise ValidationError({"text": "Write the highlight (a label alone is not enough)."})


class Talk(SectionItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="talks")
    title = models.CharField(max_length=300)
    abstract = models.TextField(blank=True, help_text="Markdown.")
    publication = models.ForeignKey(
        "publications.Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="talks"
    )

    class Meta(SectionItem.Meta):
        pass

    def __str__(self):
        return self.title


class TalkDelivery(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=250)
    location = models.CharField(max_length=120, blank=True, help_text="City, or “Virtual”.")
    is_virtual = models.BooleanField(default=False)
    date = PartialDateField()
    url = models.URLField(blank=True, help_text="Slides or recording.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "date", "id"]
        verbose_name_plural = "talk deliveries"

    def __str__(self):
        return f"{self.event} ({self.date})" if self.date else self.event

    @property
    def place(self):
        return "Virtual" if self.is_virtual and not self.location else self.location


class Service(SectionItem):
    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        PC_MEMBER = "pc_member", "Program committee member"
        CHAIR = "chair", "Chair"
        ORGANISER = "organiser", "Organiser"
        EDITOR = "editor", "Editor"
        ARTIFACT = "artifact", "Artifact evaluation committee"
        OTHER = "other", "Other"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="service")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    role_detail = models.CharField(max_length=120, blank=True, help_text="e.g. “Publicity chair”.")
    venue = models.CharField(max_length=250)
    year = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    note = models.CharField(max_length=250, blank=True)

    class Meta(SectionItem.Meta):
        verbose_name_plural = "academic service"

    def __str__(self):
        return f"{self.get_role_display()}: {self.venue}"


class Award(SectionItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField(max_length=300)
    awarding_body = models.CharField(max_length=250, blank=True)
    year = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    period = models.CharField(
        max_length=20, blank=True, help_text="As written when it is not a plain year, e.g. 2022H2."
    )
    role = models.CharField(max_length=200, blank=True, help_text="e.g. “Project Lead, Ekko”.")
    note = models.CharField(max_length=300, blank=True)

    class Meta(SectionItem.Meta):
        pass

    def __str__(self):
        return self.title

    @property
    def when(self):
        return self.period or (str(self.year) if self.year else "")

    def clean(self):
        if self.period and self.year and not self.period.startswith(str(self.year)):
            raise ValidationError({"period": "The period does not match the year."})


class PressItem(SectionItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="press")
    outlet = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)
    date = PartialDateField()
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="press")
    publication = models.ForeignKey(
        "publications.Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="press"
    )

    class Meta(SectionItem.Meta):
        verbose_name = "press item"

    def __str__(self):
        return f"{self.outlet}: {self.title}"


class Skill(SectionItem):
    class Category(models.TextChoices):
        SKILL = "skill", "Skill"
        LANGUAGE = "language", "Language"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.SKILL)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=60, blank=True)
    keywords = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")

    class Meta(SectionItem.Meta):
        pass

    def __str__(self):
        return self.name


def new_share_token():
    return secrets.token_urlsafe(24)


class Statement(RendersMarkdown, models.Model):
    class Kind(models.TextChoices):
        PURPOSE = "purpose", "Statement of purpose"
        RESEARCH = "research", "Research statement"
        TEACHING = "teaching", "Teaching statement"
        DIVERSITY = "diversity", "Diversity statement"
        OTHER = "other", "Other"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        MEMBERS = "members", "Lab members only"
        LINK = "link", "Anyone with the link"
        PUBLIC = "public", "Public"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RESEARCH)
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=80)
    body = models.TextField(help_text="Markdown.")
    body_html = _html_field()
    markdown_fields = {"body": False}
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE, db_index=True)
    share_token = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Set when a share link exists; clearing it revokes the link.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "slug"], name="profiles_statement_unique_slug"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "statement"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:statement", kwargs={"slug": self.profile.slug, "statement_slug": self.slug})

    def get_share_url(self):
        return reverse("profiles:shared_statement", kwargs={"token": self.share_token}) if self.share_token else ""

    def create_share_token(self):
        self.share_token = new_share_token()

    def revoke_share_token(self):
        self.share_token = None


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that creates the account of one profile.

    Only a hash of the token is stored: the link itself exists only in the email.
    """

    email = models.EmailField()
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} ({self.profile})"

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self):
        return self.status == "pending"

    def set_new_token(self):
        """Give the invitation a fresh token; returns it (the caller puts it in the email)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token


class ProfileRedirect(models.Model):
    """An old page address that now lives at another profile (after a merge or a rename)."""

    old_slug = models.SlugField(max_length=80, unique=True)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.profile.slug}"


class ImportDraft(models.Model):
    """One imported CV or site of one profile, while its member reviews it.

    The items it wrote are `draft` rows of their sections; this record keeps what the
    rows cannot: the text the reader could not place (`leftovers`, shown on the editing
    dashboard until dismissed), what the file held that the model cannot (`not_imported`),
    the profile fields it proposes for blanks and the papers it found (both written by
    "Confirm all", so nothing reaches the public pages before the member says so), and
    which natural key became which item (so a re-import recognises an item the member
    edited or deleted, and never adds it again).
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="import_drafts")
    source = models.CharField(max_length=300, help_text="The file or site imported.")
    digest = models.CharField(max_length=64, editable=False, help_text="sha256 of what was read (re-import check).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    leftovers = models.JSONField(default=list, blank=True, help_text='[{"section": heading, "text": …}]')
    not_imported = models.JSONField(default=list, blank=True, help_text="Report lines: what the model cannot hold.")
    profile_fields = models.JSONField(default=dict, blank=True, help_text="Proposed values for blank profile fields.")
    publications = models.JSONField(default=list, blank=True, help_text="Publication records, imported on confirm.")
    items = models.JSONField(default=list, blank=True, help_text="[section key, natural key, item id] per item.")
    leftovers_dismissed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="When “Confirm all” was last used.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "source"], name="profiles_importdraft_unique_source"),
        ]

    def __str__(self):
        return f"{self.source} → {self.profile}"

    @property
    def open_leftovers(self):
        return [] if self.leftovers_dismissed_at else self.leftovers

    @property
    def has_open_notes(self):
        """Leftovers or not-imported lines the member has not dismissed yet."""
        return not self.leftovers_dismissed_at and bool(self.leftovers or self.not_imported)

    @property
    def pending(self):
        """Papers or profile fields still waiting for "Confirm all"."""
        return bool(self.publications or self.profile_fields) and self.confirmed_at is None


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A personal REST API token (`Authorization: Token <token>` or `Bearer <token>`).

    Only a sha256 of the token is stored; the token itself is shown once, when it is
    created (see profiles/authentication.py). `prefix` lets its owner tell tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “laptop sync script”.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read-write", "Read and write"

    scope = models.CharField(
        max_length=10, choices=Scope.choices, default=Scope.READ,
        help_text="Read-only tokens may only GET; read-write tokens may also change what their owner may.",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self):
        return self.revoked_at is None and not self.is_expired

    def set_new_token(self):
        """Give the row a fresh random token; returns it (it is not stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.prefix = token[:8]
        return token


class AuthorshipClaim(models.Model):
    """A member's claim of an author slot ("this is me"): who, which slot, when, approved by whom.

    A claim whose printed name matches one of the member's verified names is approved at once;
    any other waits (pending) for a lab admin or a linked co-author. A lab admin can undo it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        UNDONE = "undone", "Undone"

    # Editing a paper's author list rewrites its rows: the record outlives the row it named.
    authorship = models.ForeignKey(
        "publications.Authorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    publication = models.ForeignKey(
        "publications.Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="authorship_claims")
    name = models.CharField(max_length=300, help_text="The printed name of the slot when it was claimed.")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    automatic = models.BooleanField(default=False, help_text="Approved because the name is a verified name.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.profile} claims “{self.name}” ({self.get_status_display()})"


class ActivityEntry(models.Model):
    """What the history tables do not hold: claims, imports, exports, merges, restores, deletions."""

    class Kind(models.TextChoices):
        CREATED = "created", "created"
        CHANGED = "changed", "changed"
        DELETED = "deleted", "deleted"
        CLAIMED = "claimed", "claimed"
        RESTORED = "restored", "restored"
        MERGED = "merged", "merged"
        IMPORTED = "imported", "imported"
        EXPORTED = "exported", "exported"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
        help_text="The profile the action concerns (empty: lab-wide).",
    )
    publication_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    target = models.CharField(max_length=300, blank=True, help_text="What was acted on, as shown.")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activity entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.kind} {self.target}"

    @classmethod
    def record(cls, *, actor, kind, profile=None, target="", detail="", publication_id=None):
        """Write one entry (services call this inside their transaction)."""
        actor = actor if getattr(actor, "is_authenticated", False) else None
        return cls.objects.create(
            actor=actor,
            kind=kind,
            profile=profile,
            target=str(target)[:300],
            detail=str(detail)[:500],
            publication_id=publication_id,
        )


class ImportJob(models.Model):
    """One import run in the background (a site, a CV document, a large file): its state and report.

    The whole-lab export (kind "export") is a job too; its report names the .zip it wrote.

    The worker writes the state transitions here (outside the import's own transaction);
    live counters and the heartbeat go through the cache while the import's transaction
    is open (profiles/jobs/runner.py), so a reader sees them without waiting for the commit.
    """

    class Kind(models.TextChoices):
        FILES = "files", "publication and profile files"
        SITE = "site", "site (.zip)"
        CV = "cv", "CV document"
        EXPORT = "export", "whole-lab export (.zip)"

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        help_text="Who started it (empty: the command line).",
    )
    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The profile imported into (empty: the lab, e.g. a lab site or a members file).",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    source = models.CharField(max_length=300, blank=True, help_text="The uploaded file names, as shown.")
    options = models.JSONField(default=dict, blank=True, help_text="format, strict, lab …")
    task_id = models.CharField(max_length=64, blank=True, help_text="The id of the task in the queue.")
    read = models.PositiveIntegerField(default=0, help_text="Entries read from the files.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    report = models.JSONField(default=dict, blank=True, help_text="The import report: lines, errors, warnings.")
    error = models.TextField(blank=True, help_text="Why the job failed (nothing was written).")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True, help_text="Last sign of life from the worker.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"import job {self.pk} ({self.get_kind_display()}, {self.status})"

    def get_absolute_url(self):
        return reverse("profile_import:job", args=[self.pk])

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @classmethod
    def new(cls, **values):
        return cls.objects.create(**values)

    def _write(self, **values):
        for name, value in values.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**values)

    def mark_running(self):
        now = timezone.now()
        self._write(status=self.Status.RUNNING, started_at=now, heartbeat=now, error="")

    def save_progress(self, **counters):
        self._write(heartbeat=timezone.now(), **counters)

    def mark_finished(self, *, ok, report=None, error="", **counters):
        now = timezone.now()
        self._write(
            status=self.Status.SUCCEEDED if ok else self.Status.FAILED, finished_at=now, heartbeat=now,
            report=report or {}, error=error, progress=1.0 if ok else self.progress, **counters,
        )  # fmt: skip

    @classmethod
    def fail_stale(cls, pks, *, error, statuses=("running",)):
        """Mark failed these jobs if they are still running (their worker is gone); returns how many."""
        return cls.objects.filter(pk__in=pks, status__in=statuses).update(
            status=cls.Status.FAILED, finished_at=timezone.now(), error=error
        )
