"""The site at lab scale: import, then latency and throughput of every list, on PostgreSQL.

    .venv/bin/python bench/scale.py            # 5,000 profiles, 200,000 papers, then one tenth
    .venv/bin/python bench/scale.py --small    # 500 profiles, 20,000 papers, then one tenth
    .venv/bin/python bench/scale.py --profiles 2000 --papers 50000 --no-tenth --json out.json

For each size (the one asked for, then one tenth of it unless --no-tenth):

1. creates a PostgreSQL database of its own (PGHOST/PGPORT/PGUSER, default
   127.0.0.1:5432, user postgres, trust auth), migrates it and collects static files;
2. writes N native profile documents with realistic sections (links, themes, news,
   education, experience with highlights and projects, open source, talks with
   deliveries, service, awards, press, skills, some public statements; a quarter alumni)
   and a publications CSV of M papers with 3-8 ordered authors (about 40% of author
   slots are lab members, so papers link to profiles; one member is on exactly 300);
3. imports them with the project's own bulk path, `manage.py import_profiles` (profiles
   directory first, then the CSV), timing each run and reading its peak RSS (wait4);
4. serves the database with gunicorn (4 sync workers) on a free 127.0.0.1 port, with
   the page cache off (CACHE_URL=dummy://) and then on (per-worker locmem, warmed), and
   for every URL measures latency with one client (p50/p95 over at most --requests
   requests or --seconds, whichever ends first) and requests/s with --threads clients
   for --seconds (skipped for pages slower than a second: the figure would take minutes);
5. stops gunicorn and drops the database, whatever happens.

Requests go to 127.0.0.1 only, each with a timeout (--timeout, the gunicorn worker
timeout too). Prints a Markdown table per size and, with both sizes, the growth of the
uncached p50 from one tenth to full size.
"""

import argparse
import csv
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

from bench.server import free_port, run_threads, server_env, stop  # noqa: E402

ROLES = [  # (role, share of current members)
    ("pi", 0.02), ("faculty", 0.05), ("postdoc", 0.12), ("phd", 0.40), ("masters", 0.15), ("undergrad", 0.08),
    ("engineer", 0.08), ("staff", 0.03), ("visitor", 0.04), ("collaborator", 0.03),
]  # fmt: skip
TOPICS = [
    "ML systems", "Compilers", "Distributed systems", "Operating systems", "Databases", "Networking",
    "Storage", "GPU scheduling", "LLM serving", "Quantization", "Sparse training", "Federated learning",
    "Program synthesis", "Formal verification", "Security", "Energy efficiency", "Recommender systems",
    "Graph processing", "Stream processing", "Serverless computing", "Edge inference", "Fault tolerance",
]  # fmt: skip
WORDS = [
    "scalable", "efficient", "serving", "training", "cache", "model", "update", "elastic", "sparse", "tensor",
    "compiler", "graph", "scheduling", "memory", "storage", "network", "inference", "pipeline", "learning",
    "systems", "cluster", "gpu", "energy", "quantization", "pruning", "distillation", "attention", "kernel",
    "placement", "replication", "consensus", "streaming", "vector", "index", "retrieval", "federated",
    "privacy", "verification", "speculative", "decoding", "batching", "offloading", "checkpointing",
]  # fmt: skip
VENUES = [
    ("USENIX Symposium on Operating Systems Design and Implementation", "OSDI", "conference"),
    ("European Conference on Computer Systems", "EuroSys", "conference"),
    ("ACM Symposium on Cloud Computing", "SoCC", "conference"),
    ("Conference on Machine Learning and Systems", "MLSys", "conference"),
    ("USENIX Symposium on Networked Systems Design and Implementation", "NSDI", "conference"),
    ("International Conference on Very Large Data Bases", "VLDB", "conference"),
    ("ACM Transactions on Computer Systems", "TOCS", "journal"),
    ("IEEE Transactions on Parallel and Distributed Systems", "TPDS", "journal"),
    ("Workshop on Machine Learning for Systems", "MLSys-W", "workshop"),
    ("arXiv", "arXiv", "preprint"),
]
UNIVERSITIES = [
    "ETH Zurich",
    "Tsinghua University",
    "University of Toronto",
    "TU Munich",
    "EPFL",
    "University of Tokyo",
    "KAIST",
    "Imperial College London",
    "UC Berkeley",
    "Sorbonne Université",
]
COMPANIES = ["Google", "Microsoft Research", "Alibaba", "Meta", "NVIDIA", "ByteDance", "SAP", "Huawei", "IBM"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "zu", "vo", "shi", "an", "del", "qua", "ri", "po", "nex", "tor", "li"]
HEAVY_PAPERS = 300


def log(message):
    print(message, flush=True)


def rng_pick_role(rng):
    x, acc = rng.random(), 0.0
    for role, share in ROLES:
        acc += share
        if x < acc:
            return role
    return "phd"


def codename(i):
    """A unique pronounceable system name per paper ("Kalomi", "Tenzuvo" ...)."""
    parts, n = [], i + len(SYLLABLES)
    while n:
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts).capitalize()


def make_names(n, seed):
    """`n` unique (full name, native-script name or "") pairs from Faker, in many locales."""
    from faker import Faker

    latin = Faker(["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "sv_SE", "tr_TR", "pt_BR"])
    latin.seed_instance(seed)
    scripts = {"zh_CN": Faker("zh_CN"), "ja_JP": Faker("ja_JP"), "ko_KR": Faker("ko_KR"), "el_GR": Faker("el_GR")}
    for i, fake in enumerate(scripts.values()):
        fake.seed_instance(seed + i + 1)
    rng = random.Random(seed)
    seen, names = set(), []
    while len(names) < n:
        full = f"{latin.first_name()} {latin.last_name()}"
        if full in seen:
            full = f"{latin.first_name()} {latin.first_name()[0]}. {latin.last_name()}"
            if full in seen:
                continue
        seen.add(full)
        native = scripts[rng.choice(list(scripts))].name() if rng.random() < 0.15 else ""
        names.append((full, native))
    return names


def _education(rng, joined, alumni, tags, uni, uni2):
    return [
        {
            "institution": uni2,
            "degree": "BSc",
            "programme": "Computer Science",
            "start": f"{joined - 8}-09",
            "end": f"{joined - 4}-06",
            "gpa": "3.8",
            "gpa_scale": "4.0",
            "rank": rng.randint(1, 20),
            "rank_of": 120,
        },
        {
            "institution": uni,
            "degree": "PhD",
            "programme": "Computer Science",
            "start": f"{joined}-09",
            "is_current": not alumni,
            "advisor": "Prof. Example",
            "thesis_title": f"Efficient {tags[0]}",
        },
    ]


def _experience(i, rng, joined):
    """Two positions, each with nested highlights (and a sub-bullet) and a project."""
    return [
        {
            "kind": "internship" if k else "industry",
            "organisation": rng.choice(COMPANIES),
            "title": "Research Intern" if k else "Software Engineer",
            "start": f"{joined - 2 + k}-06",
            "end": f"{joined - 2 + k}-09",
            "summary": "Worked on the serving stack.",
            "highlights": [
                {"label": "Problem", "text": "Tail latency was **3x** the target."},
                {"label": "Outcome", "text": "Cut p99 by 41%.", "children": [{"text": "Shipped to production."}]},
            ],
            "projects": [{"title": f"{codename(i * 7 + k)} engine", "summary": "A faster inference engine."}],
        }
        for k in range(2)
    ]


def _work(i, joined, tags):
    """Projects, open source and talks (with two deliveries): the nested sections."""
    return {
        "projects": [
            {
                "title": f"{codename(i * 7 + 3)}",
                "summary": f"Open {tags[1].lower()} toolkit.",
                "highlights": [{"text": "Used by 40 labs."}],
            }
        ],
        "open_source": [
            {
                "project": f"{codename(i * 7 + 4).lower()}-rs",
                "url": "https://github.com/example/x",
                "role": "Maintainer",
                "highlights": [{"text": "Wrote the scheduler."}],
            }
        ],
        "talks": [
            {
                "title": f"Lessons from {tags[0]}",
                "deliveries": [
                    {"event": "Systems Seminar", "location": "Zurich", "date": f"{joined + 1}-03"},
                    {"event": "Industry Day", "is_virtual": True, "date": f"{joined + 2}-11"},
                ],
            },
        ],
        "service": [{"role": "reviewer", "venue": f"{VENUES[k][1]} {2021 + k}", "year": 2021 + k} for k in range(3)],
        "awards": [{"title": "Best Paper Award", "awarding_body": VENUES[k][1], "year": 2019 + k} for k in range(2)],
        "skills": [{"name": s} for s in ("Python", "Rust", "C++", "CUDA", "PyTorch")],
    }


def make_profile(i, name, native, rng, heavy):
    """One member's native document; the random draws come in a fixed order (same seed, same lab)."""
    full_name = name
    slug = "heavy-member" if heavy else f"m{i:05d}"
    alumni = not heavy and rng.random() < 0.25
    role = "pi" if heavy else rng_pick_role(rng)
    joined = rng.randint(2008, 2024)
    tags = rng.sample(TOPICS, 3)
    uni, uni2 = rng.sample(UNIVERSITIES, 2)
    doc = {
        "format": "academic-profile",
        "version": 1,
        "slug": slug,
        "full_name": full_name,
        "native_name": native,
        "headline": {"pi": "Professor", "faculty": "Assistant Professor", "postdoc": "Postdoctoral Researcher"}.get(
            role, role.capitalize()
        ),
        "role": role,
        "status": "alumni" if alumni else "current",
        "joined_on": f"{joined}-09",
        "organisation": uni,
        "location": "Zurich, Switzerland",
        "short_bio": f"{full_name.split()[0]} works on **{tags[0].lower()}** and {tags[1].lower()}.",
        "research_interests": f"Making {tags[0].lower()} faster and cheaper, with a focus on {tags[2].lower()}.",
        "interest_tags": ", ".join(tags),
        "display_order": rng.randint(1, 200),
        "links": [
            {"kind": "homepage", "url": f"https://{slug}.example.org/"},
            {"kind": "github", "url": f"https://github.com/{slug}", "label": slug},
            {"kind": "scholar", "url": f"https://scholar.google.com/citations?user={slug}"},
        ],
        "focus_themes": [
            {"title": f"{t} at scale", "body": f"How to make *{t.lower()}* work for thousands of users."}
            for t in tags[:2]
        ],
        "news": [
            {"date": f"{2020 + k}-0{1 + k}", "body": f"Paper accepted at **{VENUES[k][1]} {2020 + k}**."}
            for k in range(3)
        ],
        "education": _education(rng, joined, alumni, tags, uni, uni2),
        "experience": _experience(i, rng, joined),
        **_work(i, joined, tags),
    }
    if alumni:
        doc["left_on"] = f"{min(joined + 5, 2025)}-06"
        doc["alumni_destination"] = f"Assistant Professor, {rng.choice(UNIVERSITIES)}"
    if rng.random() < 0.3:
        doc["press"] = [{"outlet": "Tech Blog", "title": f"Inside {codename(i)}", "url": "https://example.org/p"}]
    if rng.random() < 0.1:
        doc["statements"] = [{"kind": "research", "title": "Research statement", "slug": "research",
                              "body": "I build **systems**.", "visibility": "public"}]  # fmt: skip
    return doc


def write_data(folder, n_profiles, n_papers, seed=13):
    """Profile documents in folder/profiles/, papers in folder/papers.csv. -> what to query."""
    from publications.formats.csv import format_authors

    rng = random.Random(seed)
    names = make_names(n_profiles + 4000, seed)
    members, outsider_names = names[:n_profiles], [n for n, _ in names[n_profiles:]]
    profiles_dir = folder / "profiles"
    profiles_dir.mkdir()
    for i, (name, native) in enumerate(members):
        doc = make_profile(i, name, native, rng, heavy=i == 0)
        (profiles_dir / f"{doc['slug']}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    heavy = members[0][0]
    others = [n for n, _ in members[1:]]
    kinds_extra = ["thesis"] * 3 + ["chapter"] * 2  # a few of each, so ?type=thesis finds some
    out = open(folder / "papers.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    writer = csv.writer(out)
    writer.writerow(["title", "authors", "year", "venue", "venue_short", "kind", "doi", "abstract"])
    for i in range(n_papers):
        n_authors = rng.randint(3, 8)
        authors = []
        if i < HEAVY_PAPERS:
            authors.append(heavy)
        while len(authors) < n_authors:
            name = rng.choice(others) if (others and rng.random() < 0.4) else rng.choice(outsider_names)
            if name not in authors:
                authors.append(name)
        rng.shuffle(authors)
        venue, short, kind = rng.choice(VENUES)
        if rng.random() < 0.05:
            kind = rng.choice(kinds_extra)
            venue, short = "University of Examples", ""
        year = rng.randint(2000, 2025)
        title = f"{codename(i)}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 30))).capitalize() + "."
        writer.writerow([
            title,
            format_authors([{"name": a, "equal_contribution": False, "corresponding": k == 0}
                            for k, a in enumerate(authors)]),
            year, venue, f"{short} '{year % 100:02d}" if short else "", kind,
            f"10.5555/scale.{i}" if i % 3 else "", abstract,
        ])  # fmt: skip
    out.close()  # written as generated: this process stays small (see run_measured)
    return {
        "heavy_slug": "heavy-member",
        "member_slug": "m00001",
        "author_q": others[0].split()[-1] if others else heavy.split()[-1],
        "title_q": "quantization pruning",
    }


# --------------------------------------------------------------------------- database


def pg_connect(dbname):
    import psycopg

    return psycopg.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=int(os.environ.get("PGPORT", "5432")),
        user=os.environ.get("PGUSER", "postgres"),
        dbname=dbname,
        autocommit=True,
    )


def create_database(name):
    with pg_connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name):
    with pg_connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name):
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    return f"postgres://{user}@{host}:{port}/{name}"


# Runs a command in a child of its own and prints that child's peak RSS (KiB). A child of
# this benchmark would report at least this process's own peak (Linux carries the parent's
# high-water mark over a fork and exec), and this process held the generated data.
_PEAK_RSS = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(cmd, env, log_path):
    """Run `cmd`; -> (seconds, peak RSS MB of that process). Raises with its output on failure."""
    rss_path = f"{log_path}.rss"
    started = time.perf_counter()
    with open(log_path, "w") as out:
        proc = subprocess.run(
            [PYTHON, "-c", _PEAK_RSS, rss_path, *map(str, cmd)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        tail = Path(log_path).read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{tail}")
    return seconds, int(Path(rss_path).read_text()) / 1024  # KiB on Linux


# --------------------------------------------------------------------------- HTTP


def get(port, path, timeout):
    """One GET on a fresh connection: -> (status, seconds); status 0 on a timeout or a dropped connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity", "Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        conn.close()


def wait_until_up(port, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        status, _ = get(port, "/robots.txt", 2)
        if status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def latency(port, path, *, max_requests, seconds, timeout):
    """Sequential requests: -> (times of the 200s, statuses seen)."""
    times, statuses = [], []
    stop_at = time.monotonic() + seconds
    while len(statuses) < max_requests:
        status, took = get(port, path, timeout)
        statuses.append(status)
        if status == 200:
            times.append(took)
        else:
            break  # an error or a timeout says enough; don't hammer it
        if time.monotonic() > stop_at and len(statuses) >= 3:
            break
    return times, statuses


def throughput(port, path, *, threads, seconds, timeout):
    """`threads` clients for `seconds`: -> requests/s (200s only)."""
    counts = [0] * threads
    stop_at = time.monotonic() + seconds

    def client(i):
        while time.monotonic() < stop_at:
            status, _ = get(port, path, timeout)
            if status == 200:
                counts[i] += 1
            elif status == 0:
                return

    return sum(counts) / run_threads(client, threads)


def urls_for(info, n_papers):
    deep = max(2, n_papers // 50 // 2)  # the middle page of the API list (50 a page)
    heavy, member = info["heavy_slug"], info["member_slug"]
    return [
        ("/", "/"),
        ("/people/", "/people/"),
        ("/people/?status=alumni", "/people/?status=alumni"),
        ("/publications/", "/publications/"),
        ("/publications/?year=2016", "/publications/?year=2016"),
        (f"/publications/?q= (author: {info['author_q']})", f"/publications/?q={info['author_q']}"),
        (f"/publications/?q= (title: {info['title_q']})", f"/publications/?q={info['title_q'].replace(' ', '+')}"),
        ("/publications/?type=thesis", "/publications/?type=thesis"),
        ("/publications/?member=", f"/publications/?member={member}"),
        ("/sitemap.xml (index)", "/sitemap.xml"),
        ("/sitemap-publications.xml (a file)", "/sitemap-publications.xml"),
        ("/api/v1/publications/", "/api/v1/publications/"),
        ("/api/v1/publications/?q=", f"/api/v1/publications/?q={info['author_q']}"),
        (f"/api/v1/publications/?page={deep}", f"/api/v1/publications/?page={deep}"),
        (f"CV ({HEAVY_PAPERS} papers)", f"/people/{heavy}/cv/"),
        (f"profile ({HEAVY_PAPERS} papers)", f"/people/{heavy}/"),
    ]


def serve_and_measure(env, urls, args, cache_on):
    port = free_port()
    env = {**env}
    if cache_on:
        env.pop("CACHE_URL", None)
    else:
        env["CACHE_URL"] = "dummy://"
    cmd = [
        PYTHON, "-m", "gunicorn", "portfolio_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "4", "--timeout", str(int(args.timeout) + 5), "--log-level", "error",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    results = {}
    try:
        wait_until_up(port)
        for label, path in urls:
            # Warm every worker (templates, connections; and its cache: locmem is per process;
            # 16 requests, so that each of the 4 workers most likely took a few),
            # unless the page is slow enough that cold-start costs do not matter.
            first = None
            for _ in range(16):
                status, took = get(port, path, args.timeout)
                first = first or (status, took)
                if status != 200 or took > 1.0:
                    break
            if first[0] != 200:
                results[label] = {"status": first[0] or "timeout", "p50": None, "p95": None, "rps": None}
                log(f"  {label:<48} {'timeout' if first[0] == 0 else first[0]} after {first[1]:.1f} s")
                continue
            times, statuses = latency(
                port, path, max_requests=args.requests, seconds=args.seconds, timeout=args.timeout
            )
            if not times:
                results[label] = {"status": statuses[-1] or "timeout", "p50": None, "p95": None, "rps": None}
                continue
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            rps = None
            if p50 < 1.0:
                rps = throughput(port, path, threads=args.threads, seconds=args.seconds, timeout=args.timeout)
            results[label] = {"status": 200, "p50": p50, "p95": p95, "rps": rps, "n": len(times)}
            log(f"  {label:<48} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  "
                f"{'' if rps is None else f'{rps:7.1f} req/s'}  ({len(times)} requests)")  # fmt: skip
    finally:
        stop(server, timeout=15)
    return results


# --------------------------------------------------------------------------- one size


def run_size(n_profiles, n_papers, args, tmp):
    keep = bool(args.keep) and (n_profiles, n_papers) == args.sizes[0]
    name = f"{args.keep}" if keep else f"bench_scale_{os.getpid()}_{n_papers}"
    folder = Path(tmp) / f"data-{n_papers}"
    folder.mkdir()
    env = server_env(
        tmp,
        database_url(name),
        IMPORT_MAX_BYTES=str(2 * 1024**3),
        IMPORT_MAX_ROWS=str(max(50_000, n_papers + 1)),
        API_ANON_RATE="1000000/min",  # the benchmark is one client asking as fast as it can
    )
    manage = [PYTHON, "manage.py"]
    result = {"profiles": n_profiles, "papers": n_papers}
    reuse = keep and args.reuse
    log(f"\n== {n_profiles:,} profiles, {n_papers:,} papers (database {name}{', reused' if reuse else ''})")
    if reuse:
        # A database an earlier `--keep NAME` run filled: measure only (after migrating,
        # so that a newer checkout's indexes are there).
        with pg_connect(name) as conn:
            info = json.loads(conn.execute("SELECT info FROM bench_scale_info").fetchone()[0])
        run_measured([*manage, "migrate", "--noinput", "-v0"], env, folder / "migrate.log")
    else:
        started = time.perf_counter()
        info = write_data(folder, n_profiles, n_papers)
        size_mb = (folder / "papers.csv").stat().st_size / 1e6
        log(f"generated the data in {time.perf_counter() - started:.1f} s (papers.csv {size_mb:.1f} MB)")
        create_database(name)
    try:
        if not Path(f"{tmp}/static").exists():
            run_measured([*manage, "collectstatic", "--noinput", "-v0"], env, folder / "static.log")
        if not reuse:
            run_measured([*manage, "migrate", "--noinput", "-v0"], env, folder / "migrate.log")
            seconds, rss = run_measured([*manage, "import_profiles", str(folder / "profiles")], env, folder / "p.log")
            result["import_profiles"] = {"seconds": seconds, "rss_mb": rss}
            log(f"import_profiles {n_profiles:,} documents: {seconds:.1f} s, peak RSS {rss:.0f} MB")
            seconds, rss = run_measured([*manage, "import_profiles", str(folder / "papers.csv")], env, folder / "c.log")
            result["import_papers"] = {"seconds": seconds, "rss_mb": rss}
            log(f"import_profiles papers.csv ({n_papers:,} papers): {seconds:.1f} s, peak RSS {rss:.0f} MB")
        with pg_connect(name) as conn:
            if not reuse:
                conn.execute("VACUUM ANALYZE")
                conn.execute("CREATE TABLE bench_scale_info (info text)")
                conn.execute("INSERT INTO bench_scale_info VALUES (%s)", [json.dumps(info)])
            rows = conn.execute(
                "SELECT (SELECT count(*) FROM profiles_profile), (SELECT count(*) FROM publications_publication),"
                " (SELECT count(*) FROM publications_authorship),"
                " (SELECT count(*) FROM publications_authorship WHERE profile_id IS NOT NULL),"
                " (SELECT count(*) FROM publications_authorship a JOIN profiles_profile p ON p.id = a.profile_id"
                "  WHERE p.slug = 'heavy-member')"
            ).fetchone()
        result["rows"] = dict(zip(["profiles", "papers", "authorships", "linked", "heavy_papers"], rows, strict=True))
        log("rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()))
        urls = urls_for(info, n_papers)
        if args.only:
            urls = [(label, path) for label, path in urls if any(word in label for word in args.only)]
        for cache_on in (False, True) if not args.no_cache_on else (False,):
            mode = "cache_on" if cache_on else "cache_off"
            load_before = os.getloadavg()[0]
            log(f"-- page cache {'on' if cache_on else 'off'} (load average {load_before:.1f})")
            result[mode] = serve_and_measure(env, urls, args, cache_on)
            result[f"{mode}_load"] = (load_before, os.getloadavg()[0])
        result["labels"] = [label for label, _ in urls]
    finally:
        if keep:
            log(f"kept the database {name} (measure it again with --keep {name} --reuse)")
        else:
            drop_database(name)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def fmt_ms(row):
    if row is None:
        return "-", "-", "-"
    if row["p50"] is None:
        return str(row["status"]), "", ""
    rps = "-" if row["rps"] is None else f"{row['rps']:.0f}"
    return f"{row['p50'] * 1000:.0f}", f"{row['p95'] * 1000:.0f}", rps


def print_table(result, tenth=None):
    log(f"\n### {result['profiles']:,} profiles, {result['papers']:,} papers (PostgreSQL, gunicorn 4 workers)\n")
    for key in ("import_profiles", "import_papers"):
        if key in result:
            log(f"- {key}: {result[key]['seconds']:.1f} s, peak RSS {result[key]['rss_mb']:.0f} MB")
    for mode in ("cache_off", "cache_on"):
        if f"{mode}_load" in result:
            before, after = result[f"{mode}_load"]
            log(
                f"- machine load average (1 min) during {mode.replace('_', ' ')}: {before:.1f} -> {after:.1f}"
                f" on {os.cpu_count()} CPUs (other processes slow every figure down)"
            )
    log("")
    header = "| page | off p50 ms | off p95 ms | off req/s | on p50 ms | on p95 ms | on req/s |"
    if tenth:
        header += " off p50 vs 1/10 size |"
    log(header)
    log("|" + " --- |" * (header.count("|") - 1))
    for label in result["labels"]:
        off, on = result["cache_off"].get(label), result.get("cache_on", {}).get(label)
        line = f"| {label} | " + " | ".join(fmt_ms(off)) + " | " + " | ".join(fmt_ms(on)) + " |"
        if tenth:
            small = tenth["cache_off"].get(_tenth_label(label, result, tenth))
            ratio = "-"
            if off and small and off["p50"] and small["p50"]:
                ratio = f"{off['p50'] / small['p50']:.1f}x"
            line += f" {ratio} |"
        log(line)


def _tenth_label(label, result, tenth):
    """The same URL in the smaller run (the deep API page number differs)."""
    index = result["labels"].index(label)
    return tenth["labels"][index]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="500 profiles and 20,000 papers (a quick run)")
    parser.add_argument("--profiles", type=int, help="default 5,000 (500 with --small)")
    parser.add_argument("--papers", type=int, help="default 200,000 (20,000 with --small)")
    parser.add_argument("--no-tenth", action="store_true", help="skip the run at one tenth of the size")
    parser.add_argument("--seconds", type=float, default=4.0, help="latency window and throughput window per URL")
    parser.add_argument("--requests", type=int, default=40, help="at most this many latency requests per URL")
    parser.add_argument("--threads", type=int, default=4, help="concurrent clients for requests/s")
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--keep", metavar="NAME",
        help="use the database NAME for the full size and keep it afterwards (dropped otherwise)",
    )  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="with --keep: the database is filled, measure only")
    parser.add_argument("--only", nargs="*", help="measure only the pages whose label contains one of these words")
    parser.add_argument("--no-cache-on", action="store_true", help="measure with the page cache off only")
    args = parser.parse_args()
    # Stopped with SIGTERM as with Ctrl-C: the `finally` blocks stop gunicorn and drop the database.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    n_profiles = args.profiles or (500 if args.small else 5_000)
    n_papers = args.papers or (20_000 if args.small else 200_000)
    args.sizes = [(n_profiles, n_papers)]
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep NAME")

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        # Django in this process only to write the CSV with the project's own author format;
        # the benchmark's databases are reached through the subprocesses' DATABASE_URL.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/unused.sqlite3")
        import django

        django.setup()
        results.append(run_size(n_profiles, n_papers, args, tmp))
        if not args.no_tenth:
            results.append(run_size(max(10, n_profiles // 10), max(HEAVY_PAPERS, n_papers // 10), args, tmp))
    print_table(results[0], results[1] if len(results) > 1 else None)
    if len(results) > 1:
        print_table(results[1])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
