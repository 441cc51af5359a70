"""The seed pages (real CVs and homepages) read as Markdown/plain-text CVs.

The seeds live beside the repository (../shared/seeds); the test is skipped when they are absent.
"""

from pathlib import Path

import pytest

from profiles.formats.cvdoc import parse_cv_text

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seeds folder is not present")


def seed(number):
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not found:
        pytest.skip(f"seed {number} is not present")
    return parse_cv_text(found[0].read_text(encoding="utf-8"))


def test_seed_001_cv_identity_and_education():
    draft = seed("001")
    doc = draft.document
    assert doc["full_name"] == "Chijun Sima"
    assert doc["email"] == "simachijun@gmail.com"
    assert [(link["kind"], link["url"]) for link in doc["links"]] == [
        ("linkedin", "https://www.linkedin.com/in/chijun-sima"),
    ]
    assert draft.leftovers == [{
        "section": "Selected Company/Press Write-ups",
        "text": "All links below are external write-ups about Ekko (OSDI '22).",
    }]  # fmt: skip
    assert doc["research_interests"].startswith("Efficient AI (MLSys)")
    [education] = doc["education"]
    assert education["institution"] == "South China University of Technology"
    assert education["degree"] == "B.Eng."
    assert education["programme"] == "Computer Science and Technology (Innovation Class)"
    assert (education["start"], education["end"]) == ("2016-09", "2020-06")
    assert (education["gpa"], education["gpa_scale"]) == ("3.85", "4.00")
    assert (education["rank"], education["rank_of"]) == (1, 28)


def test_seed_001_cv_experience_and_open_source():
    doc = seed("001").document
    [tencent] = doc["experience"]
    assert tencent["organisation"] == "Tencent (WeChat)"
    assert tencent["title"] == "Senior Software Development Engineer – Efficient ML Systems"
    assert tencent["location"] == "Guangzhou, China"
    assert (tencent["start"], tencent["end"], tencent["is_current"]) == ("2020-07", "", True)
    projects = [p["title"] for p in tencent["projects"]]
    assert projects == ["Ekko", "Data engineering / feature platform", "LLM serving systems"]
    ekko = tencent["projects"][0]
    assert [h["label"] for h in ekko["highlights"]] == ["Problem", "Key idea", "Technical contributions", "Outcomes"]
    nested = ekko["highlights"][2]["children"]
    assert [c["label"] for c in nested] == ["Update dissemination + scheduling", "SLO-aware placement", "Safe rollout"]
    assert "92%" in nested[0]["text"]
    [llvm] = doc["open_source"]
    assert llvm["project"] == "LLVM"
    assert llvm["role"].startswith("Developer (commit access)")
    assert (llvm["start"], llvm["is_current"]) == ("2018", True)
    assert len(llvm["highlights"]) == 2


def test_seed_001_cv_publications_keep_author_order_and_co_first_marks():
    pubs = seed("001").document["publications"]
    assert [p["title"] for p in pubs] == [
        "Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update",
        "Dynamic Barycenter Averaging Kernel in RBF Networks for Time Series Classification",
    ]
    ekko, dba = pubs
    assert [a["name"] for a in ekko["authors"]] == [
        "Chijun Sima", "Yao Fu", "Man-Kit Sit", "Liyi Guo", "Xuri Gong", "Feng Lin", "Junyu Wu",
        "Yongsheng Li", "Haidong Rong", "Pierre-Louis Aublin", "Luo Mai",
    ]  # fmt: skip
    assert [a["equal_contribution"] for a in ekko["authors"][:3]] == [True, True, False]
    assert (ekko["venue_short"], ekko["year"], ekko["kind"]) == ("OSDI", 2022, "conference")
    assert ekko["note"] == "Supervised by Luo Mai"
    assert [a["name"] for a in dba["authors"]] == [
        "Kejian Shi", "Hongyang Qin", "Chijun Sima", "Sen Li", "Lifeng Shen", "Qianli Ma",
    ]  # fmt: skip
    assert not any(a["equal_contribution"] for a in dba["authors"])
    assert (dba["venue"], dba["year"], dba["kind"]) == ("IEEE Access", 2019, "journal")


def test_seed_001_cv_talks_service_awards_press():
    draft = seed("001")
    doc = draft.document
    [talk] = doc["talks"]
    assert talk["title"].startswith("Ekko: A Large-Scale")
    assert [(d["event"], d["location"], d["is_virtual"], d["date"]) for d in talk["deliveries"]] == [
        ("Tencent WeChat AI Department", "Shenzhen", False, "2022-06"),
        ("DataFun", "", True, "2022-08"),
        ("TechBeat", "", True, "2022-09"),
    ]
    assert [(s["role"], s["venue"], s["year"]) for s in doc["service"]] == [
        ("reviewer", "CVPR", 2025),
        ("reviewer", "ICLR Workshop on FM-Wild", 2025),
        ("reviewer", "NeurIPS Workshop on Efficient Reasoning", 2025),
    ]
    gold, bronze, second = doc["awards"]
    assert gold["title"] == "Tencent Technology Breakthrough Award (Gold Prize)"
    assert (gold["year"], gold["period"], gold["role"]) == (2022, "2022H2", "Project Lead, Ekko")
    assert (bronze["title"], bronze["awarding_body"], bronze["year"]) == (
        "Bronze Medal", "ACM-ICPC Asia Xi'an Regional Contest", 2017,
    )  # fmt: skip
    assert second["title"] == "Second Prize"
    assert second["note"] == "out of 177 teams"
    assert [p["outlet"] for p in doc["press"]] == [
        "WeChat official blog", "Tencent official blog", "Synced Review / JIQIZHIXIN",
    ]  # fmt: skip
    # The sentence introducing the press list is not dropped.
    assert any("external write-ups" in left["text"] for left in draft.leftovers)


def test_seed_000_homepage_about_and_experience():
    draft = seed("000")
    doc = draft.document
    assert "senior system software developer" in doc["short_bio"]
    assert "avatar" not in doc["long_bio"]
    tencent, llvm = doc["experience"]
    assert (tencent["organisation"], tencent["start"], tencent["is_current"]) == ("Tencent", "2020-07", True)
    assert len(tencent["highlights"]) == 4
    assert (llvm["organisation"], llvm["start"]) == ("LLVM", "2018-05")
    assert "no name found at the top of the document" in draft.warnings


def test_seed_003_page_sections():
    doc = seed("003").document
    assert doc["research_interests"].startswith("Efficient AI (MLSys)")
    assert len(doc["news"]) == 3
    [education] = doc["education"]
    assert education["institution"] == "South China University of Technology"
    assert (education["gpa"], education["gpa_scale"], education["rank"], education["rank_of"]) == (
        "3.85", "4.00", 1, 28,
    )  # fmt: skip
    tencent = doc["experience"][0]
    assert (tencent["organisation"], tencent["location"]) == ("Tencent (WeChat)", "Guangzhou, China")
    assert tencent["projects"][0]["highlights"][0]["label"] == "Problem"
    [talk] = doc["talks"]
    assert [(d["event"], d["date"]) for d in talk["deliveries"]] == [
        ("Tencent WeChat AI Department", "2022-06"), ("DataFun", "2022-08"), ("TechBeat", "2022-09"),
    ]  # fmt: skip
    assert [s["venue"] for s in doc["service"]] == [
        "CVPR", "ICLR Workshop on FM-Wild", "NeurIPS Workshop on Efficient Reasoning",
    ]  # fmt: skip
    assert [a["title"] for a in doc["awards"]] == [
        "Tencent Technology Breakthrough Award (Gold Prize)", "Bronze Medal", "Second Prize",
    ]  # fmt: skip
    assert [a["year"] for a in doc["awards"]] == [2022, 2017, None]


def test_seed_002_page_without_headings_keeps_its_text_as_leftovers():
    draft = seed("002")
    assert not draft.document["experience"]
    assert not draft.document["education"]
    texts = " ".join(left["text"] for left in draft.leftovers)
    assert "Model freshness at scale" in texts
    assert "Chijun Sima*, Yao Fu*" in texts
