"""Every piece of the seed researcher's pages reaches the public profile and the CV."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db

# Phrases taken from the seed pages (About, CV, homepage), one or more per section.
ON_PROFILE = [
    "Hi, I am Chijun.",  # About
    "open-source contributor to the LLVM compiler backend",
    "I build efficient ML systems for large-scale production",  # homepage tagline
    "system–algorithm co-design that makes large-scale learning",
    "Model freshness at scale",  # focus themes
    "Cost-effective serving mechanisms (including LLM serving)",
    "Reviewing for CVPR 2025",  # news
    "South China University of Technology",  # education
    "Prof. Qianli Ma",
    "Senior Software Development Engineer – Efficient ML Systems",  # experience
    "Guangzhou, China",
    "Designed and implemented Lightning, an SFI runtime",
    "Ekko: low-latency model update for multi-terabyte DLRMs",
    "Update dissemination + scheduling",
    "SLO-aware placement",
    "Safe rollout",
    "Data engineering / feature platform: safe, scalable pipelines",
    "LLM serving systems",
    "Systems I&#x27;ve built",  # stand-alone projects
    "Low-latency model updates at extreme scale",
    "Compiler infrastructure contributions",
    "Developer (commit access); Google Summer of Code 2018 Participant",  # open source
    "Mentored by Jakub Kuderski",
    "Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update",
    "Tencent WeChat AI Department",  # talks
    "DataFun",
    "TechBeat",
    "ICLR 2025 Workshop on FM-Wild",  # service
    "NeurIPS 2025 Workshop on Efficient Reasoning",
    "Tencent Technology Breakthrough Award (Gold Prize)",  # awards
    "2022H2",
    "Project Lead, Ekko",
    "internal highest technical honor",
    "ACM-ICPC Asia Xi&#x27;an Regional Contest",
    "out of 177 teams",
    "WeChat official blog",  # press
    "Synced Review / JIQIZHIXIN",
    "All links below are external write-ups about Ekko",
    "Dynamic Barycenter Averaging Kernel in RBF Networks for Time Series Classification",
    "Supervised by Luo Mai",
    "OSDI &#x27;22",
    "IEEE Access",
]

ON_CV = [
    "Efficient AI (MLSys)",
    "Sep 2016",
    "Jun 2020",
    "Jul 2020 – Present",
    "3.85",
    "28",
    "Reduced data movement by up to",
    "Pierre-Louis Aublin",
    "Jun 2022",
    "Aug 2022",
    "Sep 2022",
    "Bronze Medal",
]


def visible_text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_profile_page_shows_every_seed_section(demo_lab, client):
    page = visible_text(client.get("/people/chijun-sima/"))
    missing = [phrase for phrase in ON_PROFILE if phrase not in page and html.escape(phrase) not in page]
    assert missing == []


def test_figures_in_highlights_are_bold(demo_lab, client):
    page = visible_text(client.get("/people/chijun-sima/"))
    for figure in ["92%", "49%", "10,000×", "2.4s", "+40%", "+87%", "1,200×"]:
        assert re.search(rf"<strong>[^<]*{re.escape(figure)}[^<]*</strong>", page), figure


def test_cv_page_shows_dates_scores_and_every_delivery(demo_lab, client):
    page = visible_text(client.get("/people/chijun-sima/cv/"))
    missing = [phrase for phrase in ON_CV if phrase not in page]
    assert missing == []


def test_private_statement_of_purpose_stays_private(demo_lab, client):
    page = visible_text(client.get("/people/mei-ling-chou/"))
    assert "Statement of purpose" not in page
    assert client.get("/people/mei-ling-chou/statements/statement-of-purpose/").status_code == 404
