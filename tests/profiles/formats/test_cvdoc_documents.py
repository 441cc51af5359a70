"""CV documents in LaTeX (moderncv, awesome-cv, plain sections), DOCX and PDF, built here from our own text."""

import io

import pytest

from profiles.formats.cvdoc import CvReadError, latex_to_text, parse_cv_file

MODERNCV = r"""
\documentclass[11pt,a4paper,sans]{moderncv}
\moderncvstyle{classic}
\moderncvcolor{blue}
\name{Ada}{Lovelace}
\title{PhD Student in Computer Systems}
\email{ada@example.org}
\homepage{www.example.org/ada}
\social[github]{adal}
\begin{document}
\makecvtitle
\section{Education}
\cventry{Sep 2016--Jun 2020}{B.Sc. in Computer Science}{Universit\"at Z\"urich}{Z\"urich}{GPA: 3.9/4.0, ranked 2/120}{}
\section{Experience}
\cventry{2020--present}{Research Intern}{Example Labs}{Berlin, Germany}{}{
\begin{itemize}
\item Built a \textbf{fast} scheduler; cut tail latency by 40\%.
\item Released the \href{https://example.org/code}{code}.
\end{itemize}}
\section{Publications}
\begin{itemize}
\item Ada Lovelace$^*$, Charles Babbage$^*$, and Mary Somerville.
  \textit{An Engine for Analysis}. In Proceedings of OSDI, 2022.
\end{itemize}
\section{Honors and Awards}
\cvitem{2019}{Best Paper Award, EuroSys} % a comment that must disappear
\section{Skills}
\cvitem{Languages}{Python, C++, Rust}
\end{document}
"""

AWESOME_CV = r"""
\documentclass[11pt, a4paper]{awesome-cv}
\name{Alan}{Turing}
\position{Research Scientist{\enskip\cdotp\enskip}Logician}
\email{alan@example.org}
\github{aturing}
\linkedin{alan-turing}
\begin{document}
\makecvheader
\cvsection{Work Experience}
\begin{cventries}
  \cventry
    {Senior Research Scientist}
    {National Physical Laboratory}
    {London, UK}
    {Oct. 1945 -- Sep. 1947}
    {
      \begin{cvitems}
        \item {Designed the Automatic Computing Engine.}
        \item {Wrote the \emph{ACE report}.}
      \end{cvitems}
    }
\end{cventries}
\cvsection{Education}
\begin{cventries}
  \cventry
    {Ph.D. in Mathematics}
    {Princeton University}
    {Princeton, NJ}
    {1936 -- 1938}
    {
      \begin{cvitems}
        \item {Advisor: Alonzo Church}
      \end{cvitems}
    }
\end{cventries}
\cvsection{Honors \& Awards}
\begin{cvhonors}
  \cvhonor{Fellow}{Royal Society}{London, UK}{1951}
  \cvhonor{Officer of the Order}{British Empire}{}{1946}
\end{cvhonors}
\end{document}
"""

PLAIN_LATEX = r"""
\documentclass{article}
\begin{document}
\begin{center}{\Large Emmy Noether}\\ emmy@example.org\end{center}
\section*{Education}
\textbf{University of Erlangen}, Ph.D. in Mathematics \hfill 1903 -- 1907
\section*{Talks}
\begin{itemize}
\item \emph{Invariant Theory}, International Congress of Mathematicians, Zurich, Sep 1932.
\end{itemize}
\end{document}
"""


def test_moderncv():
    draft = parse_cv_file("cv.tex", MODERNCV.encode())
    doc = draft.document
    assert doc["full_name"] == "Ada Lovelace"
    assert doc["headline"] == "PhD Student in Computer Systems"
    assert doc["email"] == "ada@example.org"
    assert [(link["kind"], link["url"]) for link in doc["links"]] == [
        ("homepage", "https://www.example.org/ada"), ("github", "https://github.com/adal"),
    ]  # fmt: skip
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["programme"], edu["location"]) == (
        "Universität Zürich", "B.Sc.", "Computer Science", "Zürich",
    )  # fmt: skip
    assert (edu["start"], edu["end"], edu["gpa"], edu["gpa_scale"], edu["rank"], edu["rank_of"]) == (
        "2016-09", "2020-06", "3.9", "4.0", 2, 120,
    )  # fmt: skip
    [job] = doc["experience"]
    assert (job["organisation"], job["title"], job["location"], job["kind"]) == (
        "Example Labs", "Research Intern", "Berlin, Germany", "internship",
    )  # fmt: skip
    assert (job["start"], job["is_current"]) == ("2020", True)
    assert [h["text"] for h in job["highlights"]] == [
        "Built a fast scheduler; cut tail latency by 40%.", "Released the code.",
    ]  # fmt: skip
    [paper] = doc["publications"]
    assert paper["title"] == "An Engine for Analysis"
    assert [(a["name"], a["equal_contribution"]) for a in paper["authors"]] == [
        ("Ada Lovelace", True), ("Charles Babbage", True), ("Mary Somerville", False),
    ]  # fmt: skip
    assert (paper["venue"], paper["year"]) == ("Proceedings of OSDI", 2022)
    assert [(a["title"], a["awarding_body"], a["year"]) for a in doc["awards"]] == [
        ("Best Paper Award", "EuroSys", 2019),
    ]
    assert doc["skills"][0]["keywords"] == ["Python", "C++", "Rust"]
    assert "comment" not in latex_to_text(MODERNCV)


def test_awesome_cv():
    doc = parse_cv_file("resume.tex", AWESOME_CV.encode()).document
    assert doc["full_name"] == "Alan Turing"
    assert doc["email"] == "alan@example.org"
    assert {link["kind"] for link in doc["links"]} == {"github", "linkedin"}
    [job] = doc["experience"]
    assert (job["organisation"], job["title"], job["location"]) == (
        "National Physical Laboratory", "Senior Research Scientist", "London, UK",
    )  # fmt: skip
    assert (job["start"], job["end"]) == ("1945-10", "1947-09")
    assert [h["text"] for h in job["highlights"]] == [
        "Designed the Automatic Computing Engine.", "Wrote the ACE report.",
    ]  # fmt: skip
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["advisor"], edu["start"], edu["end"]) == (
        "Princeton University", "Ph.D.", "Alonzo Church", "1936", "1938",
    )  # fmt: skip
    assert [(a["title"], a["awarding_body"], a["year"]) for a in doc["awards"]] == [
        ("Fellow", "Royal Society (London, UK)", 1951),
        ("Officer of the Order", "British Empire", 1946),
    ]


def test_plain_latex_sections():
    doc = parse_cv_file("cv.tex", PLAIN_LATEX.encode()).document
    assert doc["email"] == "emmy@example.org"
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["start"], edu["end"]) == (
        "University of Erlangen", "Ph.D.", "1903", "1907",
    )  # fmt: skip
    [talk] = doc["talks"]
    assert talk["title"] == "Invariant Theory"
    assert talk["deliveries"][0]["event"] == "International Congress of Mathematicians"
    assert talk["deliveries"][0]["location"] == "Zurich"
    assert talk["deliveries"][0]["date"] == "1932-09"


def build_docx():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Barbara Liskov", level=0)
    document.add_paragraph("liskov@example.edu")
    document.add_heading("Education", level=1)
    document.add_paragraph("Stanford University")
    document.add_paragraph("Sep 1961 – Jun 1968")
    document.add_paragraph("Ph.D. in Computer Science; Advisor: John McCarthy")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "1956 – 1961"
    table.cell(0, 1).text = "Wellesley College, B.A. in Mathematics"
    document.add_heading("Experience", level=1)
    para = document.add_paragraph()
    para.add_run("MIT").bold = True
    document.add_paragraph("1972 – present")
    document.add_paragraph("Institute Professor")
    document.add_paragraph("Designed CLU.", style="List Bullet")
    document.add_paragraph("Introduced data abstraction.", style="List Bullet")
    document.add_heading("Selected Publications", level=1)
    document.add_paragraph(
        "Barbara Liskov and Stephen Zilles. Programming with Abstract Data Types. SIGPLAN Notices, 1974.",
        style="List Number",
    )
    document.add_heading("Awards", level=1)
    document.add_paragraph("Turing Award, ACM, 2008", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx():
    doc = parse_cv_file("cv.docx", build_docx()).document
    assert doc["full_name"] == "Barbara Liskov"
    assert doc["email"] == "liskov@example.edu"
    edu, wellesley = doc["education"]
    assert (edu["institution"], edu["degree"], edu["advisor"], edu["start"], edu["end"]) == (
        "Stanford University", "Ph.D.", "John McCarthy", "1961-09", "1968-06",
    )  # fmt: skip
    # a table row (dates | details) reads as one entry with columns
    assert (wellesley["institution"], wellesley["degree"], wellesley["programme"], wellesley["start"]) == (
        "Wellesley College", "B.A.", "Mathematics", "1956",
    )  # fmt: skip
    [job] = doc["experience"]
    assert (job["organisation"], job["title"], job["start"], job["is_current"]) == (
        "MIT", "Institute Professor", "1972", True,
    )  # fmt: skip
    assert [h["text"] for h in job["highlights"]] == ["Designed CLU.", "Introduced data abstraction."]
    [paper] = doc["publications"]
    assert paper["title"] == "Programming with Abstract Data Types"
    assert [a["name"] for a in paper["authors"]] == ["Barbara Liskov", "Stephen Zilles"]
    assert (paper["venue"], paper["year"]) == ("SIGPLAN Notices", 1974)
    assert [(a["title"], a["awarding_body"], a["year"]) for a in doc["awards"]] == [("Turing Award", "ACM", 2008)]


def build_pdf():
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 12, "Donald Knuth", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "knuth@example.edu", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def heading(text):
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def row(left, right=""):
        pdf.cell(130, 6, left)
        pdf.cell(0, 6, right, align="R", new_x="LMARGIN", new_y="NEXT")

    heading("Education")
    row("California Institute of Technology", "1960 - 1963")
    row("Ph.D. in Mathematics; Advisor: Marshall Hall")
    pdf.ln(3)
    heading("Experience")
    row("Stanford University", "1968 - present")
    row("Professor of Computer Science")
    row("- Wrote The Art of Computer Programming.")
    pdf.ln(3)
    heading("Publications")
    row("Donald E. Knuth. The Art of Computer Programming. Addison-Wesley, 1968.")
    return bytes(pdf.output())


def test_pdf():
    draft = parse_cv_file("cv.pdf", build_pdf())
    doc = draft.document
    assert doc["full_name"] == "Donald Knuth"
    assert doc["email"] == "knuth@example.edu"
    [edu] = doc["education"]
    assert (edu["institution"], edu["degree"], edu["advisor"], edu["start"], edu["end"]) == (
        "California Institute of Technology", "Ph.D.", "Marshall Hall", "1960", "1963",
    )  # fmt: skip
    [job] = doc["experience"]
    assert (job["organisation"], job["title"], job["start"], job["is_current"]) == (
        "Stanford University", "Professor of Computer Science", "1968", True,
    )  # fmt: skip
    assert [h["text"] for h in job["highlights"]] == ["Wrote The Art of Computer Programming."]
    [book] = doc["publications"]
    assert book["title"] == "The Art of Computer Programming"
    assert [a["name"] for a in book["authors"]] == ["Donald E. Knuth"]
    assert (book["venue"], book["year"]) == ("Addison-Wesley", 1968)


def test_broken_documents_give_a_clear_error():
    with pytest.raises(CvReadError, match="not a readable PDF"):
        parse_cv_file("cv.pdf", b"%PDF-1.4 this is not a pdf")
    with pytest.raises(CvReadError, match=r"not a readable \.docx"):
        parse_cv_file("cv.docx", b"PK\x03\x04garbage")
    with pytest.raises(CvReadError, match="does not look like a PDF"):
        parse_cv_file("cv.pdf", b"plain text pretending")
