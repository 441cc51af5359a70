"""The seed researcher (seeds 000–003), transcribed section by section.

Every piece of content from the seed pages has a place here; profiles/demo.py
writes it to the database. Links the seeds hide behind "#" are left without a URL
rather than invented.
"""

EKKO_KEY = "sima2022ekko"
DBA_KEY = "shi2019dynamic"

PROFILE = {
    "slug": "chijun-sima",
    "full_name": "Chijun Sima",
    "headline": "Senior Software Development Engineer – Efficient ML Systems",
    "tagline": "I build efficient ML systems for large-scale production",
    "role": "engineer",
    "status": "current",
    "organisation": "Tencent",
    "team": "WeChat · Infrastructure",
    "location": "Guangzhou, China",
    "email": "simachijun@gmail.com",
    "display_order": 50,
    "short_bio": (
        "Hi, I am Chijun.\n\n"
        "I am a senior system software developer/researcher in the infrastructure team at Tencent. "
        "I was fortunate enough to work with Prof. Luo Mai on Project Ekko. I obtained my bachelor's "
        "degree at the South China University of Technology, advised by Prof. Qianli Ma. I am also an "
        "open-source contributor to the LLVM compiler backend."
    ),
    "long_bio": (
        "Keeping models fresh under tight latency/cost constraints, and turning research ideas into "
        "deployable systems.\n\n"
        "I'm interested in system–algorithm co-design that makes large-scale learning technically and "
        "economically feasible in production.\n\n"
        "My research interests lie in Computer Systems focusing on Cloud Systems, Machine Learning "
        "Systems, Serverless and Compilers."
    ),
    "research_interests": (
        "Efficient AI (MLSys): scalable and cost-effective training and serving; system–algorithm "
        "co-design. Current focus on recommender and LLM systems under strict latency and cost "
        "constraints, including model freshness, distributed model updates, and KV-cache management."
    ),
    "interest_tags": "Efficient AI (MLSys), Cloud systems, ML systems, Serverless, Compilers",
    "projects_intro": (
        "Systems I've built to make large models practical in production: freshness, cost, "
        "reliability, and performance."
    ),
    "recognition_intro": "Selected service, talks, and recognition.",
    "press_intro": "All links below are external write-ups about Ekko (OSDI '22).",
    "links": [
        {"kind": "email", "label": "simachijun@gmail.com", "url": "mailto:simachijun@gmail.com"},
        {"kind": "linkedin", "label": "chijun-sima", "url": "https://www.linkedin.com/in/chijun-sima"},
        {
            "kind": "scholar",
            "label": "Google Scholar",
            "url": "https://scholar.google.com/scholar?q=%22Chijun+Sima%22",
        },
    ],
    "focus_themes": [
        {
            "title": "Model freshness at scale",
            "body": (
                "When scaling improves offline accuracy but harms online metrics, I look for "
                '"systems bottlenecks that become ML failure modes" (e.g., stale models from slow '
                "update pipelines)."
            ),
        },
        {
            "title": "Safe and scalable data engineering for training",
            "body": (
                "Isolation without heavyweight process boundaries, and locality-aware execution near "
                "data to reduce data movement. Modern feature pipelines are long and increasingly "
                "multimodal. The shift toward multimodal inputs pushes pipeline design toward safe, "
                "expressive composition."
            ),
        },
        {
            "title": "Cost-effective serving",
            "body": (
                "Cost-effective serving mechanisms (including LLM serving), where latency SLOs, memory "
                "bandwidth, and infrastructure costs interact with model behavior."
            ),
        },
    ],
    "news": [
        {
            "date": "2025",
            "body": (
                "Reviewing for CVPR 2025, ICLR 2025 Workshop (FM-Wild), NeurIPS 2025 Workshop (Efficient Reasoning)"
            ),
        },
        {
            "date": "2022",
            "body": ("Ekko published at OSDI 2022; invited talks at Tencent WeChat AI, DataFun, TechBeat"),
        },
        {"date": "2022", "body": "Tencent Technology Breakthrough Award (Gold Prize) — Project Lead, Ekko"},
    ],
    "education": [
        {
            "institution": "South China University of Technology",
            "degree": "B.Eng.",
            "programme": "Computer Science and Technology (Innovation Class)",
            "start_date": "2016-09",
            "end_date": "2020-06",
            "gpa": "3.85",
            "gpa_scale": "4.00",
            "rank": 1,
            "rank_of": 28,
            "advisor": "Prof. Qianli Ma",
        }
    ],
    "experience": [
        {
            "kind": "industry",
            "organisation": "Tencent",
            "unit": "WeChat",
            "title": "Senior Software Development Engineer – Efficient ML Systems",
            "location": "Guangzhou, China",
            "start_date": "2020-07",
            "is_current": True,
            "summary": (
                "Senior system software developer/researcher in the infrastructure team, building "
                "efficient ML systems for large-scale production."
            ),
            "highlights": [
                {
                    "text": (
                        "Designed and implemented Ekko (OSDI '22), a novel DLRS that enables low-latency "
                        "model updates, in collaboration with other developers/researchers from Tencent "
                        "and the University of Edinburgh. It serves over a billion users daily and "
                        "significantly reduces the model update latency compared to state-of-the-art "
                        "systems. It is widely used inside Tencent and improves the profitability of "
                        "several recommenders."
                    )
                },
                {
                    "text": (
                        "Designed and implemented Lightning, an SFI runtime powered by WebAssembly. It is "
                        "later used for implementing storage functions inside Tencent's multi-tenant "
                        "storage services (e.g., Ekko/OSDI '22, PaxosStore/VLDB 2017). It is also in wide "
                        "use as a serverless runtime inside Tencent. Compared with previous solutions, it "
                        "has tighter resource control on tenants and is more scalable by leveraging tiered "
                        "compilation and compilation cache techniques."
                    )
                },
                {
                    "text": (
                        "Designed Ekko Elastic by incorporating a model shard placement scheduler inside "
                        "Ekko. It provisions machines by using operation research techniques on resource "
                        "requirements of different ML models. It helps cut the cluster cost by up to "
                        "**30%** compared to static provisioning."
                    )
                },
                {
                    "text": (
                        "Implemented a consensus algorithm library with WAN optimizations (e.g., parallel "
                        "phase 2). Notably, it uses an adaptive batching algorithm, improving latency and "
                        "throughput. It was later used for geo-replication at Tencent, powering the message "
                        "queue system inside Wechat and serving over a billion users."
                    )
                },
            ],
            "projects": [
                {
                    "title": ("Ekko: low-latency model update for multi-terabyte DLRMs (published in part as OSDI'22)"),
                    "publications": [EKKO_KEY],
                    "highlights": [
                        {
                            "label": "Problem",
                            "text": (
                                "Scaling DLRMs improved offline accuracy but degraded online engagement; "
                                "diagnosed the root cause as **stale models** from increased "
                                "**model-update latency** under pre-scaling infrastructure."
                            ),
                        },
                        {
                            "label": "Key idea",
                            "text": (
                                "Co-designed deployment mechanisms with **model-aware** policies to "
                                "maintain second-level freshness at extreme scale."
                            ),
                        },
                        {
                            "label": "Technical contributions",
                            "text": "",
                            "children": [
                                {
                                    "label": "Update dissemination + scheduling",
                                    "text": (
                                        "designed compressed update dissemination and an accuracy-aware "
                                        "scheduler prioritizing updates using gradient/model signals; "
                                        "reduced WAN bandwidth by **92%**."
                                    ),
                                },
                                {
                                    "label": "SLO-aware placement",
                                    "text": (
                                        "built a shard manager using mathematical optimization to "
                                        "co-locate models without burdening inference engines; reduced "
                                        "machine cost by **49%**."
                                    ),
                                },
                                {
                                    "label": "Safe rollout",
                                    "text": (
                                        "implemented a model-state manager enabling seconds-level "
                                        "rollback for harmful updates."
                                    ),
                                },
                            ],
                        },
                        {
                            "label": "Outcomes",
                            "text": (
                                "Core techniques published as **OSDI '22 (co-first author)**; subsequent "
                                "production iterations enabled **10,000×** model-size scaling (GB → tens "
                                "of TB per model) while maintaining **2.4s** model-update latency; "
                                "deployed in WeChat recommendation stacks and **serves over one billion "
                                "users daily**. After WeChat Channels fully adopted Ekko-based online "
                                "recommendation, a WeChat official blog reports **+40%** DAU and "
                                "**+87%** total VV over six months (alongside product iteration and "
                                "operations)."
                            ),
                        },
                    ],
                },
                {
                    "title": "Data engineering / feature platform: safe, scalable pipelines",
                    "highlights": [
                        {
                            "label": "Problem",
                            "text": (
                                "Modern feature pipelines are long and increasingly multimodal; "
                                "cross-process operator composition creates high overhead and expensive "
                                "data movement."
                            ),
                        },
                        {
                            "label": "Approach",
                            "text": (
                                "Designed a WebAssembly-based runtime for **in-process isolation** "
                                "(safety + resource constraints) and locality-aware operator placement "
                                "near data sources."
                            ),
                        },
                        {
                            "label": "Outcome",
                            "text": (
                                "Reduced data movement by up to **1,200×** on representative workloads; "
                                "widely used within WeChat for data preparation."
                            ),
                        },
                    ],
                },
                {
                    "title": "LLM serving systems",
                    "highlights": [
                        {
                            "text": (
                                "Building cost-effective serving mechanisms around remote KV-cache "
                                "storage and compression."
                            )
                        }
                    ],
                },
            ],
        }
    ],
    "projects": [
        {
            "title": "Ekko",
            "summary": "Low-latency model updates at extreme scale",
            "publications": [EKKO_KEY],
            "narrative": (
                "Ekko is a production system for low-latency model updates in large-scale deep learning "
                "recommender systems. It's motivated by a common scaling failure: bigger models can "
                "improve offline metrics yet degrade online outcomes when update pipelines can't keep "
                "up.\n\n"
                "When we scaled DLRMs, offline accuracy improved, but online engagement regressed. The "
                "root cause was stale models: pre-scaling infrastructure couldn't propagate updates "
                "quickly enough.\n\n"
                "The question became: how can we keep update latency low as models scale to extreme "
                "size?"
            ),
            "outcomes": (
                "In production iterations, Ekko-style mechanisms supported very large-scale deployment "
                "while maintaining second-level freshness (reported **2.4s** model-update latency) and "
                "serving over a billion users daily.\n\n"
                "After rollout of Ekko-based recommendation infrastructure, a public WeChat engineering "
                'blog reports growth metrics (e.g., "**+40%** DAU" and "**+87%** total VV" over six '
                "months) alongside product iteration and operations.\n\n"
                "What I consider the core research contribution is showing that model-aware mechanisms "
                "can make second-level freshness feasible even at multi-terabyte scale."
            ),
        },
        {
            "title": "Feature platform",
            "summary": "Safe, scalable pipelines for training data",
            "narrative": (
                "Safe and scalable data engineering for training: isolation without heavyweight process "
                "boundaries, and locality-aware execution near data to reduce data movement. Modern "
                "feature pipelines are long and increasingly multimodal. The shift toward multimodal "
                "inputs pushes pipeline design toward safe, expressive composition."
            ),
            "outcomes": (
                "Data movement reduced up to **1,200×** on representative workloads; widely used within "
                "WeChat for data preparation."
            ),
        },
        {
            "title": "LLVM",
            "summary": "Compiler infrastructure contributions",
            "url": "https://llvm.org/",
            "narrative": (
                "Dominator-tree infrastructure in the LLVM compiler: a faster Semi-NCA implementation "
                "that keeps the tree up to date along the optimization pipeline, and a unified API for "
                "updating dominators."
            ),
            "outcomes": "Shipped in LLVM 7.0 and 9.0; speedups up to **1980×** on real-world samples.",
        },
    ],
    "open_source": [
        {
            "project": "LLVM",
            "url": "https://llvm.org/",
            "role": "Developer (commit access); Google Summer of Code 2018 Participant",
            "start_date": "2018-05",
            "is_current": True,
            "summary": (
                "Improved the performance of the Semi-NCA algorithm implementation and worked to "
                "preserve the dominator tree along the optimization pipeline (speed up real-world "
                "samples up to 1980x; committed to LLVM 9.0). Unified API for updating Dominators in "
                "LLVM, committed to LLVM 7.0 and in wide use. Mentored by Jakub Kuderski."
            ),
            "highlights": [
                {
                    "text": (
                        "Improved Semi-NCA performance and optimization pipeline; shipped in LLVM 9.0 "
                        "(reported speedups up to **1980×** on real-world samples)."
                    )
                },
                {"text": "Unified APIs on dominator trees; shipped in LLVM 7.0."},
            ],
        }
    ],
    "talks": [
        {
            "title": "Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update",
            "publication": EKKO_KEY,
            "deliveries": [
                {"event": "Tencent WeChat AI Department", "location": "Shenzhen", "date": "2022-06"},
                {"event": "DataFun", "location": "Virtual", "is_virtual": True, "date": "2022-08"},
                {"event": "TechBeat", "location": "Virtual", "is_virtual": True, "date": "2022-09"},
            ],
        }
    ],
    "service": [
        {"role": "reviewer", "venue": "CVPR 2025", "year": 2025},
        {"role": "reviewer", "venue": "ICLR 2025 Workshop on FM-Wild", "year": 2025},
        {"role": "reviewer", "venue": "NeurIPS 2025 Workshop on Efficient Reasoning", "year": 2025},
    ],
    "awards": [
        {
            "title": "Tencent Technology Breakthrough Award (Gold Prize)",
            "awarding_body": "Tencent",
            "year": 2022,
            "period": "2022H2",
            "role": "Project Lead, Ekko",
            "note": "internal highest technical honor",
        },
        {
            "title": "Bronze Medal",
            "awarding_body": "ACM-ICPC Asia Xi'an Regional Contest",
            "year": 2017,
        },
        {
            "title": "Second Prize",
            "awarding_body": "15th China Collegiate Programming Contest (Guangdong Division)",
            "note": "out of 177 teams",
        },
    ],
    "press": [
        {"outlet": "WeChat official blog", "title": "WeChat < 2.4 s", "publication": EKKO_KEY, "project": "Ekko"},
        {
            "outlet": "Tencent official blog",
            "title": "“2.4 Seconds: Fast Enough!”",
            "publication": EKKO_KEY,
            "project": "Ekko",
        },
        {"outlet": "Synced Review / JIQIZHIXIN", "title": "coverage", "publication": EKKO_KEY, "project": "Ekko"},
    ],
}

PUBLICATIONS = [
    {
        "citation_key": EKKO_KEY,
        "kind": "conference",
        "title": "Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update",
        "venue": "16th USENIX Symposium on Operating Systems Design and Implementation",
        "venue_short": "OSDI '22",
        "year": 2022,
        "month": 7,
        "publisher": "USENIX Association",
        "note": "Supervised by Luo Mai",
        "url": "https://www.usenix.org/conference/osdi22/presentation/sima",
        "authors": [
            {"name": "Chijun Sima", "profile": "chijun-sima", "equal_contribution": True, "selected": True},
            {"name": "Yao Fu", "equal_contribution": True},
            {"name": "Man-Kit Sit"},
            {"name": "Liyi Guo"},
            {"name": "Xuri Gong"},
            {"name": "Feng Lin"},
            {"name": "Junyu Wu"},
            {"name": "Yongsheng Li"},
            {"name": "Haidong Rong"},
            {"name": "Pierre-Louis Aublin"},
            {"name": "Luo Mai", "corresponding": True},
        ],
    },
    {
        "citation_key": DBA_KEY,
        "kind": "journal",
        "title": "Dynamic Barycenter Averaging Kernel in RBF Networks for Time Series Classification",
        "venue": "IEEE Access",
        "venue_short": "IEEE Access",
        "year": 2019,
        "publisher": "IEEE",
        "authors": [
            {"name": "Kejian Shi"},
            {"name": "Hongyang Qin"},
            {"name": "Chijun Sima", "profile": "chijun-sima", "selected": True},
            {"name": "Sen Li"},
            {"name": "Lifeng Shen"},
            {"name": "Qianli Ma"},
        ],
    },
]
