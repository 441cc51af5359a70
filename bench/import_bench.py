"""Import speed: this project's bulk path against a plain django-import-export ModelResource.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--baseline-rows 1000] [--admin-csv]
    .venv/bin/python bench/import_bench.py --rows 200000 --command-only   # bounded memory at any size

Generates N publications with 1–8 authors each (a third of them lab members, printed in
varying forms: "Last, First", initials, no accents) plus the members, as a publications
CSV and as BibTeX; migrates a fresh temporary SQLite database (DATABASE_URL points at a
file under a temp dir) and times, each time into empty tables:

1. the default django-import-export path: ``modelresource_factory(Publication)`` with
   default settings (row by row, ``save()`` per row) on ``--baseline-rows`` rows of the
   same CSV (10,000 rows take minutes that way; rows/second is what is compared);
2. this project's bulk path (profiles.imports.files.import_uploads) on the whole CSV, with
   its query count (CaptureQueriesContext);
3. the same bulk path on the BibTeX file;
4. the whole ``manage.py import_profiles`` process (a subprocess: start-up, parsing, LaTeX
   decoding, writing) on the plain BibTeX file and on a LaTeX-heavy one in which every entry
   has accents, braces, macros and math in its title and accented names, each with that
   process's own peak RSS and CPU time (os.wait4, through a small launcher);
5. with ``--admin-csv``: the admin's spreadsheet import (PublicationResource.import_data, as
   the admin calls it: a dry-run preview, then the confirmed import) on the CSV with a
   citation_key column and authors.

Other helpers may load the machine: every rate is given per wall second and per CPU
second of the process that did the work (resource.getrusage / os.wait4), so figures from a
loaded machine stay comparable. ``--command-only`` runs only stage 4 (use it with
``--rows 200000``: the in-process stages hold the generated files in the bench's memory).

Prints rows/second, the ratio, peak RSS (resource.getrusage ru_maxrss) and checks the
targets: >= 10x the default path, >= 2,000 publications/s, 10,000 in < 10 s, RSS < 250 MB,
admin import >= 1,000 rows/s. Exit status 1 when a target is missed.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GIVEN = [
    "Aiko",
    "Chijun",
    "Elena",
    "Tomás",
    "Jonas",
    "Ravi",
    "Sofia",
    "Mei-Ling",
    "Hugo",
    "Priya",
    "Wei",
    "Ana",
    "Bo",
    "Carl",
    "Dana",
    "Emil",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
]
FAMILY = [
    "Nakamura",
    "Sima",
    "Marchetti",
    "Okonkwo-Reyes",
    "Becker",
    "Deshpande",
    "Lindqvist",
    "Chou",
    "Lefèvre",
    "Raman",
    "Zhang",
    "Example",
    "Müller",
    "García",
    "Kowalski",
    "Novak",
    "Haddad",
    "Silva",
]
VENUES = [
    ("USENIX Symposium on Operating Systems Design and Implementation", "OSDI"),
    ("European Conference on Computer Systems", "EuroSys"),
    ("ACM Symposium on Cloud Computing", "SoCC"),
    ("Conference on Machine Learning and Systems", "MLSys"),
    ("ACM Transactions on Computer Systems", "TOCS"),
]
WORDS = [
    "scalable",
    "efficient",
    "serving",
    "training",
    "cache",
    "model",
    "update",
    "elastic",
    "sparse",
    "tensor",
    "compiler",
    "graph",
    "scheduling",
    "memory",
    "storage",
    "network",
    "inference",
    "pipeline",
    "learning",
    "systems",
    "cluster",
    "gpu",
    "energy",
]


def rss_mb():
    # ru_maxrss is KiB on Linux, bytes on macOS.
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def make_members(n=60):
    rng = random.Random(1)
    members, seen = [], set()
    while len(members) < n:
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if name not in seen:
            seen.add(name)
            members.append(name)
    return members


def printed(name, rng):
    given, family = name.rsplit(" ", 1)
    form = rng.random()
    if form < 0.2:
        return f"{family}, {given}"
    if form < 0.35:
        return f"{given[0]}. {family}"
    return name


def make_records(n, members):
    rng = random.Random(2)
    outsiders = [f"{g} {f}son" for g in GIVEN for f in FAMILY[:8]]
    records = []
    for i in range(n):
        authors = []
        for _ in range(rng.randint(1, 8)):
            pool = members if rng.random() < 0.35 else outsiders
            name = rng.choice(pool)
            if name not in [a[0] for a in authors]:
                authors.append((name, rng.random() < 0.05, rng.random() < 0.05))
        venue, short = rng.choice(VENUES)
        year = rng.randint(2005, 2025)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + f" ({i})"
        records.append({
            "title": title, "authors": authors, "year": year, "venue": venue,
            "venue_short": f"{short} '{year % 100:02d}",
            "doi": f"10.5555/bench.{i}" if i % 3 else "", "arxiv_id": f"{2000 + i // 10000:04d}.{i % 10000:05d}"
            if i % 5 == 0 else "", "kind": "journal" if short == "TOCS" else "conference",
        })  # fmt: skip
    return records


def write_csv(records, members_forms=True, keys=False):
    from publications.formats.csv import format_authors

    rng = random.Random(3)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*(["citation_key"] if keys else []), "title", "authors", "year", "venue", "venue_short", "kind",
                     "doi", "arxiv_id"])  # fmt: skip
    for i, r in enumerate(records):
        authors = [{"name": printed(a, rng) if members_forms else a, "equal_contribution": e, "corresponding": c}
                   for a, e, c in r["authors"]]  # fmt: skip
        writer.writerow([*([f"bench{i}"] if keys else []), r["title"], format_authors(authors), r["year"], r["venue"],
                         r["venue_short"], r["kind"], r["doi"], r["arxiv_id"]])  # fmt: skip
    return out.getvalue().encode()


def write_bib(records):
    parts = []
    for i, r in enumerate(records):
        authors = " and ".join(a for a, _, _ in r["authors"])
        fields = {"title": r["title"], "author": authors, "year": r["year"], "booktitle": r["venue"], "doi": r["doi"]}
        parts.append(_entry(f"bench{i}", fields))
    return "\n".join(parts).encode()


def _entry(key, fields):
    """One @inproceedings entry; empty fields are left out."""
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@inproceedings{{{key},\n{body},\n}}\n"


LATEX_GIVEN = [
    r"\'{A}lvaro",
    r"Fran\c{c}ois",
    r"J{\"o}rg",
    r"Rafa\l",
    r"{\O}ystein",
    r"Bj\"{o}rn",
    r"Ren\'e",
    r"Ji\v{r}\'{\i}",
    r"S{\o}ren",
    r"Ma{\l}gorzata",
    r"Andr\'{e}",
    r"Zo\"{e}",
]
LATEX_FAMILY = [
    r"Garc\'{\i}a",
    r"M\"{u}ller",
    r"Erd\H{o}s",
    r"{\v{S}}ime\v{c}ek",
    r"Kowalsk\'{\i}",
    r"L{\'e}v{\^e}que",
    r"{van der Berg}",
    r"St{\aa}hl",
    r"Gro{\ss}",
    r"Nu\~{n}ez",
    r"{\O}stergaard",
    r"Dvo\v{r}\'{a}k",
]
LATEX_TITLE_BITS = [
    r"Radix-2\({}^{\mbox{k}}\)",
    r"\mbox{$0$--$1$} Integer",
    r"{\TeX}book",
    r"\LaTeX",
    r"\texttt{grep}",
    r"$O(n \log n)$",
    r"$\alpha$-$\beta$",
    r"{GPU}",
    r"$10^{-3}$",
    r"\emph{Really}",
    r"{\textbackslash}",
    r"$\mathcal{O}(n^2)$",
    r"Na\"{\i}ve",
    r"caf\'{e}",
    r"{RDMA}",
    r"$\epsilon$-Greedy",
]


def write_latex_bib(records):
    """Every entry has accents, braces, macros and math in its title and accented names."""
    rng = random.Random(4)
    parts = []
    for i, r in enumerate(records):
        authors = " and ".join(
            f"{rng.choice(LATEX_FAMILY)}, {rng.choice(LATEX_GIVEN)}"
            if rng.random() < 0.5
            else f"{rng.choice(LATEX_GIVEN)} {rng.choice(LATEX_FAMILY)}"
            for _ in range(len(r["authors"]))
        )
        words = r["title"].split(" ")
        for _ in range(3):
            words.insert(rng.randrange(len(words)), rng.choice(LATEX_TITLE_BITS))
        title = " ".join(words)
        fields = {
            "title": title,
            "author": authors,
            "year": r["year"],
            "booktitle": f"Proc.\\ of the {r['venue']} ({rng.choice(LATEX_TITLE_BITS)})",
            "pages": f"{i}--{i + 12}",
            "doi": r["doi"] and f"https://doi.org/{r['doi']}",
        }
        parts.append(_entry(f"latex{i}", fields))
    return "\n".join(parts).encode()


class Done:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


# A child's ru_maxrss starts at its parent's RSS when it is forked (Linux keeps the larger of
# the old and new address space's peak across exec), and this bench holds every generated
# file: so the import process is started by a small launcher, whose fork copies little.
LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime], out)
"""


def time_command(path, tmp):
    """The whole `manage.py import_profiles PATH` process: wall time, its own peak RSS and CPU time."""
    import json
    import subprocess

    out, err, measured = Path(tmp) / "command.out", Path(tmp) / "command.err", Path(tmp) / "command.json"
    started = time.perf_counter()
    with out.open("w") as stdout, err.open("w") as stderr:
        subprocess.run([sys.executable, "-c", LAUNCHER, str(measured), sys.executable, str(ROOT / "manage.py"),
                        "import_profiles", str(path)], env=os.environ.copy(), stdout=stdout, stderr=stderr,
                       check=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    returncode, maxrss, cpu = json.loads(measured.read_text())
    peak = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, peak, Done(returncode, out.read_text(), err.read_text()), cpu


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def clear():
    """Empty the publication tables (and their history) in four statements."""
    from django.db import connection

    from publications.models import Authorship, Publication

    with connection.cursor() as cursor:
        for model in (Authorship.history.model, Publication.history.model, Authorship, Publication):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def run_command(label, path, rows, tmp):
    """Stage 4: one import_profiles process on `path`; prints and returns (rate, peak RSS)."""
    from publications.models import Publication

    clear()
    seconds, peak, done, cpu = time_command(path, tmp)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-2000:])
    sample = Publication.objects.order_by("pk").values_list("title", flat=True).first()
    print(f"manage.py import_profiles, {label} ({path.stat().st_size / 1e6:.1f} MB), {rows:,} entries: "
          f"{seconds:.2f} s for the whole process, {rows / seconds:,.0f} entries/s; {cpu:.2f} s of CPU, "
          f"{rows / cpu:,.0f} entries per CPU-second; peak RSS {peak:.0f} MB; "
          f"{Publication.objects.count():,} publications; e.g. {sample!r}")  # fmt: skip
    return rows / seconds, rows / cpu, peak


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000)
    parser.add_argument(
        "--admin-csv", action="store_true", help="Also time the admin's spreadsheet import (preview, then confirm)."
    )
    parser.add_argument(
        "--command-only", action="store_true", help="Only the import_profiles processes (plain and LaTeX-heavy BibTeX)."
    )
    return parser.parse_args()


def _setup(args):
    """A fresh SQLite database in a temporary folder, migrated, with the members papers link to."""
    tmp = tempfile.mkdtemp(prefix="import-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("IMPORT_MAX_BYTES", str(500 * 1024 * 1024))
    os.environ.setdefault("IMPORT_MAX_ROWS", str(max(50_000, args.rows + 1)))
    import django

    django.setup()
    from django.core.management import call_command

    from profiles.models import Profile

    call_command("migrate", verbosity=0, interactive=False)
    members = make_members()
    Profile.objects.bulk_create([Profile(slug=f"m{i}", full_name=name) for i, name in enumerate(members)])
    return tmp, members


def _check(targets):
    for label, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return 0 if all(ok for _, ok in targets) else 1


def _commands(tmp, rows, bib_bytes, latex_bytes):
    """The whole import_profiles command on plain and LaTeX-heavy BibTeX, each its own process."""
    plain_path, latex_path = Path(tmp) / "plain.bib", Path(tmp) / "latex-heavy.bib"
    plain_path.write_bytes(bib_bytes)
    latex_path.write_bytes(latex_bytes)
    _, _, plain_rss = run_command("plain BibTeX", plain_path, rows, tmp)
    latex_rate, _, latex_rss = run_command("LaTeX-heavy BibTeX", latex_path, rows, tmp)
    return plain_rss, latex_rate, latex_rss


def _baseline(csv_bytes, baseline_n, rows):
    """django-import-export's default ModelResource path, on the first `baseline_n` rows: rows/s."""
    import tablib
    from import_export.resources import modelresource_factory

    from publications.models import Publication

    lines = csv_bytes.decode().splitlines(keepends=True)
    dataset = tablib.Dataset().load("".join(lines[: baseline_n + 1]), format="csv")
    resource_ = modelresource_factory(Publication)()
    clear()
    started = time.perf_counter()
    result = resource_.import_data(dataset, dry_run=False)
    baseline_s = time.perf_counter() - started
    assert not result.has_errors(), result.row_errors()[:1]
    assert not result.has_validation_errors(), result.invalid_rows[:1]
    baseline_rate = baseline_n / baseline_s
    print(f"\ndjango-import-export ModelResource (defaults), {baseline_n:,} rows"
          f"{' (not 10,000: row by row it would take minutes)' if baseline_n < rows else ''}: "
          f"{baseline_s:.2f} s, {baseline_rate:,.0f} rows/s (publication rows only, no authors)")  # fmt: skip
    return baseline_rate


def _bulk_csv(csv_bytes, rows, baseline_rate):
    """This project's bulk path on the CSV, then the same file again: (rows/s, seconds, queries, again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from profiles.imports.files import import_uploads
    from publications.models import Authorship, Publication

    clear()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), cpu_seconds()
        report = import_uploads(actor=None, sources=[("bench.csv", csv_bytes)])
        bulk_s, bulk_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert report.ok, report.errors[:5]
    bulk_rate = rows / bulk_s
    n_pubs, n_authors = Publication.objects.count(), Authorship.objects.count()
    linked = Authorship.objects.exclude(profile=None).count()
    print(f"this project's bulk path, CSV, {rows:,} rows: {bulk_s:.2f} s, {bulk_rate:,.0f} rows/s; "
          f"{n_pubs:,} publications, {n_authors:,} authorships ({linked:,} linked to members), "
          f"{len(queries.captured_queries)} queries; {bulk_cpu:.2f} s of CPU, {rows / bulk_cpu:,.0f} rows "
          "per CPU-second")  # fmt: skip
    print(
        f"  ratio: {bulk_rate / baseline_rate:.1f}x the default import-export path; peak RSS so far {rss_mb():.0f} MB"
    )
    # Again: idempotent, and still few queries.
    with CaptureQueriesContext(connection) as again_queries:
        started = time.perf_counter()
        again = import_uploads(actor=None, sources=[("bench.csv", csv_bytes)])
        again_s = time.perf_counter() - started
    print(f"  same file again: {again_s:.2f} s, {again.summary()}, {len(again_queries.captured_queries)} queries")
    return bulk_rate, bulk_s, len(queries.captured_queries), again


def _bulk_bib(bib_bytes, rows):
    from profiles.imports.files import import_uploads

    clear()
    started, cpu = time.perf_counter(), cpu_seconds()
    bib_report = import_uploads(actor=None, sources=[("bench.bib", bib_bytes)])
    bib_s, bib_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert bib_report.ok, bib_report.errors[:5]
    print(f"this project's bulk path, BibTeX, {rows:,} entries: {bib_s:.2f} s, "
          f"{rows / bib_s:,.0f} entries/s; {rows / bib_cpu:,.0f} per CPU-second")  # fmt: skip


def _admin_sheet(admin_csv, rows):
    """The admin's spreadsheet import: preview (a dry run), then the confirmed import; rows/s confirmed."""
    import tablib
    from django.contrib.auth import get_user_model

    from publications.imports.resources import PublicationResource
    from publications.models import Authorship, Publication

    clear()
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.org", "x" * 16)
    dataset = tablib.Dataset().load(admin_csv.decode(), format="csv")
    timings = []
    for dry_run in (True, False):
        started, cpu = time.perf_counter(), cpu_seconds()
        result = PublicationResource().import_data(dataset, dry_run=dry_run, raise_errors=True, user=admin)
        timings.append((time.perf_counter() - started, cpu_seconds() - cpu))
        assert not result.has_validation_errors(), result.invalid_rows[:3]
        assert result.totals["new"] == rows, result.totals
    (preview_s, preview_cpu), (confirm_s, confirm_cpu) = timings
    admin_rate = rows / confirm_s
    print(f"admin spreadsheet import (PublicationResource), CSV with authors, {rows:,} rows: "
          f"preview {preview_s:.2f} s ({rows / preview_s:,.0f} rows/s; {rows / preview_cpu:,.0f} per "
          f"CPU-second), confirm {confirm_s:.2f} s ({admin_rate:,.0f} rows/s; {rows / confirm_cpu:,.0f} per "
          f"CPU-second); {Publication.objects.count():,} publications, "
          f"{Authorship.objects.exclude(profile=None).count():,} authors linked")  # fmt: skip
    return admin_rate


def main():
    args = _arguments()
    tmp, members = _setup(args)
    records = make_records(args.rows, members)
    n_author_rows = sum(len(r["authors"]) for r in records)
    if args.command_only:
        bib_bytes, latex_bytes = write_bib(records), write_latex_bib(records)
        del records
        print(f"Generated {args.rows:,} publications ({n_author_rows:,} author rows), {len(members)} members; "
              f"database {tmp}/bench.sqlite3")  # fmt: skip
        plain_rss, latex_rate, latex_rss = _commands(tmp, args.rows, bib_bytes, latex_bytes)
        return _check([
            ("import_profiles peak RSS < 250 MB (plain)", plain_rss < 250),
            ("import_profiles peak RSS < 250 MB (LaTeX-heavy)", latex_rss < 250),
            ("import_profiles on LaTeX-heavy BibTeX >= 2,000 entries/s (wall)", latex_rate >= 2000),
        ])  # fmt: skip
    csv_bytes = write_csv(records)
    admin_csv = write_csv(records, keys=True) if args.admin_csv else b""
    bib_bytes = write_bib(records)
    latex_bytes = write_latex_bib(records)
    del records
    print(f"Generated {args.rows:,} publications ({n_author_rows:,} author rows), "
          f"{len(members)} members; CSV {len(csv_bytes) / 1e6:.1f} MB, BibTeX {len(bib_bytes) / 1e6:.1f} MB; "
          f"database {tmp}/bench.sqlite3")  # fmt: skip

    baseline_rate = _baseline(csv_bytes, min(args.baseline_rows, args.rows), args.rows)
    bulk_rate, bulk_s, n_queries, again = _bulk_csv(csv_bytes, args.rows, baseline_rate)
    _bulk_bib(bib_bytes, args.rows)
    plain_rss, latex_rate, latex_rss = _commands(tmp, args.rows, bib_bytes, latex_bytes)
    admin_rate = _admin_sheet(admin_csv, args.rows) if args.admin_csv else None

    peak = rss_mb()
    print(f"\npeak RSS: {peak:.0f} MB")
    targets = [
        ("bulk >= 10x default import-export", bulk_rate >= 10 * baseline_rate),
        ("bulk >= 2,000 publications/s", bulk_rate >= 2000),
        ("10,000 publications in < 10 s", args.rows < 10_000 or bulk_s * 10_000 / args.rows < 10),
        ("peak RSS < 250 MB", peak < 250),
        ("queries grow with batches, not rows", n_queries < args.rows / 20),
        ("second import creates nothing", again.created == 0),
        ("import_profiles on LaTeX-heavy BibTeX >= 2,000 entries/s", latex_rate >= 2000),
        ("import_profiles on LaTeX-heavy BibTeX peak RSS <= 250 MB", latex_rss <= 250),
        ("import_profiles on plain BibTeX peak RSS <= 250 MB", plain_rss <= 250),
    ]
    if admin_rate is not None:
        targets.append(("admin spreadsheet import >= 1,000 rows/s", admin_rate >= 1000))
    return _check(targets)


if __name__ == "__main__":
    sys.exit(main())
