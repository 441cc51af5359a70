"""Cut BibTeX text into blocks, fast, with one entry's syntax error confined to that entry.

A block is ``@type{key, name = value, …}`` (or with parentheses). Values are returned as
their raw source (``{…}``, ``"…"``, numbers, macro names joined by ``#``) for
``bibtex._evaluate``. Braces are matched with a regular expression that jumps from brace
to brace, so the cost is linear in the text and most of it is in C.

An entry with a syntax error (an unclosed brace or quote, a missing ``=``) becomes a
``failed`` block with its line, its key when readable and the reason; reading resumes at
the next line that starts a block (``@`` at the start of a line), as bibtexparser does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = ["Block", "iter_blocks", "split"]

_START = re.compile(r"@[ \t]*([A-Za-z_][\w\-:]*)[ \t\r\n]*([{(])")
_BRACES = re.compile(r"\\[{}\\]|[{}]|\n[ \t]*@[ \t]*[A-Za-z_][\w\-]*[ \t\r\n]*[{(]")
_QUOTE_END = re.compile(r"\\.|[{}\"]|\n[ \t]*@[ \t]*[A-Za-z_][\w\-]*[ \t\r\n]*[{(]")
_NAME = re.compile(r"[ \t\r\n]*([^\s=,{}()\"#%]+)[ \t\r\n]*")
_KEY = re.compile(r"[ \t\r\n]*([^,\s{}()]*)[ \t\r\n]*")
_WORD = re.compile(r"[^\s,#{}()\"=]+")
_SPACE = re.compile(r"[ \t\r\n]*")
_NEXT_BLOCK = re.compile(r"\n[ \t]*@")
# The common field in one match: ``name = {value}`` (braces nested at most two deep),
# ``name = "flat value"`` or ``name = word``, followed by ``,`` or the closer. Anything else
# (deeper nesting, escaped braces, ``#``, ``@`` inside a value) takes the careful path in
# ``_Reader.fields``; tests/publications/formats/test_bibsplit_fast_path.py holds both to the
# same blocks.
# Possessive quantifiers (Python 3.11+): each part is followed by a character it cannot
# match, so giving nothing back changes no match and a failed attempt costs linear time.
_FLAT = r"(?:[^{}\\@]++|\\[^{}\\@])*+"  # no braces, no escaped brace or backslash, no @
_FIELD = re.compile(
    r'[ \t\r\n]*+([^\s=,{}()"#%]++)[ \t\r\n]*+=[ \t\r\n]*+'
    rf"(\{{{_FLAT}(?:\{{{_FLAT}(?:\{{{_FLAT}\}}{_FLAT})*+\}}{_FLAT})*+\}}"  # {…}, groups nested two deep
    r'|"(?:[^"{}\\@]++|\\[^{}\\"@])*+"|[^\s,#{}()"=@]++)[ \t\r\n]*+'
)


class _Syntax(Exception):
    def __init__(self, message: str, resume: int):
        super().__init__(message)
        self.resume = resume


@dataclass
class Block:
    kind: str  # "entry", "string", "failed"
    entry_type: str = ""
    key: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    line: int = 1
    error: str = ""


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self._line_pos = 0
        self._line = 1

    def line_at(self, pos: int) -> int:
        # Blocks are visited in order, so counting newlines incrementally stays linear.
        if pos >= self._line_pos:
            self._line += self.text.count("\n", self._line_pos, pos)
        else:
            self._line = self.text.count("\n", 0, pos) + 1
        self._line_pos = pos
        return self._line

    def skip_space(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()

    def balanced(self, i: int) -> int:
        """``text[i]`` is ``{``: the index after its matching ``}``."""
        text = self.text
        j = text.find("}", i + 1)
        if j > 0 and text[j - 1] != "\\":
            inner = text[i + 1 : j]
            if "{" not in inner and ("@" not in inner or not _NEXT_BLOCK.search(inner)):
                return j + 1  # the common case: no nested braces
        depth = 0
        for m in _BRACES.finditer(self.text, i):
            token = m.group(0)
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    return m.end()
            elif token[0] == "\n":
                raise _Syntax("unbalanced braces: a new entry starts before this value is closed", m.start() + 1)
        raise _Syntax("unbalanced braces: the file ends before this value is closed", self.n)

    def quoted(self, i: int) -> int:
        """``text[i]`` is ``"``: the index after the closing quote (at brace depth 0)."""
        depth = 0
        for m in _QUOTE_END.finditer(self.text, i + 1):
            token = m.group(0)
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
            elif token == '"' and depth <= 0:
                return m.end()
            elif token[0] == "\n":
                raise _Syntax("unterminated quote: a new entry starts before this value is closed", m.start() + 1)
        raise _Syntax("unterminated quote: the file ends before this value is closed", self.n)

    def value(self, i: int, closer: str) -> tuple[str, int]:
        """A field value (pieces joined by ``#``) starting at ``i``: (raw source, index after it)."""
        text = self.text
        start = i = self.skip_space(i)
        while True:
            if i >= self.n:
                raise _Syntax("the file ends inside a value", self.n)
            c = text[i]
            if c == "{":
                i = self.balanced(i)
            elif c == '"':
                i = self.quoted(i)
            else:
                m = _WORD.match(text, i)
                if not m:
                    raise _Syntax(f"unexpected {c!r} where a value should be", self._resume(i))
                i = m.end()
            end = i
            i = self.skip_space(i)
            if i < self.n and text[i] == "#":
                i = self.skip_space(i + 1)
                continue
            return text[start:end], i

    def _resume(self, i: int) -> int:
        """Where reading goes on: the next line that starts with ``@`` (that line itself if ``i`` is on it)."""
        m = _NEXT_BLOCK.search(self.text, max(self.text.rfind("\n", 0, i), 0))
        return m.start() + 1 if m else self.n

    def fields(self, i: int, closer: str) -> tuple[list[tuple[str, str]], int]:
        text = self.text
        out = []
        fast = _FIELD.match
        while True:
            m = fast(text, i)
            if m is not None:
                end = m.end()
                if end < self.n and (text[end] == "," or text[end] == closer):
                    out.append((m.group(1), m.group(2)))
                    i = end
                    continue
            i = self.skip_space(i)
            if i >= self.n:
                raise _Syntax(f"the file ends before this entry's closing {closer!r}", self.n)
            if text[i] == closer:
                return out, i + 1
            if text[i] == ",":
                i += 1
                continue
            m = _NAME.match(text, i)
            if not m or m.end() >= self.n or text[m.end()] != "=":
                got = text[i : i + 20].split("\n")[0]
                raise _Syntax(f"expected 'name = value' or {closer!r}, found {got!r}", self._resume(i))
            name = m.group(1)
            value, i = self.value(m.end() + 1, closer)
            out.append((name, value))
            if i < self.n and text[i] not in f",{closer}":
                got = text[i : i + 20].split("\n")[0]
                raise _Syntax(f"expected ',' or {closer!r} after the value of {name}, found {got!r}", self._resume(i))


def split(text: str) -> tuple[list[Block], bool]:
    """Blocks of ``text`` in order, and whether any ``@`` block (even a comment) was seen."""
    seen: list[bool] = []
    blocks = list(iter_blocks(text, seen))
    return blocks, bool(seen)


def iter_blocks(text: str, seen: list[bool]) -> Iterator[Block]:
    """The blocks of ``text`` one at a time (an import holds one batch of entries, not the file's).

    ``seen`` gets ``True`` appended once any ``@`` block (even a comment) is met.
    """
    reader = _Reader(text)
    pos = 0
    while True:
        m = _START.search(text, pos)
        if m is None:
            break
        if not seen:
            seen.append(True)
        entry_type = m.group(1).lower()
        closer = "}" if m.group(2) == "{" else ")"
        line = reader.line_at(m.start())
        body = m.end()
        try:
            if entry_type in {"comment", "preamble"}:
                if m.group(2) == "{":
                    pos = reader.balanced(m.end() - 1)
                else:
                    end = text.find(")", body)
                    pos = end + 1 if end >= 0 else reader.n
                continue
            if entry_type == "string":
                fields, pos = reader.fields(body, closer)
                for name, value in fields:
                    yield Block("string", "string", name, [(name, value)], line)
                continue
            km = _KEY.match(text, body)
            key = km.group(1)
            i = km.end()
            if i < reader.n and text[i] == closer:  # "@misc{key}": no fields
                pos = i + 1
                yield Block("entry", entry_type, key, [], line)
                continue
            if i >= reader.n or text[i] != ",":
                raise _Syntax("expected ',' after the entry's key", reader._resume(i))
            fields, pos = reader.fields(i + 1, closer)
        except _Syntax as exc:
            km = _KEY.match(text, body)
            key = km.group(1) if km and entry_type not in {"string", "comment", "preamble"} else ""
            pos = max(exc.resume, m.end())
            yield Block("failed", entry_type, key, [], line, str(exc))
            continue
        yield Block("entry", entry_type, key, fields, line)


# A line that starts a block: a value or entry being read always stops in front of it
# (``_BRACES`` and ``_QUOTE_END`` refuse to run past it), so text cut there splits into
# exactly the blocks the whole text gives.
_HARD_BOUNDARY = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z_][\w\-]*[ \t\r\n]*[{(]")


def iter_blocks_of_chunks(chunks: Iterable[str], seen: list[bool], piece_size: int = 1 << 20) -> Iterator[Block]:
    """The blocks of text that arrives in ``chunks`` (a file read bit by bit), in order.

    Text is cut in front of lines that start a block, about every ``piece_size``
    characters; each piece is split with the start of the next block appended (so an
    entry left open reports "a new entry starts before …", as with the whole text), and
    blocks are numbered with the lines of the whole text. Memory holds one piece.
    """
    buffer, line = "", 1
    for chunk in chunks:
        buffer += chunk
        if len(buffer) < piece_size:
            continue
        cut = _last_boundary(buffer, max(len(buffer) - piece_size // 2, 0)) or _last_boundary(buffer, 0)
        if cut is None:
            continue  # one block longer than a piece: read on
        head = buffer[cut.start() + 1 : cut.end() + 200].split("\n", 1)[0]  # the line, for messages that quote it
        # The next piece starts with the newline in front of its first block, as in the whole
        # text (reading resumes after an error from the start of the line it is on).
        piece, buffer = buffer[: cut.start() + 1], buffer[cut.start() :]
        yield from _piece_blocks(piece, head, line, seen)
        line += piece.count("\n") - 1
    if buffer:
        yield from _piece_blocks(buffer, "", line, seen)


def _last_boundary(text: str, start: int) -> re.Match | None:
    """The last line after ``start`` that starts a block, with its whole line (or 200 characters) read."""
    last = None
    for m in _HARD_BOUNDARY.finditer(text, start):
        if "\n" in text[m.end() : m.end() + 200] or len(text) - m.end() >= 200:
            last = m
    return last


def _piece_blocks(piece: str, head: str, line: int, seen: list[bool]) -> Iterator[Block]:
    last_line = piece.count("\n") + 1  # the line `head` is on: it belongs to the next piece
    for block in iter_blocks(piece + head, seen):
        if head and block.line >= last_line:
            break
        block.line += line - 1
        yield block
