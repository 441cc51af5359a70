"""Hostile documents cannot hurt the server (issue 23): the pure readers fail fast and cleanly.

Every crafted file is built here. A reader either refuses it with a reason (``CvReadError``,
``SiteReadError``) or reads the rest and names the file in a warning; it never raises
anything else, never lets a NUL character through, never tells whether a path outside the
upload exists on the server and never shows the server's temporary folders.
"""

import copy
import io
import zipfile

import pytest
from lxml import etree

from profiles.formats.cvdoc import CvReadError, cv_to_text, parse_cv_file
from profiles.formats.sites import SiteReadError, read_site
from tests.profiles.formats.test_sites import write

ABOUT = "---\ntitle: About\n---\nI study things.\n"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PUBLICATION = "---\ntitle: A Paper\ndate: 2020-01-01\nvenue: Journal\n---\n"


def academicpages(tmp_path, config, **files):
    """An academicpages site with ``config`` as its ``_config.yml``."""
    return write(
        tmp_path / "site",
        {"_config.yml": config, "_pages/about.md": ABOUT, "_publications/paper.md": PUBLICATION, **files},
    )


def zipped(tmp_path, members, name="site.zip"):
    """A zip of ``members`` (name -> bytes or str), in that order (duplicates allowed)."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, content in members:
            zf.writestr(member, content)
    return path


def alias_bomb(levels=8, width=9) -> str:
    """Nine items, each level nine aliases of the one below: 9**9 values once expanded."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\nname: Bomb\n"


# --------------------------------------------------------------------------- YAML and TOML


def test_yaml_alias_bomb_in_config_is_refused_naming_the_file(tmp_path):
    site = read_site(academicpages(tmp_path, alias_bomb()))
    assert "_config.yml: YAML aliases (&anchor/*alias) expand to more than 100000 values; refused" in site.warnings
    assert site.publications[0]["title"] == "A Paper"  # the rest of the site is read


def test_yaml_alias_bomb_in_front_matter_is_refused_naming_the_file(tmp_path):
    bomb = "---\ntitle: Talk\n" + alias_bomb() + "---\n"
    site = read_site(academicpages(tmp_path, "name: Ada\n", **{"_talks/bomb.md": bomb}))
    assert any(w.startswith("_talks/bomb.md: YAML aliases (&anchor/*alias) expand to more than") for w in site.warnings)
    assert site.documents[0]["talks"] == []


def test_self_referencing_alias_is_a_problem_of_its_file(tmp_path):
    site = read_site(academicpages(tmp_path, "name: Ada\nauthor: &a {name: Ada, me: *a}\n"))
    assert "_config.yml: the YAML alias *a is inside what it names; refused" in site.warnings


def test_plain_scalar_aliases_still_work(tmp_path):
    """academicpages' own _config.yml names the author once: ``name: &name …`` then ``*name``."""
    site = read_site(academicpages(tmp_path, 'name: &name "Ada Lovelace"\nauthor:\n  name: *name\n'))
    assert site.documents[0]["full_name"] == "Ada Lovelace"
    assert site.warnings == []


@pytest.mark.parametrize(
    ("page", "name"),
    [
        ("+++\ntitle = 'Deep'\nx = " + "[" * 3000 + "]" * 3000 + "\n+++\n", "TOML"),
        ("---\ntitle: Deep\nx: " + "[" * 3000 + "]" * 3000 + "\n---\n", "YAML"),
        ("---\ntitle: Deep\nx: " + "[" * 60 + "]" * 60 + "\n---\n", "YAML, below the recursion limit"),
    ],
)
def test_deeply_nested_front_matter_is_a_problem_of_its_file(tmp_path, page, name):
    site = read_site(academicpages(tmp_path, "name: Ada\n", **{"_publications/deep.md": page}))
    assert "_publications/deep.md: the data is nested more than 50 levels deep; refused" in site.warnings
    assert [p["title"] for p in site.publications] == ["A Paper"]


def test_deeply_nested_yaml_data_file_is_refused(tmp_path):
    root = write(
        tmp_path / "alfolio",
        {"_data/cv.yml": "- " * 3000 + "x\n", "_config.yml": "first_name: Ada\n", "_bibliography/papers.bib": ""},
    )
    site = read_site(root)
    assert "_data/cv.yml: the data is nested more than 50 levels deep; refused" in site.warnings


# --------------------------------------------------------------------------- zips


@pytest.mark.parametrize("file_first", [True, False])
def test_zip_with_a_file_and_a_folder_of_one_name_skips_the_clash(tmp_path, file_first):
    site_files = [
        ("_config.yml", "name: Ada\n"),
        ("_publications/paper.md", PUBLICATION),
    ]
    clash = [("images", b"a file"), ("images/x.png", b"\x89PNG")]
    archive = zipped(tmp_path, site_files + (clash if file_first else clash[::-1]))
    site = read_site(archive)
    assert site.publications[0]["title"] == "A Paper"
    if file_first:
        assert "images/x.png: not unpacked: the zip also holds a file images, so it cannot be a folder" in site.warnings
    else:
        assert "images: not unpacked: the zip also holds a folder of this name" in site.warnings


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_zip_with_one_path_twice_keeps_the_first(tmp_path):
    archive = zipped(
        tmp_path,
        [("_config.yml", "name: Ada\n"), ("_config.yml", "name: Eve\n"), ("_publications/paper.md", PUBLICATION)],
    )
    site = read_site(archive)
    assert site.documents[0]["full_name"] == "Ada"
    assert "_config.yml: not unpacked: the zip holds this path twice" in site.warnings


# --------------------------------------------------------------------------- paths named in a document


def _reading(site):
    return site.report_lines(), [d.get("avatar_path") for d in site.documents], site.publications


@pytest.mark.parametrize(
    "config",
    [
        "name: Ada\nauthor:\n  avatar: {path}\n",
        "name: Ada\nauthor:\n  avatar: ../../../../../../..{path}\n",
    ],
)
def test_avatar_outside_the_upload_reads_the_same_whether_or_not_the_file_exists(tmp_path, config):
    existing = tmp_path / "secret.txt"
    existing.write_text("server secret")
    missing = tmp_path / "nonexistent-file"
    seen = []
    for target in ("/etc/passwd", "/etc/nonexistent-file", str(existing), str(missing)):
        root = academicpages(tmp_path / target.replace("/", "_"), config.format(path=target))
        lines, avatars, _ = _reading(read_site(root))
        seen.append(([line.replace(target, "TARGET") for line in lines], avatars))
    assert all(s == seen[0] for s in seen)
    assert seen[0][1] == [None]
    assert any("author.avatar" in line and "is not a file in images/ of the upload" in line for line in seen[0][0])


def test_paperurl_outside_the_upload_is_not_attached(tmp_path):
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    page = "---\ntitle: Leak\npaperurl: ../secret.pdf\n---\n"
    site = read_site(academicpages(tmp_path, "name: Ada\n", **{"_publications/leak.md": page}))
    leak = next(p for p in site.publications if p["title"] == "Leak")
    assert "attachments" not in leak
    assert (
        "paperurl '../secret.pdf' is neither a web address nor a file in the site"
        in site.not_imported["_publications/leak.md"]
    )


def test_paperurl_inside_the_upload_is_attached(tmp_path):
    page = "---\ntitle: Mine\npaperurl: /files/mine.pdf\n---\n"
    root = academicpages(tmp_path, "name: Ada\n", **{"_publications/mine.md": page, "files/mine.pdf": b"%PDF-1.4"})
    site = read_site(root)
    assert next(p for p in site.publications if p["title"] == "Mine")["attachments"] == ["files/mine.pdf"]


@pytest.mark.parametrize("image", ["/etc/passwd", "/etc/nonexistent-file", "../../../../../../../../etc/passwd"])
def test_alfolio_profile_image_outside_the_upload_is_not_looked_up(tmp_path, image):
    about = f"---\nlayout: about\nprofile:\n  image: {image}\n---\nHello.\n"
    bib = "@article{p, title={T}, author={Ada}, year={2020}, pdf={../../../../../../../../etc/passwd}}\n"
    root = write(tmp_path / "alfolio", {"_pages/about.md": about, "_news/a.md": "---\n---\nNews\n"})
    write(root, {"_config.yml": "first_name: Ada\n", "_bibliography/papers.bib": bib})
    site = read_site(root)
    assert "avatar_path" not in site.documents[0]
    assert f"profile.image {image!r} is not a file in assets/img/ of the upload" in site.not_imported["_pages/about.md"]
    assert "attachments" not in site.publications[0]


def test_avatar_symlink_out_of_a_site_folder_is_not_used(tmp_path):
    root = academicpages(tmp_path, "name: Ada\nauthor:\n  avatar: me.png\n")
    (root / "images").mkdir()
    (root / "images" / "me.png").symlink_to("/etc/passwd")
    assert "avatar_path" not in read_site(root).documents[0]


# --------------------------------------------------------------------------- NUL bytes and server paths


def test_markdown_page_with_nul_bytes_is_refused(tmp_path):
    page = PUBLICATION.encode() + b"x" * 9000 + b"\x00 tail"
    site = read_site(academicpages(tmp_path, "name: Ada\n", **{"_talks/nul.md": page}))
    assert "_talks/nul.md: this is not a text file: it contains NUL bytes" in site.warnings


def test_nul_escapes_never_reach_the_result(tmp_path):
    config = 'name: "Ada\\0 Lovelace"\nauthor:\n  bio: "a\\x00b"\n'
    page = '+++\ntitle = "A\\u0000Paper"\n+++\n'
    site = read_site(academicpages(tmp_path, config, **{"_publications/toml.md": page}))
    assert site.documents[0]["full_name"] == "Ada Lovelace"
    assert site.documents[0]["short_bio"] == "ab"
    assert "APaper" in [p["title"] for p in site.publications]
    assert "\x00" not in repr((site.documents, site.publications, site.report_lines()))


def test_messages_never_show_server_paths(tmp_path):
    """Every reading and warning line names files inside the upload, never the temporary folder."""
    hugo = [
        ("config/_default/hugo.yaml", "title: Lab\n"),
        ("content/authors/admin/_index.md", "---\ntitle: [unclosed\n---\n"),
        ("content/authors/eve/_index.md", b"---\ntitle: Eve\n---\n\x00"),
        ("content/authors/bob/_index.md", "---\nrole: no name\n---\n"),
        ("content/publication/p/index.md", "---\ntitle: P\n---\n"),
        ("content/publication/p/cite.bib", "@article{broken,\n"),
        ("content/publication/q/index.md", "---\ntitle: Q\n" + alias_bomb() + "---\n"),
        ("content", b"a file clashing with the folder"),
    ]
    site = read_site(zipped(tmp_path, hugo))
    lines = site.report_lines()
    assert any("content/authors/eve/_index.md: this is not a text file" in line for line in lines)
    assert any("content/authors/admin/_index.md: invalid YAML front matter" in line for line in lines)
    for line in lines:
        assert "site-import-" not in line
        assert "/tmp" not in line
        assert str(tmp_path) not in line


def test_site_errors_name_the_upload_not_the_server_path(tmp_path):
    with pytest.raises(SiteReadError) as refused:
        read_site(zipped(tmp_path, [("README.md", "hello")]))
    assert str(refused.value).startswith("site.zip: could not tell the site generator")
    assert str(tmp_path) not in str(refused.value)


# --------------------------------------------------------------------------- CV documents


@pytest.mark.parametrize("name", ["cv.md", "cv.txt", "cv.tex", "cv"])
def test_text_cv_with_nul_bytes_after_8_kb_is_refused(name):
    data = b"# Ada Lovelace\n\n## Education\n\n" + b"University of London\n" * 500 + b"tail\x00\x00end\n"
    assert len(data) > 8192
    with pytest.raises(CvReadError, match="this is not a text file: it contains NUL bytes"):
        parse_cv_file(name, data)


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_of(paragraphs: int, styles: int = 0, text: str = "Line {n}", style: str = "List Bullet"):
    """A .docx of ``paragraphs`` copies of one paragraph and ``styles`` dummy styles, built as XML
    (python-docx's own ``add_style`` scans every style each time)."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Ada Lovelace", level=0)
    document.add_heading("Experience", level=1)
    model = document.add_paragraph("x", style=style)._p
    end = document.element.body[-1]  # sectPr: paragraphs go before it
    for n in range(paragraphs):
        p = copy.deepcopy(model)
        p.xpath(".//w:t")[0].text = text.format(n=n)
        end.addprevious(p)
    model.getparent().remove(model)
    dummies = "".join(
        f'<w:style w:type="paragraph" w:styleId="Dummy{n}"><w:name w:val="Dummy {n}"/></w:style>' for n in range(styles)
    )
    if dummies:
        holder = etree.fromstring(f'<w:styles xmlns:w="{W}">{dummies}</w:styles>')
        document.styles.element.extend(list(holder))
    return docx_bytes(document)


@pytest.fixture
def style_lookups(monkeypatch):
    """How often ``paragraph.style`` (a scan of every style of the file) is asked for."""
    from docx.text.paragraph import Paragraph

    seen = []
    original = Paragraph.style

    def counted(paragraph):
        seen.append(1)
        return original.fget(paragraph)

    monkeypatch.setattr(Paragraph, "style", property(counted, original.fset))
    return seen


def test_docx_styles_are_read_once_not_per_paragraph(style_lookups):
    draft = parse_cv_file("cv.docx", docx_of(300, styles=4000, text="Wrote program {n}."))
    assert draft.document["full_name"] == "Ada Lovelace"
    assert style_lookups == []  # python-docx's per-paragraph scan is never used


def test_docx_heading_and_list_styles_are_still_read_from_the_map():
    _kind, text = cv_to_text("cv.docx", docx_of(2, styles=10, text="Item {n}"))
    assert text.splitlines() == ["# Ada Lovelace", "## Experience", "- Item 0", "- Item 1"]


def test_docx_with_20000_dummy_styles_is_refused():
    with pytest.raises(CvReadError, match=r"the \.docx defines 2\d{4} styles \(at most 5000\); refused"):
        parse_cv_file("cv.docx", docx_of(10, styles=20_000))


def test_docx_with_too_many_paragraphs_is_refused(settings):
    settings.IMPORT_DOCX_MAX_PARAGRAPHS = 500
    parse_cv_file("cv.docx", docx_of(400))
    with pytest.raises(CvReadError, match=r"the \.docx has 50\d paragraphs \(at most 500\); refused"):
        parse_cv_file("cv.docx", docx_of(501))


def test_docx_paragraph_limit_defaults_to_20000():
    with pytest.raises(CvReadError, match=r"has 20\d{3} paragraphs \(at most 20000\)"):
        parse_cv_file("cv.docx", docx_of(20_001, style="Normal"))


def test_nul_bytes_in_docx_xml_give_a_clear_error():
    """XML cannot hold NUL (python-docx refuses to write one): a crafted part is refused cleanly."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Ada Lovelace", level=0)
    document.add_paragraph("Turing Award, ACM, 2008")
    crafted = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(document))) as source, zipfile.ZipFile(crafted, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(b"Turing Award", b"Turing\x00 Award")
            target.writestr(info, content)
    with pytest.raises(CvReadError, match=r"^not a readable \.docx file \(XMLSyntaxError\)$"):
        parse_cv_file("cv.docx", crafted.getvalue())


def pdf_of(pages: int) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", "", 10)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 6, f"Ada Lovelace, page {n + 1}")
    return bytes(pdf.output())


def test_pdf_pages_past_the_limit_are_left_out_with_a_warning(settings):
    settings.IMPORT_PDF_MAX_PAGES = 2
    draft = parse_cv_file("cv.pdf", pdf_of(3))
    assert "the PDF has more than 2 pages; only the first 2 were read" in draft.warnings
    read = repr((draft.document, draft.leftovers))
    assert "page 2" in read
    assert "page 3" not in read


def test_pdf_within_the_limit_has_no_warning(settings):
    settings.IMPORT_PDF_MAX_PAGES = 3
    draft = parse_cv_file("cv.pdf", pdf_of(3))
    assert not any("pages" in w for w in draft.warnings)


@pytest.mark.parametrize("name", ["resume.json", "works.json"])
def test_a_json_document_with_an_escaped_nul_is_refused_whole(name):
    """JSON may spell NUL as \\u0000; PostgreSQL cannot store it, so the file is refused with the reason."""
    from profiles.formats.jsonresume import parse_json_resume
    from publications.formats.csl import parse_csl_json

    text = (
        '{"basics": {"name": "Ada\\u0000 Lovelace"}}'
        if name == "resume.json"
        else '[{"type": "article", "title": "Bad\\u0000Title"}]'
    )
    parse = parse_json_resume if name == "resume.json" else parse_csl_json
    result = parse(text)
    assert not result.records
    assert any("NUL characters" in str(error) for error in result.errors)
