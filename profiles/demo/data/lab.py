"""A clearly fictional lab around the seed researcher, so the directory and the lab's
publication list look like a real lab's. Every person and paper here is invented."""

from pathlib import Path

LAB = {
    "name": "Efficient Systems Lab",
    "short_name": "ESL (demo)",
    "tagline": "Systems that make large-scale learning fast, cheap and safe.",
    "institution": "Demo University (fictional)",
    "description": (
        "We build the systems underneath machine learning at scale: model serving and updates, "
        "data pipelines, compilers and cluster schedulers. **This is a demo lab**: apart from the "
        "seed researcher, every member and paper on this site is fictional."
    ),
    "contact_email": "lab@example.org",
}

STATEMENT_OF_PURPOSE = (Path(__file__).parent / "statement_of_purpose.md").read_text(encoding="utf-8")


def _member(slug, name, role, **extra):
    data = {
        "slug": slug,
        "full_name": name,
        "role": role,
        "status": "current",
        "organisation": "Demo University (fictional)",
        "team": "Efficient Systems Lab",
    }
    data.update(extra)
    return data


MEMBERS = [
    _member(
        "elena-marchetti",
        "Elena Marchetti",
        "pi",
        display_order=1,
        headline="Professor of Computer Systems",
        email="elena.marchetti@example.org",
        short_bio="Elena leads the lab. She works on operating systems for accelerators and on the "
        "economics of large-scale training.",
        research_interests="Operating systems for accelerators, cluster scheduling, and the cost of training at scale.",
        interest_tags="Operating systems, Cluster scheduling, Accelerators",
        links=[
            {"kind": "homepage", "url": "https://example.org/~marchetti"},
            {"kind": "orcid", "url": "https://orcid.org/0000-0002-1825-0097"},
        ],
        orcid="0000-0002-1825-0097",
        news=[
            {"date": "2025-09", "body": "Welcome to our new PhD students, **Aiko** and **Ravi**!"},
            {"date": "2025-05", "body": "Our paper on elastic training received a Best Paper Award at EuroSys '25."},
        ],
        service=[
            {"role": "pc_member", "venue": "OSDI 2025", "year": 2025},
            {"role": "chair", "role_detail": "Program co-chair", "venue": "SoCC 2024", "year": 2024},
        ],
        awards=[{"title": "Best Paper Award", "awarding_body": "EuroSys", "year": 2025}],
        education=[
            {
                "institution": "Polytechnic of Demo (fictional)",
                "degree": "Ph.D.",
                "programme": "Computer Science",
                "start_date": "2006",
                "end_date": "2011",
                "advisor": "Prof. A. Example",
            }
        ],
    ),
    _member(
        "tomas-okonkwo-reyes",
        "Tomás Okonkwo-Reyes",
        "postdoc",
        display_order=10,
        headline="Postdoctoral researcher",
        pronouns="he/him",
        short_bio="Tomás studies compilers for sparse and irregular ML workloads.",
        research_interests="Compilers for sparse tensors and graph neural networks.",
        interest_tags="Compilers, Sparse tensors, Graph neural networks",
        links=[{"kind": "github", "url": "https://github.com/example-tomas"}],
        talks=[
            {
                "title": "Compiling irregular workloads without tears",
                "deliveries": [
                    {"event": "Demo Systems Seminar", "location": "Virtual", "is_virtual": True, "date": "2024-11"}
                ],
            }
        ],
    ),
    _member(
        "aiko-nakamura",
        "Aiko Nakamura",
        "phd",
        native_name="中村 愛子",
        display_order=20,
        headline="PhD student",
        pronouns="she/her",
        short_bio="Aiko works on KV-cache management for LLM serving.",
        research_interests="LLM serving, KV-cache compression, memory disaggregation.",
        interest_tags="LLM serving, KV cache, Memory disaggregation",
        news=[
            {
                "date": "2025-10",
                "body": "Started an internship on LLM inference (members-only detail).",
                "visibility": "members",
            }
        ],
    ),
    _member(
        "ravi-deshpande",
        "Ravi Deshpande",
        "phd",
        display_order=21,
        headline="PhD student",
        short_bio="Ravi builds schedulers for elastic distributed training.",
        research_interests="Elastic training, cluster scheduling, fault tolerance.",
        interest_tags="Distributed training, Scheduling, Fault tolerance",
    ),
    _member(
        "sofia-lindqvist",
        "Sofia Lindqvist",
        "phd",
        display_order=22,
        headline="PhD student",
        short_bio="Sofia works on data pipelines for multimodal training.",
        research_interests="Data loading, multimodal pipelines, WebAssembly isolation.",
        interest_tags="Data pipelines, Multimodal training, WebAssembly",
    ),
    _member(
        "mei-ling-chou",
        "Mei-Ling Chou",
        "masters",
        native_name="周美玲",
        display_order=30,
        headline="Master's student",
        short_bio="Mei-Ling is applying to PhD programmes in computer systems.",
        research_interests="Systems for machine learning, sparse computing, distributed tracing.",
        interest_tags="ML systems, Sparse computing, Distributed tracing",
        statements=[
            {
                "kind": "purpose",
                "title": "Statement of purpose",
                "slug": "statement-of-purpose",
                "visibility": "private",
                "body": STATEMENT_OF_PURPOSE,
            }
        ],
    ),
    _member(
        "jonas-becker",
        "Jonas Becker",
        "engineer",
        display_order=40,
        headline="Research engineer",
        short_bio="Jonas keeps the lab's GPU cluster and benchmarks running.",
        research_interests="Benchmarking, reproducibility, cluster operations.",
        interest_tags="Benchmarking, Reproducibility",
    ),
    _member(
        "fatima-al-sayed",
        "Fatima Al-Sayed",
        "visitor",
        native_name="فاطمة السيد",
        display_order=60,
        headline="Visiting researcher (fictional)",
        short_bio="Fatima visits the lab to work on energy-aware inference.",
        research_interests="Energy-aware inference and carbon accounting for ML.",
        interest_tags="Energy efficiency, Inference",
    ),
    _member(
        "hugo-lefevre",
        "Hugo Lefèvre",
        "phd",
        status="alumni",
        display_order=70,
        headline="PhD, 2024",
        joined_on="2019-09",
        left_on="2024-08",
        alumni_destination="Assistant Professor, Université de Démo (fictional)",
        short_bio="Hugo's thesis made model updates cheap to roll back.",
        research_interests="Model versioning and safe rollout.",
        interest_tags="Model versioning, Safe rollout",
    ),
    _member(
        "priya-raman",
        "Priya Raman",
        "masters",
        status="alumni",
        display_order=71,
        headline="M.Sc., 2023",
        joined_on="2021-09",
        left_on="2023-06",
        alumni_destination="Research Scientist, Northwind AI (fictional)",
        short_bio="Priya worked on compressed gradient exchange.",
        research_interests="Communication compression for distributed training.",
        interest_tags="Compression, Distributed training",
    ),
]

# Fictional papers: (key, kind, title, venue, short, year, [author slugs or printed names], extra)
_PAPERS = [
    (
        "marchetti2025elastic",
        "conference",
        "Elastic Training Without Stragglers",
        "European Conference on Computer Systems",
        "EuroSys '25",
        2025,
        ["ravi-deshpande", "hugo-lefevre", "Ana Example", "elena-marchetti"],
        {},
    ),
    (
        "nakamura2025kvtier",
        "conference",
        "KVTier: Tiered KV-Cache Storage for Long-Context LLM Serving",
        "USENIX Symposium on Operating Systems Design and Implementation",
        "OSDI '25",
        2025,
        ["aiko-nakamura", "chijun-sima", "tomas-okonkwo-reyes", "elena-marchetti"],
        {"equal": [1, 2]},
    ),
    (
        "lindqvist2024wasmpipe",
        "conference",
        "WasmPipe: Safe In-Process Operators for Multimodal Data Pipelines",
        "ACM Symposium on Cloud Computing",
        "SoCC '24",
        2024,
        ["sofia-lindqvist", "jonas-becker", "chijun-sima", "elena-marchetti"],
        {},
    ),
    (
        "okonkworeyes2024sparse",
        "conference",
        "Sparse Tensor Compilation for Graph Neural Networks at Scale",
        "International Conference on Architectural Support for Programming Languages and Operating Systems",
        "ASPLOS '24",
        2024,
        ["tomas-okonkwo-reyes", "Mei-Ling Chou", "elena-marchetti"],
        {},
    ),
    (
        "lefevre2024rollback",
        "thesis",
        "Cheap Rollback for Continuously Updated Models",
        "Demo University (fictional)",
        "PhD thesis",
        2024,
        ["hugo-lefevre"],
        {"note": "Supervised by Elena Marchetti"},
    ),
    (
        "raman2023gradzip",
        "workshop",
        "GradZip: Lossy Gradient Exchange That Knows When to Stop",
        "Workshop on Machine Learning and Systems",
        "EuroMLSys '23",
        2023,
        ["priya-raman", "ravi-deshpande", "elena-marchetti"],
        {},
    ),
    (
        "marchetti2023cost",
        "journal",
        "What Does a Training Run Really Cost? A Cluster-Level Accounting",
        "ACM Transactions on Computer Systems",
        "TOCS",
        2023,
        ["elena-marchetti", "jonas-becker", "Bo Example"],
        {},
    ),
    (
        "deshpande2025preempt",
        "preprint",
        "Preemption-Aware Checkpointing for Spot GPU Clusters",
        "arXiv",
        "arXiv",
        2025,
        ["ravi-deshpande", "fatima-al-sayed", "elena-marchetti"],
        {},
    ),
    (
        "alsayed2025joules",
        "preprint",
        "Joules per Token: Measuring Energy in LLM Inference",
        "arXiv",
        "arXiv",
        2025,
        ["fatima-al-sayed", "aiko-nakamura", "elena-marchetti"],
        {},
    ),
    (
        "becker2022bench",
        "workshop",
        "Reproducible GPU Benchmarks Are a Scheduling Problem",
        "Workshop on Hot Topics in Operating Systems",
        "HotOS '22",
        2022,
        ["jonas-becker", "hugo-lefevre", "elena-marchetti"],
        {},
    ),
    (
        "lefevre2022fresh",
        "conference",
        "Freshness Budgets for Online Recommendation Models",
        "Conference on Machine Learning and Systems",
        "MLSys '22",
        2022,
        ["hugo-lefevre", "chijun-sima", "priya-raman", "elena-marchetti"],
        {"equal": [1, 2]},
    ),
    (
        "marchetti2021accel",
        "conference",
        "An Operating System Interface for Shared Accelerators",
        "USENIX Annual Technical Conference",
        "ATC '21",
        2021,
        ["elena-marchetti", "Carl Example", "Dana Example"],
        {},
    ),
    (
        "lindqvist2023loader",
        "chapter",
        "Data Loading for Deep Learning",
        "Systems for Machine Learning (fictional volume)",
        "Book chapter",
        2023,
        ["sofia-lindqvist", "elena-marchetti"],
        {},
    ),
    (
        "chou2024trace",
        "workshop",
        "Tracing Distributed Training Jobs with Causal Profiles",
        "Workshop on Systems for ML",
        "SysML-W '24",
        2024,
        ["Mei-Ling Chou", "tomas-okonkwo-reyes", "jonas-becker", "elena-marchetti"],
        {},
    ),
]


def lab_publications(members_by_slug):
    """Expand _PAPERS into publication records (authors linked by slug)."""
    records = []
    for key, kind, title, venue, short, year, authors, extra in _PAPERS:
        rows = []
        for index, author in enumerate(authors, start=1):
            member = members_by_slug.get(author)
            row = {"name": member["full_name"] if member else author}
            if member:
                row["profile"] = author
                row["selected"] = index == 1 or (author == "elena-marchetti" and year >= 2024)
            if index in extra.get("equal", []):
                row["equal_contribution"] = True
            if author == "elena-marchetti" and index == len(authors) and len(authors) > 1:
                row["corresponding"] = True
            rows.append(row)
        records.append(
            {
                "citation_key": key,
                "kind": kind,
                "title": title,
                "venue": venue,
                "venue_short": short,
                "year": year,
                "note": extra.get("note", ""),
                "authors": rows,
                "abstract": f"This fictional paper exists so the demo lab looks lived in. {title}.",
                "url_pdf": f"https://example.org/papers/{key}.pdf",
                "url_code": f"https://github.com/example-lab/{key}" if kind == "conference" else "",
            }
        )
    return records
