"""LaTeX CVs -> the Markdown-ish intermediate text (then ``parse_cv_text`` reads it).

Understood: ``\\section``/``\\section*``/``\\cvsection`` (headings), ``\\subsection``/``\\cvsubsection``
(entry headings), itemize/enumerate/``cvitems`` (bullets, nested), ``\\textbf``/``\\emph``/
``\\href``/``\\url``; moderncv's ``\\name``, ``\\title``, ``\\email``, ``\\homepage``, ``\\social``,
``\\cventry{dates}{title}{employer}{city}{grade}{description}``, ``\\cvitem{label}{text}``,
``\\cvlistitem``, ``\\cvdoubleitem``, ``\\cvitemwithcomment``; awesome-cv's ``\\name``, ``\\position``,
``\\email``, ``\\homepage``, ``\\github``, ``\\linkedin``, ``\\googlescholar``, ``\\orcid``,
``\\cventry{position}{organisation}{location}{dates}{items}``, ``\\cvhonor{award}{event}{location}{date}``.
Accents and escapes are decoded with pylatexenc. Unknown commands keep their text.
"""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

__all__ = ["latex_to_text"]


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(?<!\\)%.*$", "", line) for line in text.split("\n"))


def _read_group(text: str, pos: int, open_ch: str = "{", close_ch: str = "}") -> tuple[str | None, int]:
    """The balanced group starting at ``pos`` (after whitespace), or ``(None, pos)``."""
    i = pos
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text) or text[i] != open_ch:
        return None, pos
    depth, j = 0, i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    return text[i + 1 :], len(text)


def _read_args(text: str, pos: int, n: int) -> tuple[list[str], int]:
    _, pos2 = _read_group(text, pos, "[", "]")  # one optional argument, ignored
    pos = pos2
    args = []
    for _ in range(n):
        arg, new = _read_group(text, pos)
        if arg is None:
            break
        args.append(arg)
        pos = new
    return args, pos


_SOCIAL = {
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
    "twitter": "https://twitter.com/{}",
    "orcid": "https://orcid.org/{}",
    "googlescholar": "https://scholar.google.com/citations?user={}",
    "scholar": "https://scholar.google.com/citations?user={}",
}


_INLINE_CMD = re.compile(r"\\(textbf|emph|textit|href|url|underline|textsc|textsl|mbox|small|footnotesize)\b")


def _inline(text: str) -> str:
    """Inline markup -> Markdown, then LaTeX decoded to Unicode (one line)."""
    s = re.sub(r"\\hfill\b|\\hspace\*?\{[^}]*\}|(?<!\\)&", " \x02 ", text)
    s = re.sub(
        r"\$\s*\^\s*\{?\s*\\?(\*|dagger|ddagger)\s*\}?\s*\$",
        lambda m: {"*": "*", "dagger": "†", "ddagger": "‡"}[m.group(1)],
        s,
    )
    s = re.sub(r"\\textsuperscript\{\s*(\*|\\dagger|†)\s*\}", lambda m: "*" if m.group(1) == "*" else "†", s)
    s = s.replace("\\dagger", "†").replace("\\ddagger", "‡")
    out = []
    i = 0
    while i < len(s):
        m = _INLINE_CMD.search(s, i)
        if not m:
            out.append(s[i:])
            break
        out.append(s[i : m.start()])
        name = m.group(1)
        if name == "href":
            args, end = _read_args(s, m.end(), 2)
            url, label = [*args, "", ""][:2]
            out.append(f"[{_inline(label)}]({url.strip()})")
        elif name == "url":
            args, end = _read_args(s, m.end(), 1)
            out.append(args[0].strip() if args else "")
        elif name in {"small", "footnotesize"}:
            end = m.end()
        else:
            args, end = _read_args(s, m.end(), 1)
            inner = _inline(args[0]) if args else ""
            if name == "textbf" and inner.strip():
                out.append(f"**{inner.strip()}**")
            elif name in {"emph", "textit", "textsl"} and inner.strip():
                out.append(f"*{inner.strip()}*")
            else:
                out.append(inner)
        i = end
    s = "".join(out)
    # Protect Markdown and URLs from the LaTeX decoder.
    keep: list[str] = []

    def protect(m):
        keep.append(m.group(0))
        return f"\x00{len(keep) - 1}\x00"

    s = re.sub(r"\]\([^)]*\)|https?://\S+|[*†‡]", protect, s)
    s = s.replace("\\\\", " ").replace("\\newline", " ")
    try:
        s = LatexNodes2Text(math_mode="text", strict_latex_spaces=False).latex_to_text(s)
    except Exception:  # pylatexenc is tolerant, but never let a CV crash the reader
        s = re.sub(r"\\[a-zA-Z]+\*?", "", s).replace("{", "").replace("}", "")
    s = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], s)
    s = " ".join(s.split())
    return re.sub(r"\s*\x02\s*", "   ", s).strip()


def _description(text: str) -> list[str]:
    """A description argument: its list items as bullets, else one line of text."""
    lines = _blocks(text)
    return [ln for ln in lines if ln.strip()]


_ENV_LIST = r"itemize|enumerate|cvitems|description|compactitem|compactenum"
_TOKEN = re.compile(
    r"\\begin\{(?P<begin>[^}]+)\}|\\end\{(?P<end>[^}]+)\}|\\item\b(?:\[[^\]]*\])?"
    r"|\\(?P<cmd>section|subsection|subsubsection|cvsection|cvsubsection|cventry|cvitem|cvlistitem|cvdoubleitem"
    r"|cvitemwithcomment|cvhonor|cvlistdoubleitem|cvskill|cvparagraph|paragraph|name|firstname|familyname|title"
    r"|position|email|homepage|social|github|linkedin|gitlab|twitter|googlescholar|orcid|phone|mobile|address"
    r"|quote|extrainfo|photo|makecvtitle|makecvheader|makecvfooter|cvsubentry|vspace|hspace|newpage|clearpage"
    r"|moderncvstyle|moderncvcolor|documentclass|usepackage|geometry|setlength|renewcommand|newcommand"
    r"|colorlet|setmainfont|fontdir|recipient|date|opening|closing|enclosure|letterdate|lettertitle|cvfooter"
    r"|cvletter|makeletterclosing|faicon|fontawesome\w*)\b(?P<star>\*)?"
)


class _Lines:
    """The intermediate lines of a LaTeX fragment, the inline text not yet written, the list depth."""

    def __init__(self):
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.depth = 0

    def flush(self) -> None:
        joined = _inline("".join(self.buf))
        self.buf.clear()
        if joined.strip():
            self.lines.append(joined)

    def add_text(self, chunk: str) -> None:
        """Plain text between commands; a blank line ends a paragraph."""
        for i, part in enumerate(re.split(r"\n\s*\n", chunk)):
            if i:
                self.flush()
                self.lines.append("")
            self.buf.append(part)

    def item(self, token: str) -> None:
        """``\\item`` or ``\\item[label]``: a bullet, indented by the list depth."""
        self.flush()
        label = re.match(r"\\item\[([^\]]*)\]", token)
        prefix = "  " * max(0, self.depth - 1) + "- "
        self.buf.append(prefix + (f"**{label.group(1)}** " if label and label.group(1).strip() else ""))


_LAYOUT_ENVS = {"document", "cventries", "cvhonors", "cvskills", "center", "flushleft", "minipage"}


def _begin(env: str, text: str, pos: int, out: _Lines) -> int:
    if re.fullmatch(_ENV_LIST, env):
        out.flush()
        out.depth += 1
    elif env in _LAYOUT_ENVS:
        out.flush()
        if env == "minipage":
            _, pos = _read_args(text, pos, 1)
    else:
        _, pos = _read_group(text, pos)  # e.g. tabular column spec: dropped with the env name
    return pos


def _end(env: str, out: _Lines) -> None:
    if re.fullmatch(_ENV_LIST, env):
        out.flush()
        out.depth = max(0, out.depth - 1)


# Each command handler reads its arguments from ``text`` at ``pos``, appends to ``lines``
# and returns the position after its arguments.


def _one_argument(line):
    """The handler of a one-argument command: ``line(argument, cmd)`` is the line it adds (``None``:
    none). The argument is ``None`` when the command has none."""

    def handler(text: str, pos: int, lines: list[str], cmd: str) -> int:
        args, pos = _read_args(text, pos, 1)
        out = line(args[0] if args else None, cmd)
        if out is not None:
            lines.append(out)
        return pos

    return handler


def _homepage_line(url: str | None, cmd: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    return url if "://" in url else f"https://{url}"


_HEADING = _one_argument(lambda arg, cmd: f"## {_inline(arg or '')}")
_ENTRY_HEADING = _one_argument(lambda arg, cmd: f"### {_inline(arg or '')}")
_CVLISTITEM = _one_argument(lambda arg, cmd: f"- {_inline(arg or '')}")
# \firstname/\familyname: a marked line that ``latex_to_text`` joins into the name.
_NAME_PART = _one_argument(lambda arg, cmd: f"\x01{cmd}\x01{_inline(arg or '')}")
_HEADLINE = _one_argument(lambda arg, cmd: f"\x01headline\x01{_inline(arg)}" if arg and _inline(arg) else None)
_EMAIL = _one_argument(lambda arg, cmd: "" if arg is None else f"Email: {arg.strip()}")
_HOMEPAGE = _one_argument(_homepage_line)


def _cventry_moderncv(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """moderncv: ``\\cventry{dates}{title}{employer}{city}{grade}{description}``."""
    args, pos = _read_args(text, pos, 6)
    dates, title, employer, city, grade, desc = (args + [""] * 6)[:6]
    lines.append(f"### {_inline(employer) or _inline(title)}")
    lines += [x for x in (_inline(dates), _inline(title) if _inline(employer) else "") if x]
    if _inline(city):
        lines.append(f"Location: {_inline(city)}")
    if _inline(grade):
        lines.append(_inline(grade))
    lines += _description(desc)
    lines.append("")
    return pos


def _cventry_awesome(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """awesome-cv: ``\\cventry{position}{organisation}{location}{dates}{items}``."""
    args, pos = _read_args(text, pos, 5)
    position, org, loc, dates, desc = (args + [""] * 5)[:5]
    lines.append(f"### {_inline(org) or _inline(position)}")
    lines += [x for x in (_inline(dates), _inline(position) if _inline(org) else "") if x]
    if _inline(loc):
        lines.append(f"Location: {_inline(loc)}")
    lines += _description(desc)
    lines.append("")
    return pos


def _cvhonor(text: str, pos: int, lines: list[str], cmd: str) -> int:
    args, pos = _read_args(text, pos, 4)
    award, event, loc, date = (_inline(a) for a in (args + [""] * 4)[:4])
    item = ", ".join(x for x in (award, event) if x)
    if loc:
        item += f" ({loc})"
    if date:
        item += f", {date}"
    lines.append(f"- {item}")
    return pos


def _cvskill(text: str, pos: int, lines: list[str], cmd: str) -> int:
    args, pos = _read_args(text, pos, 2)
    label, body = (_inline(a) for a in [*args, "", ""][:2])
    lines.append(f"- **{label}:** {body}" if label else f"- {body}")
    return pos


def _cvitem(text: str, pos: int, lines: list[str], cmd: str) -> int:
    args, pos = _read_args(text, pos, 3 if cmd == "cvitemwithcomment" else 2)
    label, body = _inline(args[0]) if args else "", _inline(args[1]) if len(args) > 1 else ""
    comment = _inline(args[2]) if len(args) > 2 else ""
    body = ", ".join(x for x in (body, comment) if x)
    lines.append(f"- **{label}:** {body}" if label else f"- {body}")
    return pos


def _cvdoubleitem(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """``\\cvdoubleitem{label}{text}{label}{text}`` (two labelled bullets), ``\\cvlistdoubleitem{a}{b}``."""
    n = 4 if cmd == "cvdoubleitem" else 2
    args, pos = _read_args(text, pos, n)
    if cmd == "cvdoubleitem":
        for label, body in ((args + [""] * 4)[0:2], (args + [""] * 4)[2:4]):
            if _inline(label) or _inline(body):
                lines.append(f"- **{_inline(label)}:** {_inline(body)}")
    else:
        lines += [f"- {_inline(a)}" for a in args if _inline(a)]
    return pos


def _name(text: str, pos: int, lines: list[str], cmd: str) -> int:
    args, pos = _read_args(text, pos, 2)
    lines.insert(0, "# " + " ".join(_inline(a) for a in args if _inline(a)))
    return pos


def _social(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """moderncv's ``\\social[kind]{account}``."""
    kind, _ = _read_group(text, pos, "[", "]")
    args, pos = _read_args(text, pos, 1)
    template = _SOCIAL.get((kind or "").strip().lower())
    if template and args:
        lines.append(template.format(args[0].strip()))
    return pos


def _account(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """awesome-cv's ``\\github{account}`` and friends (a full URL is kept as it is)."""
    args, pos = _read_args(text, pos, 2 if cmd == "googlescholar" else 1)
    if args and args[0].strip():
        value = args[0].strip()
        lines.append(value if "://" in value else _SOCIAL[cmd].format(value))
    return pos


def _drop_text(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """Dropped with every argument it has (``\\address{street}{city}{country}``)."""
    _, pos = _read_group(text, pos, "[", "]")
    _, pos = _read_args(text, pos, 1)
    while True:
        extra, new = _read_group(text, pos)
        if extra is None:
            break
        pos = new
    return pos


_LAYOUT_ARGS = {"setlength": 2, "renewcommand": 2, "newcommand": 2, "colorlet": 2, "cvsubentry": 4}


def _drop_layout(text: str, pos: int, lines: list[str], cmd: str) -> int:
    """Layout and preamble commands: dropped with their known number of arguments."""
    _, pos = _read_group(text, pos, "[", "]")
    for _ in range(_LAYOUT_ARGS.get(cmd, 1)):
        _, pos = _read_group(text, pos)
        _, pos = _read_group(text, pos, "[", "]")
    return pos


# makecvtitle, newpage, …: not here, nothing to keep
_COMMANDS = {
    "section": _HEADING,
    "cvsection": _HEADING,
    **dict.fromkeys(("subsection", "cvsubsection", "subsubsection", "paragraph", "cvparagraph"), _ENTRY_HEADING),
    "cventry": _cventry_moderncv,
    "cvhonor": _cvhonor,
    "cvskill": _cvskill,
    "cvitem": _cvitem,
    "cvitemwithcomment": _cvitem,
    "cvlistitem": _CVLISTITEM,
    "cvdoubleitem": _cvdoubleitem,
    "cvlistdoubleitem": _cvdoubleitem,
    "name": _name,
    "firstname": _NAME_PART,
    "familyname": _NAME_PART,
    "title": _HEADLINE,
    "position": _HEADLINE,
    "email": _EMAIL,
    "homepage": _HOMEPAGE,
    "social": _social,
    **dict.fromkeys(("github", "linkedin", "gitlab", "twitter", "googlescholar", "orcid"), _account),
    **dict.fromkeys(
        (
            "phone", "mobile", "address", "quote", "extrainfo", "photo", "recipient", "date", "opening",
            "closing", "enclosure", "letterdate", "lettertitle", "cvfooter", "faicon",
        ),
        _drop_text,
    ),
    **dict.fromkeys(
        (
            "vspace", "hspace", "documentclass", "usepackage", "geometry", "moderncvstyle", "moderncvcolor",
            "setlength", "renewcommand", "newcommand", "colorlet", "setmainfont", "fontdir", "cvsubentry",
        ),
        _drop_layout,
    ),
}  # fmt: skip


def _token(m: re.Match, text: str, out: _Lines, awesome: bool) -> int:
    """Act on one matched token; returns the position after it (and its arguments)."""
    pos = m.end()
    if m.group("begin"):
        return _begin(m.group("begin"), text, pos, out)
    if m.group("end"):
        _end(m.group("end"), out)
        return pos
    if m.group(0).startswith("\\item"):
        out.item(m.group(0))
        return pos
    cmd = m.group("cmd")
    out.flush()
    handler = _cventry_awesome if cmd == "cventry" and awesome else _COMMANDS.get(cmd)
    return handler(text, pos, out.lines, cmd) if handler else pos


def _blocks(text: str, *, awesome: bool = False) -> list[str]:
    """Convert a LaTeX fragment to intermediate lines."""
    out = _Lines()
    pos = 0
    while pos < len(text):
        m = _TOKEN.search(text, pos)
        if not m:
            out.add_text(text[pos:])
            break
        out.add_text(text[pos : m.start()])
        pos = _token(m, text, out, awesome)
    out.flush()
    return out.lines


def latex_to_text(text: str) -> str:
    """A LaTeX CV -> intermediate Markdown-ish text."""
    s = (text or "").lstrip("\ufeff").replace("\r\n", "\n")
    awesome = bool(re.search(r"\\documentclass(?:\[[^\]]*\])?\{awesome-cv\}|\\cvsection\b|\\cvhonor\b", s))
    s = _strip_comments(s)
    body_start = s.find("\\begin{document}")
    preamble, body = (s[:body_start], s[body_start + len("\\begin{document}") :]) if body_start >= 0 else ("", s)
    body = body.split("\\end{document}")[0]
    body = re.sub(r"\\\\(?:\[[^\]]*\])?|\\newline\b", "\n\n", body)
    lines = _blocks(preamble, awesome=awesome) + _blocks(body, awesome=awesome)
    first = family = headline = ""
    out = []
    for line in lines:
        m = re.match(r"^\x01(\w+)\x01(.*)$", line)
        if m:
            first = m.group(2) if m.group(1) == "firstname" else first
            family = m.group(2) if m.group(1) == "familyname" else family
            headline = m.group(2) if m.group(1) == "headline" else headline
            continue
        out.append(line)
    names = [ln for ln in out if ln.startswith("# ")]
    others = [ln for ln in out if not ln.startswith("# ")]
    head = names[:1] or ([f"# {first} {family}".strip()] if (first or family) else [])
    if headline:
        head.append(headline)
    # Contact lines go right after the name, before the first section.
    contact = [ln for ln in others if re.match(r"^(Email: |https?://)", ln)]
    rest = [ln for ln in others if ln not in contact]
    return "\n".join([*head, *contact, "", *rest]).strip() + "\n"
