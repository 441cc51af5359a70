"""The sections of a profile that /me/ edits, described once.

One set of generic views (profiles/editing/views.py) adds, edits, deletes, reorders and
shows the history of any section listed here. A config says which model, which form
fields, and what the items hang off: the profile itself, or an item of another section
(`parent_model` through the foreign key `parent_field`).
"""

from dataclasses import dataclass, field

from django import forms

from ..models import (
    Award,
    Education,
    Experience,
    FocusTheme,
    Highlight,
    NewsItem,
    OpenSourceContribution,
    PressItem,
    ProfileLink,
    Project,
    Service,
    Skill,
    Statement,
    Talk,
    TalkDelivery,
)

DATES = ["start_date", "end_date", "is_current"]


@dataclass(frozen=True)
class Section:
    key: str
    model: type
    title: str
    fields: tuple
    parent_model: type | None = None  # None: the item hangs off the profile
    parent_field: str = "profile"
    # Which rows of `model` this section holds, as ORM lookups and as a test on one row.
    lookups: dict = field(default_factory=dict)
    parent_lookups: dict = field(default_factory=dict)
    children: tuple = ()
    widgets: dict = field(default_factory=dict)
    top_level: bool = True

    def holds(self, obj):
        return all(
            (getattr(obj, name.removesuffix("__isnull") + "_id") is None) == value
            for name, value in self.lookups.items()
        )

    @property
    def has_visibility(self):
        return "visibility" in self.fields


HIGHLIGHT_FIELDS = ("label", "text")
LABELS = forms.TextInput(attrs={"list": "highlight-labels"})

SECTIONS = [
    Section("links", ProfileLink, "Links", ("kind", "label", "url")),
    Section("focus-themes", FocusTheme, "Focus themes", ("title", "body", "visibility")),
    Section("news", NewsItem, "News", ("date", "body", "visibility")),
    Section(
        "education", Education, "Education",
        ("institution", "degree", "programme", "location", *DATES, "gpa", "gpa_scale", "rank", "rank_of",
         "advisor", "advisor_url", "thesis_title", "note", "visibility"),
    ),
    Section(
        "experience", Experience, "Experience",
        ("kind", "organisation", "unit", "title", "location", "url", *DATES, "summary", "visibility"),
        children=("experience-highlights", "experience-projects"),
    ),
    Section(
        "experience-highlights", Highlight, "Highlights", HIGHLIGHT_FIELDS,
        parent_model=Experience, parent_field="experience",
        lookups={"experience__isnull": False, "parent__isnull": True},
        children=("sub-highlights",), widgets={"label": LABELS}, top_level=False,
    ),
    Section(
        "experience-projects", Project, "Projects in this position",
        ("title", "summary", "narrative", "outcomes", "url", *DATES, "related_publications", "visibility"),
        parent_model=Experience, parent_field="experience",
        lookups={"experience__isnull": False}, children=("project-highlights",), top_level=False,
    ),
    Section(
        "projects", Project, "Projects (systems I've built)",
        ("title", "summary", "narrative", "outcomes", "url", *DATES, "related_publications", "visibility"),
        lookups={"experience__isnull": True}, children=("project-highlights",),
    ),
    Section(
        "project-highlights", Highlight, "Highlights", HIGHLIGHT_FIELDS,
        parent_model=Project, parent_field="project",
        lookups={"project__isnull": False, "parent__isnull": True},
        children=("sub-highlights",), widgets={"label": LABELS}, top_level=False,
    ),
    Section(
        "open-source", OpenSourceContribution, "Open source",
        ("project", "url", "role", *DATES, "summary", "visibility"),
        children=("open-source-highlights",),
    ),
    Section(
        "open-source-highlights", Highlight, "Highlights", HIGHLIGHT_FIELDS,
        parent_model=OpenSourceContribution, parent_field="open_source",
        lookups={"open_source__isnull": False, "parent__isnull": True},
        children=("sub-highlights",), widgets={"label": LABELS}, top_level=False,
    ),
    Section(
        "sub-highlights", Highlight, "Sub-bullets", HIGHLIGHT_FIELDS,
        parent_model=Highlight, parent_field="parent",
        lookups={"parent__isnull": False}, parent_lookups={"parent__isnull": True},
        widgets={"label": LABELS}, top_level=False,
    ),
    Section("talks", Talk, "Talks", ("title", "abstract", "publication", "visibility"),
            children=("talk-deliveries",)),
    Section(
        "talk-deliveries", TalkDelivery, "Given at", ("event", "location", "is_virtual", "date", "url"),
        parent_model=Talk, parent_field="talk", top_level=False,
    ),
    Section("service", Service, "Academic service", ("role", "role_detail", "venue", "year", "note", "visibility")),
    Section("awards", Award, "Awards", ("title", "awarding_body", "year", "period", "role", "note", "visibility")),
    Section("press", PressItem, "Press", ("outlet", "title", "url", "date", "project", "publication", "visibility")),
    Section("skills", Skill, "Skills and languages", ("category", "name", "level", "keywords", "visibility")),
    Section("statements", Statement, "Statements", ("kind", "title", "body", "visibility")),
]

BY_KEY = {section.key: section for section in SECTIONS}


def get(key):
    return BY_KEY.get(key)


def section_for(obj):
    """The section config that holds `obj` (e.g. a project inside a position or not)."""
    candidates = [s for s in SECTIONS if s.model is type(obj) and s.holds(obj)]
    # Sub-bullets match both their own section and (by owner) a top-level one: prefer
    # the one with the most specific lookups.
    candidates.sort(key=lambda s: -len(s.lookups))
    return candidates[0] if candidates else None


def children_of(section):
    return [BY_KEY[key] for key in section.children]
