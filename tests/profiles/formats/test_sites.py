"""Static academic sites (Hugo Academic/Blox, al-folio, academicpages) built here in tmp_path."""

import zipfile

import pytest

from profiles.formats.sites import SiteReadError, detect_generator, read_site


def write(root, files):
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


HUGO = {
    "config/_default/hugo.yaml": "title: Lab\n",
    "content/authors/admin/_index.md": """---
title: Rosalind Franklin
role: Group Leader
superuser: true
organizations:
  - name: King's College London
    url: https://www.kcl.ac.uk
  - name: Birkbeck College
bio: I study the structure of viruses.
interests:
  - X-ray crystallography
  - Virology
education:
  courses:
    - course: PhD in Physical Chemistry
      institution: University of Cambridge
      year: 1945
social:
  - icon: envelope
    icon_pack: fas
    link: mailto:rosalind@example.org
  - icon: github
    icon_pack: fab
    link: https://github.com/rfranklin
user_groups:
  - Principal Investigators
status:
  icon: ☕️
---
Rosalind leads the **structure** group.
""",
    "content/authors/admin/avatar.jpg": b"\xff\xd8\xff fake jpeg",
    "content/authors/aklug/_index.md": """---
title: Aaron Klug
role: PhD student
user_groups: ["Grad Students"]
work:
  - position: Research Assistant
    company_name: University of Cape Town
    date_start: '1949-01-01'
    date_end: ''
    summary: Crystallography of small molecules.
---
""",
    "content/publication/tmv/index.md": """---
title: "Structure of Tobacco Mosaic Virus"
authors:
  - admin
  - aklug
  - Kenneth Holmes
author_notes:
  - Equal contribution
  - Equal contribution
date: '1958-07-01T00:00:00Z'
publication_types: ['article-journal']
publication: '*Nature*'
publication_short: Nature
abstract: We report the structure.
doi: 10.1038/181000a0
featured: true
url_pdf: https://example.org/tmv.pdf
url_code: ''
links:
  - type: video
    url: https://example.org/tmv-video
  - name: Poster
    url: https://example.org/poster.pdf
image:
  caption: A virus
projects: [viruses]
---
Supplementary notes go here.
""",
    "content/publication/tmv/cite.bib": """@article{franklin1958tmv,
  title = {Structure of Tobacco Mosaic Virus},
  author = {Franklin, Rosalind and Klug, Aaron and Holmes, Kenneth},
  journal = {Nature},
  volume = {181},
  pages = {1--2},
  year = {1958}
}
""",
    "content/publication/tmv/paper.pdf": b"%PDF-1.4 fake",
    "content/publication/broken/index.md": "---\ntitle: [unclosed\n---\n",
    "content/event/royal-society/index.md": """---
title: Viruses in Three Dimensions
event: Royal Society Discussion Meeting
event_url: https://example.org/rs
location: London
date: '1957-05-10T14:00:00Z'
authors: [admin]
abstract: Pictures of viruses.
url_slides: https://example.org/slides
---
""",
    "content/post/grant/index.md": "---\ntitle: New grant\ndate: 2024-01-05\n---\nWe won a grant to study viruses.\n",
    "content/post/essay/index.md": "---\ntitle: A long essay\ndate: 2024-02-01\n---\n" + "Words. " * 200,
    "content/home/experience.md": """+++
widget = "experience"
[[experience]]
  title = "Research Associate"
  company = "Birkbeck College"
  location = "London"
  date_start = "1953-03-01"
  date_end = "1958-04-16"
  description = "Virus structure."
+++
""",
    "content/home/accomplishments.md": """---
widget: accomplishments
item:
  - organization: Royal Society
    title: Fellowship
    date_start: '1956-01-01'
---
""",
}


@pytest.fixture
def hugo_site(tmp_path):
    return write(tmp_path / "hugo", HUGO)


def test_hugo_profiles_for_each_author(hugo_site):
    site = read_site(hugo_site)
    assert site.generator == "hugo-academic"
    assert site.owner == "admin"  # superuser: true
    franklin = next(d for d in site.documents if d["site_author"] == "admin")
    assert "slug" not in franklin  # "admin" names no one
    assert franklin["full_name"] == "Rosalind Franklin"
    assert franklin["headline"] == "Group Leader"
    assert franklin["organisation"] == "King's College London"
    assert franklin["short_bio"] == "I study the structure of viruses."
    assert franklin["long_bio"] == "Rosalind leads the **structure** group."
    assert franklin["interest_tags"] == "X-ray crystallography, Virology"
    assert franklin["email"] == "rosalind@example.org"
    assert [link["url"] for link in franklin["links"]] == ["https://github.com/rfranklin"]
    assert franklin["role"] == "pi"
    assert franklin["avatar_path"] == "content/authors/admin/avatar.jpg"
    [edu] = franklin["education"]
    assert (edu["institution"], edu["degree"], edu["programme"], edu["end"]) == (
        "University of Cambridge", "PhD", "Physical Chemistry", "1945",
    )  # fmt: skip
    # widgets of the home page go to the site owner
    assert [(e["organisation"], e["start"], e["end"]) for e in franklin["experience"]] == [
        ("Birkbeck College", "1953-03-01", "1958-04-16"),
    ]
    assert [(a["title"], a["awarding_body"], a["year"]) for a in franklin["awards"]] == [
        ("Fellowship", "Royal Society", 1956),
    ]
    [talk] = franklin["talks"]
    assert talk["title"] == "Viruses in Three Dimensions"
    assert talk["deliveries"] == [
        {
            "event": "Royal Society Discussion Meeting",
            "location": "London",
            "is_virtual": False,
            "date": "1957-05-10",
            "url": "https://example.org/rs",
        }
    ]
    assert franklin["news"] == [{"date": "2024-01-05", "body": "New grant: We won a grant to study viruses."}]
    klug = next(d for d in site.documents if d["site_author"] == "aklug")
    assert klug["slug"] == "aklug"
    assert (klug["full_name"], klug["role"]) == ("Aaron Klug", "phd")
    [job] = klug["experience"]
    assert (job["organisation"], job["title"], job["start"], job["is_current"]) == (
        "University of Cape Town", "Research Assistant", "1949-01-01", True,
    )  # fmt: skip


def test_hugo_publications_link_authors_to_profiles(hugo_site):
    site = read_site(hugo_site)
    [paper] = site.publications
    assert paper["title"] == "Structure of Tobacco Mosaic Virus"
    assert [(a["name"], a.get("site_author"), a["equal_contribution"]) for a in paper["authors"]] == [
        ("Rosalind Franklin", "admin", True), ("Aaron Klug", "aklug", True), ("Kenneth Holmes", None, False),
    ]  # fmt: skip
    assert (paper["kind"], paper["venue"], paper["venue_short"], paper["year"], paper["month"]) == (
        "journal", "Nature", "Nature", 1958, 7,
    )  # fmt: skip
    assert (paper["volume"], paper["pages"], paper["citation_key"]) == ("181", "1–2", "franklin1958tmv")
    assert paper["doi"] == "10.1038/181000a0"
    assert (paper["url_pdf"], paper["url_video"]) == ("https://example.org/tmv.pdf", "https://example.org/tmv-video")
    assert paper["featured"] is True
    assert paper["attachments"] == ["content/publication/tmv/paper.pdf"]


def test_hugo_report_lists_what_was_not_imported(hugo_site):
    site = read_site(hugo_site)
    tmv = site.not_imported["content/publication/tmv/index.md"]
    assert "link 'Poster': https://example.org/poster.pdf" in tmv
    assert "page body (notes or full text below the front matter)" in tmv
    assert site.not_imported["content/authors/admin/_index.md"] == ["organizations after the first: Birkbeck College"]
    assert site.not_imported["content/event/royal-society/index.md"] == ["url_slides https://example.org/slides"]
    assert site.not_imported["content/post/essay/index.md"] == [
        "post longer than 600 characters (an article, not news)"
    ]
    assert any(w.startswith("content/publication/broken/index.md: invalid YAML front matter") for w in site.warnings)
    lines = site.report_lines()
    assert lines[0].startswith("site: hugo-academic")
    assert "not imported: content/post/essay/index.md: post longer than 600 characters (an article, not news)" in lines


ALFOLIO = {
    "_config.yml": "first_name: Alan\nlast_name: Kay\nemail: alan@example.org\ntitle: blank\n",
    "_data/socials.yml": "github_username: akay\nscholar_userid: ABC123\norcid_id: 0000-0002-1825-0097\n",
    "_pages/about.md": """---
layout: about
title: about
permalink: /
subtitle: <a href='https://example.org'>Viewpoints Research</a>. Personal computing.
profile:
  align: right
  image: prof_pic.jpg
  more_info: >
    <p>555 Example Road</p>
news: true
selected_papers: true
---
I invented **Smalltalk** and the Dynabook.
""",
    "assets/img/prof_pic.jpg": b"fake",
    "_bibliography/papers.bib": """@article{kay1972dynabook,
  abbr = {ACM},
  title = {A Personal Computer for Children of All Ages},
  author = {Kay, Alan},
  journal = {Proceedings of the ACM Annual Conference},
  year = {1972},
  selected = {true},
  pdf = {dynabook.pdf},
  code = {https://github.com/akay/dynabook},
  poster = {poster.pdf},
  bibtex_show = {true},
}

@inproceedings{kay1993history,
  title = {The Early History of Smalltalk},
  author = {Kay, Alan C.},
  booktitle = {HOPL-II},
  year = {1993},
  pdf = {missing.pdf},
  html = {https://example.org/history},
}
""",
    "assets/pdf/dynabook.pdf": b"%PDF-1.4 fake",
    "_data/cv.yml": """- title: General Information
  type: map
  contents:
    - name: Full Name
      value: Alan Curtis Kay
    - name: Languages
      value: English, Portuguese
    - name: Date of Birth
      value: 1940
- title: Education
  type: time_table
  contents:
    - title: PhD
      institution: University of Utah
      year: 1966 - 1969
      description:
        - Thesis on FLEX
- title: Experience
  type: time_table
  contents:
    - title: Researcher
      institution: Xerox PARC
      year: 1970 - 1981
      description:
        - Smalltalk
        - title: Overlapping windows
          contents:
            - Alto
- title: Open Source Projects
  type: time_table
  contents:
    - title: <a href="https://github.com/akay/squeak">Squeak</a>
      year: 1996-now
      description: A Smalltalk for everyone.
- title: Research Interests
  type: nested_list
  contents:
    - title: Personal computing.
      items:
        - Children and computers
- title: Honors and Awards
  type: time_table
  contents:
    - year: 2003
      items:
        - Turing Award
- title: Other Interests
  type: list
  contents:
    - Guitar
""",
    "_news/announcement_1.md": (
        "---\nlayout: post\ndate: 2015-10-22 15:59:00-0400\ninline: true\n---\nA new talk is up.\n"
    ),
    "_projects/1_project.md": """---
layout: page
title: Dynabook
description: a computer for children
img: assets/img/12.jpg
importance: 1
category: work
---
The Dynabook is a concept.
""",
    "_data/coauthors.yml": '"goldberg":\n  - firstname: ["Adele"]\n    url: https://example.org/adele\n',
}


def test_alfolio(tmp_path):
    site = read_site(write(tmp_path / "folio", ALFOLIO))
    assert site.generator == "al-folio"
    [doc] = site.documents
    assert doc["full_name"] == "Alan Kay"
    assert doc["email"] == "alan@example.org"
    assert doc["headline"] == "Viewpoints Research. Personal computing."
    assert doc["long_bio"] == "I invented **Smalltalk** and the Dynabook."
    assert doc["avatar_path"] == "assets/img/prof_pic.jpg"
    assert {link["kind"] for link in doc["links"]} == {"github", "scholar", "orcid"}
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["start"], edu["end"]) == (
        "University of Utah",
        "PhD",
        "1966",
        "1969",
    )
    [job] = doc["experience"]
    assert (job["organisation"], job["title"], job["start"], job["end"]) == ("Xerox PARC", "Researcher", "1970", "1981")
    assert [h["text"] for h in job["highlights"]] == ["Smalltalk", "Overlapping windows"]
    assert job["highlights"][1]["children"] == [{"label": "", "text": "Alto"}]
    [squeak] = doc["open_source"]
    assert (squeak["project"], squeak["url"], squeak["start"], squeak["is_current"]) == (
        "Squeak", "https://github.com/akay/squeak", "1996", True,
    )  # fmt: skip
    assert doc["interest_tags"] == "Personal computing"
    assert doc["research_interests"] == "Personal computing: Children and computers"
    assert [(a["title"], a["year"]) for a in doc["awards"]] == [("Turing Award", 2003)]
    assert [s["name"] for s in doc["skills"]] == ["English", "Portuguese"]
    assert doc["news"] == [{"date": "2015-10-22", "body": "A new talk is up."}]
    assert [(p["title"], p["summary"], p["narrative"]) for p in doc["projects"]] == [
        ("Dynabook", "a computer for children", "The Dynabook is a concept."),
    ]
    dynabook, history = site.publications
    assert (dynabook["venue_short"], dynabook["selected"], dynabook["url_code"]) == (
        "ACM", True, "https://github.com/akay/dynabook",
    )  # fmt: skip
    assert dynabook["attachments"] == ["assets/pdf/dynabook.pdf"]
    assert (history["kind"], history["url"], history["selected"]) == (
        "conference",
        "https://example.org/history",
        False,
    )
    bib = site.not_imported["_bibliography/papers.bib"]
    assert "kay1972dynabook: poster = poster.pdf" in bib
    assert "kay1993history: pdf 'missing.pdf' is not in assets/pdf/" in bib
    assert "General Information: Date of Birth = 1940" in site.not_imported["_data/cv.yml"]
    assert "Other Interests: Guitar" in site.not_imported["_data/cv.yml"]
    assert site.not_imported["_data/coauthors.yml"]
    assert "profile.more_info (address block)" in site.not_imported["_pages/about.md"]


ACADEMICPAGES = {
    "_config.yml": """title: "Your Name / Site Title"
name: &name "Katherine Johnson"
author:
  name: *name
  avatar: profile.png
  bio: "Mathematician at NASA"
  location: "Hampton, VA"
  employer: "NASA Langley"
  email: "kj@example.org"
  github: kjohnson
  googlescholar: https://scholar.google.com/citations?user=XYZ
""",
    "images/profile.png": b"fake",
    "_publications/._2009-10-01-paper-title-number-1.md": b"\x00\x05\x16\x07\xff\xfe macOS fork",
    "_publications/.DS_Store": b"\x00\x00\x00\x01Bud1",
    "_pages/about.md": "---\npermalink: /\ntitle: About me\n---\nI computed trajectories.\n",
    "_publications/2009-10-01-paper-title-number-1.md": """---
title: "Determination of Azimuth Angle at Burnout"
collection: publications
category: manuscripts
permalink: /publication/2009-10-01-paper-title-number-1
excerpt: 'Placing a satellite in orbit.'
date: 1960-10-01
venue: 'NASA Technical Note'
slidesurl: 'https://example.org/slides.pdf'
paperurl: 'http://example.org/paper.pdf'
citation: >-
  Skopinski, T. H. and Johnson, Katherine G. (1960).
  &quot;Determination of Azimuth Angle.&quot; <i>NASA TN</i>. D-233.
---
The abstract of the note.
""",
    "_talks/2012-03-01-talk-1.md": """---
title: "Orbits by Hand"
collection: talks
type: "Talk"
permalink: /talks/2012-03-01-talk-1
venue: "Hampton University, Department of Mathematics"
date: 2012-03-01
location: "Hampton, Virginia"
---
How we computed orbits.
""",
    "_teaching/2014-spring-teaching-1.md": """---
title: "Analytic Geometry"
collection: teaching
type: "Undergraduate course"
permalink: /teaching/2014-spring-teaching-1
venue: "West Virginia State College, Department of Mathematics"
date: 1937-01-01
location: "Institute, WV"
---
Taught geometry.
""",
    "_pages/cv.md": """---
layout: archive
title: "CV"
permalink: /cv/
---

{% include base_path %}

Education
======
* B.S. in Mathematics, West Virginia State College, 1937

Skills
======
* Orbital mechanics
* Hand computation

Service and leadership
======
* Currently signed in to 43 different slack teams
""",
}


def test_academicpages(tmp_path):
    site = read_site(write(tmp_path / "pages", ACADEMICPAGES))
    assert site.generator == "academicpages"
    assert site.warnings == []  # hidden files (macOS forks, .DS_Store) are not pages
    [doc] = site.documents
    assert (doc["full_name"], doc["short_bio"], doc["organisation"], doc["email"]) == (
        "Katherine Johnson", "Mathematician at NASA", "NASA Langley", "kj@example.org",
    )  # fmt: skip
    assert doc["long_bio"] == "I computed trajectories."
    assert doc["avatar_path"] == "images/profile.png"
    assert {link["kind"] for link in doc["links"]} == {"github", "scholar"}
    [paper] = site.publications
    assert (paper["title"], paper["venue"], paper["year"], paper["month"], paper["kind"]) == (
        "Determination of Azimuth Angle at Burnout", "NASA Technical Note", 1960, 10, "journal",
    )  # fmt: skip
    assert [a["name"] for a in paper["authors"]] == ["T. H. Skopinski", "Katherine G. Johnson"]
    assert (paper["url_pdf"], paper["url_slides"]) == ("http://example.org/paper.pdf", "https://example.org/slides.pdf")
    assert paper["abstract"] == "The abstract of the note."
    [talk] = doc["talks"]
    assert talk["title"] == "Orbits by Hand"
    assert talk["deliveries"][0]["event"] == "Hampton University, Department of Mathematics"
    assert talk["deliveries"][0]["date"] == "2012-03-01"
    teaching = [e for e in doc["experience"] if e["kind"] == "teaching"]
    assert [(t["organisation"], t["title"], t["start"]) for t in teaching] == [
        (
            "West Virginia State College, Department of Mathematics",
            "Analytic Geometry — Undergraduate course",
            "1937-01-01",
        ),
    ]
    # _pages/cv.md is read as a CV document
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["end"]) == ("West Virginia State College", "B.S.", "1937")
    assert [s["name"] for s in doc["skills"]] == ["Orbital mechanics", "Hand computation"]
    assert [s["venue"] for s in doc["service"]] == ["Currently signed in to 43 different slack teams"]


def test_zip_of_a_repository_with_a_top_folder(tmp_path):
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, content in ACADEMICPAGES.items():
            zf.writestr(f"kj.github.io-main/{name}", content)
        zf.writestr("__MACOSX/kj.github.io-main/._about.md", b"\x00\x05\x16\x07")
    site = read_site(archive)
    assert site.generator == "academicpages"
    assert site.documents[0]["full_name"] == "Katherine Johnson"


def test_unsafe_or_broken_zip_and_unknown_folder_are_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.md", "x")
    with pytest.raises(SiteReadError, match="unsafe path"):
        read_site(evil)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(SiteReadError, match="not a readable zip"):
        read_site(broken)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "README.md").write_text("hello")
    assert detect_generator(tmp_path / "plain") is None
    with pytest.raises(SiteReadError, match="could not tell the site generator"):
        read_site(tmp_path / "plain")
    with pytest.raises(SiteReadError, match="no such file"):
        read_site(tmp_path / "missing")
