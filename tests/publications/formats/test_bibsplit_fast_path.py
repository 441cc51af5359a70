"""The splitter's one-regex fast path for common fields gives exactly the blocks of the careful path."""

import random
import re
from pathlib import Path

import pytest

from publications.formats import bibsplit

DATA = Path(__file__).resolve().parents[2] / "data"
PIECES = [
    "@article{k1,\n", "@misc(k2, ", "title = ", "author=", " {", "}", "{", '"', "\\", "\\'", "\\{", "\\}", "\\\\",
    "#", ",", "\n", "\n@", " and ", "{\\TeX}book", "$x^2$", "%", "(", ")", "=", "@", "word", "12", " ", "jan",
    "{{A}}", "\\'{A}lvaro", "@string{s = {x}}\n", "@comment{c}\n", "\"q{u}o\"",
]  # fmt: skip


def both(text, monkeypatch):
    fast = bibsplit.split(text)
    with monkeypatch.context() as patched:
        patched.setattr(bibsplit, "_FIELD", re.compile(r"(?!)"))  # never matches: the careful path only
        careful = bibsplit.split(text)

    def shape(result):
        return [(b.kind, b.entry_type, b.key, b.fields, b.line, b.error) for b in result[0]], result[1]

    return shape(fast), shape(careful)


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.bib")), ids=lambda p: p.name)
def test_fast_path_matches_careful_path_on_real_files(path, monkeypatch):
    fast, careful = both(path.read_text(encoding="utf-8", errors="replace"), monkeypatch)
    assert fast == careful


def test_fast_path_matches_careful_path_on_random_text(monkeypatch):
    rng = random.Random(11)
    for _ in range(3000):
        text = "@article{key,\n" + "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        fast, careful = both(text, monkeypatch)
        assert fast == careful, text


def test_fast_path_cannot_backtrack_badly():
    """Values that almost match (never closed, escaped closer) fall back in linear time."""
    import time

    started = time.process_time()
    values = ["a{b}" * 20000, "x" * 100000 + "\\}", "{{a}b}" * 20000]
    for text in ["@a{k, t = {" + value for value in values]:
        blocks, _ = bibsplit.split(text)
        assert blocks[0].kind == "failed"
    assert time.process_time() - started < 2


def test_text_read_in_chunks_splits_into_the_same_blocks():
    """A file read bit by bit (bounded memory) gives the blocks, lines and messages of the whole text."""
    rng = random.Random(5)
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(DATA.rglob("*.bib"))]
    for _ in range(400):
        texts.append("".join(rng.choice([*PIECES, "\n@article{k,", "\n  @misc(", "\n@string{a={b}}"])
                             for _ in range(rng.randint(1, 60))))  # fmt: skip
    for text in texts:
        whole, seen_whole = bibsplit.split(text)
        for piece_size in (1, 7, 64, 1 << 20):
            cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 5)))
            chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            seen = []
            got = list(bibsplit.iter_blocks_of_chunks(chunks, seen, piece_size))
            assert [(b.kind, b.entry_type, b.key, b.fields, b.line, b.error) for b in got] == [
                (b.kind, b.entry_type, b.key, b.fields, b.line, b.error) for b in whole
            ], (text, piece_size)
            assert bool(seen) == seen_whole
