"""Moving in: how long a whole site and a CV document take to import (issue 14's figures).

    .venv/bin/python bench/move_in_bench.py [--papers 300] [--pages 5]

Builds, in a temporary folder, a Hugo Academic site with one author and `--papers`
publication folders (front matter with authors, venue, DOI, links, plus a cite.bib), and a
PDF CV of about `--pages` pages (fpdf2, a dev dependency) with education, positions,
talks, awards and publications. Then runs, each in its own process on a fresh SQLite
database (migrated first, not timed):

- `manage.py import_site SITE --profile SLUG` (the draft: items as drafts, papers waiting)
  followed by confirming the draft (`import_drafts_confirm`, which imports the papers);
- `manage.py import_cv CV.pdf --profile SLUG` (reading the PDF and writing the draft).

Reported: wall seconds of each whole process (Django start-up included) and of the
work alone, measured inside the process.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PAPER = """---
title: "{title}"
authors:
  - admin
  - {coauthor}
  - Kim Q. Tran
date: '{year}-0{month}-01T00:00:00Z'
publication_types: ['{kind}']
publication: '*{venue}*'
publication_short: {short}
abstract: We study {topic} at scale and report what we measured on {n} workloads.
doi: 10.5555/bench.{n}
featured: {featured}
url_pdf: https://example.org/papers/{n}.pdf
url_code: https://github.com/example/p{n}
---
"""

CITE = """@inproceedings{{paper{n},
  title = {{{title}}},
  author = {{Rivera, Ana and {coauthor_bib} and Tran, Kim Q.}},
  booktitle = {{{venue}}},
  year = {{{year}}}
}}
"""

AUTHOR = """---
title: Ana Rivera
role: Associate Professor
organizations:
  - name: Demo University
bio: Systems for machine learning.
interests: [Compilers, Distributed training]
education:
  courses:
    - course: PhD in Computer Science
      institution: Demo University
      year: 2015
social:
  - icon: github
    icon_pack: fab
    link: https://github.com/arivera
---
Ana works on efficient systems.
"""

TOPICS = ["quantization", "pruning", "scheduling", "caching", "compilation", "sparsity"]
VENUES = [("Systems Conference", "SysConf"), ("Learning Workshop", "LW"), ("Journal of Systems", "JSys")]


def build_site(folder, papers):
    files = {"config/_default/hugo.yaml": "title: Lab\n", "content/authors/admin/_index.md": AUTHOR}
    for n in range(papers):
        venue, short = VENUES[n % len(VENUES)]
        topic = TOPICS[n % len(TOPICS)]
        title = f"On {topic} number {n}: a study of {TOPICS[(n * 7) % len(TOPICS)]}"
        coauthor = f"Co Author{n % 40}"
        values = dict(
            title=title, coauthor=coauthor, coauthor_bib=f"Author{n % 40}, Co", year=2010 + n % 15,
            month=1 + n % 9, kind="paper-conference", venue=venue, short=short, topic=topic, n=n,
            featured="true" if n % 25 == 0 else "false",
        )  # fmt: skip
        files[f"content/publication/p{n}/index.md"] = PAPER.format(**values)
        files[f"content/publication/p{n}/cite.bib"] = CITE.format(**values)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def build_pdf(path, pages):
    import fpdf

    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 12, "Ana Rivera", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "ana.rivera@example.edu", new_x="LMARGIN", new_y="NEXT")

    def heading(text):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def row(left, right=""):
        pdf.cell(140, 6, left)
        pdf.cell(0, 6, right, align="R", new_x="LMARGIN", new_y="NEXT")

    heading("Education")
    row("Demo University", "2010 - 2015")
    row("Ph.D. in Computer Science; Advisor: Grace Hopper")
    heading("Experience")
    for i in range(6):
        row(f"Company {i}", f"{2015 + i} - {2016 + i}")
        row("Research Scientist")
        row(f"- Built system number {i} for training at scale.")
    heading("Awards")
    for i in range(8):
        row(f"Best Paper Award, Systems Conference {2016 + i}", str(2016 + i))
    heading("Talks")
    for i in range(12):
        row(f"Efficient training, part {i}. Invited talk, Demo Institute", str(2012 + i))
    heading("Publications")
    n = 0
    while pdf.page_no() < pages:
        row(f"Ana Rivera, Co Author{n % 9}. On caching number {n}. Systems Conference, {2010 + n % 15}.")
        n += 1
    path.write_bytes(bytes(pdf.output()))
    return pdf.page_no(), n


def run(args, env, label):
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{label} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


SETUP = """
from django.contrib.auth import get_user_model
from profiles.models import Profile
Profile.objects.create(slug="ana-rivera", full_name="Ana Rivera", published=True)
get_user_model().objects.create_superuser("bench-admin", "admin@example.org", "x")
"""

CONFIRM = """
import time
from django.contrib.auth import get_user_model
from profiles.imports.files import import_drafts_confirm
from profiles.models import Profile
started = time.perf_counter()
admin = get_user_model().objects.get(username="bench-admin")
report = import_drafts_confirm(actor=admin, profile=Profile.objects.get(slug="ana-rivera"))
print(f"confirm {time.perf_counter() - started:.2f}", report.summary())
"""


def fresh_db(tmp, name):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / name}", "DJANGO_SETTINGS_MODULE": "portfolio_site.settings"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "shell", "-v", "0", "-c", SETUP], cwd=ROOT, env=env, check=True)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--pages", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        site = build_site(tmp / "site", options.papers)
        env = fresh_db(tmp, "site.sqlite3")
        seconds, out = run(["import_site", str(site), "--profile", "ana-rivera", "--no-progress"], env, "import_site")
        print(f"import_site, Hugo site with {options.papers} papers (draft): {seconds:.2f} s for the process")
        started = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "manage.py", "shell", "-v", "0", "-c", CONFIRM], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        print(f"  confirming it (imports the papers): {time.perf_counter() - started:.2f} s for the process; "
              f"{done.stdout.strip()}")  # fmt: skip

        pdf = tmp / "cv.pdf"
        pages, entries = build_pdf(pdf, options.pages)
        env = fresh_db(tmp, "cv.sqlite3")
        seconds, out = run(["import_cv", str(pdf), "--profile", "ana-rivera", "--no-progress"], env, "import_cv")
        read = next((line for line in out.splitlines() if line.startswith("read ")), "")
        print(f"import_cv, {pages}-page PDF CV ({entries} publication lines), to a draft: {seconds:.2f} s "
              f"for the process; {read}")  # fmt: skip


if __name__ == "__main__":
    main()
