"""LaTeX in BibTeX field values -> readable Unicode text, fast.

``decode(value)`` understands what real bibliographies use (accents, ``\\l``/``\\o``/``\\ss``
and friends, ``\\TeX``/``\\LaTeX``, escapes, text-style commands such as ``\\texttt`` or
``\\mbox``, dashes and quotes, protective braces) and inline math: ``$O(n^2)$`` becomes
``O(n²)``, ``\\({}^{\\mbox{k}}\\)`` becomes ``ᵏ``. Math with no Unicode form
(``$\\mathcal{O}(n)$``) keeps its source between ``$…$`` so no text vanishes.

It raises ``Unknown`` for a macro it does not know; ``bibtex.latex_to_text`` then falls
back to pylatexenc (about fifty times slower, so it is only the fallback). Nesting is
bounded (``MAX_DEPTH``) so a hostile value cannot exhaust the stack.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["Unknown", "decode"]

MAX_DEPTH = 60


class Unknown(Exception):
    """A construct this decoder does not know (the caller falls back to pylatexenc)."""


class _MathFail(Exception):
    """Math that has no Unicode form: keep its source."""


ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
}  # fmt: skip

SYMBOLS = {
    "l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß", "SS": "SS", "aa": "å", "AA": "Å", "ae": "æ",
    "AE": "Æ", "oe": "œ", "OE": "Œ", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
    "dj": "đ", "DJ": "Đ", "ng": "ŋ", "NG": "Ŋ",
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "AmS": "AMS", "AMS": "AMS", "METAFONT": "METAFONT",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_",
    "textbar": "|", "textless": "<", "textgreater": ">", "textendash": "–", "textemdash": "—",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "textquotesingle": "'", "textquotedbl": '"', "textregistered": "®", "texttrademark": "™",
    "textcopyright": "©", "copyright": "©", "textdegree": "°", "textperiodcentered": "·",
    "textbullet": "•", "dots": "…", "ldots": "…", "textellipsis": "…", "S": "§", "P": "¶",
    "pounds": "£", "textsterling": "£", "euro": "€", "texteuro": "€", "textdollar": "$",
    "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«", "guillemetright": "»",
    "quad": " ", "qquad": " ", "space": " ", "slash": "/", "textslash": "/", "newblock": " ",
    "relax": "", "protect": "", "textnormal": "", "nobreak": "", "allowbreak": "", "par": "\n\n",
    "textmu": "µ", "textpm": "±", "texttimes": "×", "textdiv": "÷", "textonehalf": "½",
    "textexclamdown": "¡", "textquestiondown": "¿", "ddag": "‡", "dag": "†", "textdagger": "†",
    "textdaggerdbl": "‡", "textsection": "§", "textparagraph": "¶", "textordfeminine": "ª",
    "textordmasculine": "º", "checkmark": "✓", "textasteriskcentered": "*", "textnumero": "№",
    "textperthousand": "‰", "textminus": "−", "textcelsius": "℃", "textohm": "Ω",
    "bf": "", "it": "", "em": "", "tt": "", "sc": "", "rm": "", "sf": "", "sl": "", "small": "",
    "large": "", "Large": "", "footnotesize": "", "scriptsize": "", "tiny": "", "normalsize": "",
    "normalfont": "", "itshape": "", "bfseries": "", "scshape": "", "upshape": "", "ttfamily": "",
    "rmfamily": "", "sffamily": "", "mdseries": "", "slshape": "", "em ": "", "selectfont": "",
    "unskip": "", "ignorespaces": "", "hfill": " ", "break": " ", "linebreak": " ", "newline": " ",
}  # fmt: skip

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip

MATH_SYMBOLS = {
    **GREEK,
    "times": "×", "cdot": "·", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "pm": "±", "mp": "∓", "infty": "∞", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔",
    "Leftrightarrow": "⇔", "mapsto": "↦", "approx": "≈", "sim": "∼", "simeq": "≃",
    "cong": "≅", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩",
    "setminus": "∖", "emptyset": "∅", "varnothing": "∅", "forall": "∀", "exists": "∃",
    "neg": "¬", "lnot": "¬", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "oplus": "⊕",
    "otimes": "⊗", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "ell": "ℓ", "hbar": "ℏ", "star": "⋆", "ast": "∗", "circ": "∘", "bullet": "•",
    "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "prime": "′", "mid": "|",
    "vert": "|", "Vert": "‖", "|": "‖", "langle": "⟨", "rangle": "⟩", "lceil": "⌈",
    "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "colon": ":", "ll": "≪", "gg": "≫",
    "perp": "⊥", "parallel": "∥", "angle": "∠", "triangle": "△", "degree": "°", "top": "⊤",
    "bot": "⊥", "vdash": "⊢", "models": "⊨", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "wp": "℘",
    "uparrow": "↑", "downarrow": "↓", "div": "÷", "sqcup": "⊔", "uplus": "⊎", "lbrace": "{",
    "rbrace": "}", "backslash": "\\", "surd": "√", "dagger": "†", "ddagger": "‡",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
    "max": "max", "min": "min", "lim": "lim", "det": "det", "dim": "dim", "sup": "sup",
    "inf": "inf", "arg": "arg", "deg": "deg", "gcd": "gcd", "Pr": "Pr", "ker": "ker",
    "limsup": "lim sup", "liminf": "lim inf", "argmax": "argmax", "argmin": "argmin",
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " ",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "bigl": "",
    "bigr": "", "Bigl": "", "Bigr": "", "displaystyle": "", "textstyle": "", "scriptstyle": "",
    "nolimits": "", "limits": "", "{": "{", "}": "}", "_": "_", "&": "&", "%": "%", "#": "#",
    "$": "$",
}  # fmt: skip

# Macros whose one argument is shown as text.
TEXT_WRAPPERS = {
    "textbf", "textit", "emph", "texttt", "textup", "textsc", "textsf", "textrm", "textsl",
    "textmd", "textnormal", "mbox", "hbox", "text", "underline", "uline", "NoCaseChange",
    "nocase", "textlf", "textssc", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
    "mathnormal", "operatorname", "boldsymbol", "bm", "textsubscript*", "ensuremath*",
    "foreignlanguage*", "textenglish", "textgreek", "textcyrillic", "hyphenation*", "acro",
    "smash", "phantom*", "vphantom*", "hphantom*", "fbox", "framebox",
}  # fmt: skip
DROP_ONE = {"noopsort", "hspace", "vspace", "hspace*", "vspace*", "label", "index", "cite", "citep", "citet",
            "footnote", "thanks", "hyphenation", "phantom", "vphantom", "hphantom", "ref"}  # fmt: skip

BLACKBOARD = {"N": "ℕ", "Z": "ℤ", "Q": "ℚ", "R": "ℝ", "C": "ℂ", "P": "ℙ", "H": "ℍ", "E": "𝔼", "F": "𝔽"}

SUPERSCRIPT = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW*′n",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ*′ⁿ",
    strict=True,
))  # fmt: skip
SUPERSCRIPT["−"] = "⁻"
SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SUBSCRIPT["−"] = "₋"


_SPECIAL = re.compile(r"[{}\\$~\-`']")


def _letter(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


class _Decoder:
    __slots__ = ("n", "pos", "s")

    def __init__(self, s: str):
        self.s = s
        self.n = len(s)
        self.pos = 0

    # ------------------------------------------------------------------ both modes

    def group(self, depth: int, closer: str | None = None) -> str:
        """Decode until ``closer`` (``"}"`` ends a group) or the end of the input.

        Braces and control sequences are read the same way in text and in math
        (`_MathDecoder`); what the other characters mean is the mode's `char`, what a stray
        ``}`` or too deep a nesting does its `stray_brace` and `too_deep`.
        """
        if depth > MAX_DEPTH:
            self.too_deep()
        s, n = self.s, self.n
        out: list[str] = []
        while self.pos < n:
            c = s[self.pos]
            if c == "}":
                self.pos += 1
                if closer == "}":
                    return "".join(out)
                self.stray_brace()
            elif c == "{":
                self.pos += 1
                out.append(self.group(depth + 1, "}"))
            elif c == "\\":
                out.append(self.control(depth))
            else:
                self.char(c, out, depth)
        return self.end(out, closer)

    def arg(self, depth: int) -> str:
        """One argument: a group, a command or a single character (none: `missing_arg`)."""
        self._skip_spaces()
        if self.pos >= self.n:
            return self.missing_arg()
        c = self.s[self.pos]
        if c == "{":
            self.pos += 1
            return self.group(depth + 1, "}")
        if c == "\\":
            return self.control(depth + 1)
        self.pos += 1
        return c

    # ------------------------------------------------------------------ text mode

    def too_deep(self) -> None:
        raise Unknown("nesting too deep")

    def stray_brace(self) -> None:
        """A stray closing brace in text: dropped."""

    def missing_arg(self) -> str:
        return ""

    def end(self, out: list[str], closer: str | None) -> str:
        return "".join(out)

    def control(self, depth: int) -> str:
        return self.command(depth)

    def char(self, c: str, out: list[str], depth: int) -> None:
        """Text mode's characters from pos: math, ties, dashes, quotes, or a run of ordinary ones."""
        s = self.s
        if c == "$":
            out.append(self.math_dollar(depth))
        elif c == "~":
            out.append(" ")
            self.pos += 1
        elif c == "-" and s.startswith("--", self.pos):
            if s.startswith("---", self.pos):
                out.append("—")
                self.pos += 3
            else:
                out.append("–")
                self.pos += 2
        elif c == "`" and s.startswith("``", self.pos):
            out.append("“")
            self.pos += 2
        elif c == "'" and s.startswith("''", self.pos):
            out.append("”")
            self.pos += 2
        else:
            # Copy the run of ordinary characters in one slice.
            start = self.pos
            m = _SPECIAL.search(s, start + 1)
            self.pos = m.start() if m else self.n
            out.append(s[start : self.pos])

    def _name(self) -> str:
        """Read a control sequence name after the backslash (pos is on the backslash)."""
        s, n = self.s, self.n
        self.pos += 1
        if self.pos >= n:
            return ""
        if not _letter(s[self.pos]):
            self.pos += 1
            return s[self.pos - 1]
        start = self.pos
        while self.pos < n and _letter(s[self.pos]):
            self.pos += 1
        name = s[start : self.pos]
        if self.pos < n and s[self.pos] == "*":
            self.pos += 1
            name += "*"
        return name

    def _skip_spaces(self) -> None:
        while self.pos < self.n and self.s[self.pos] in " \t\n":
            self.pos += 1

    def raw_arg(self) -> str:
        """One argument's source text, undecoded (for \\url and \\href targets)."""
        self._skip_spaces()
        if self.pos < self.n and self.s[self.pos] == "{":
            level, start = 0, self.pos
            while self.pos < self.n:
                c = self.s[self.pos]
                if c == "\\":
                    self.pos += 2
                    continue
                if c == "{":
                    level += 1
                elif c == "}":
                    level -= 1
                    if level == 0:
                        self.pos += 1
                        return self.s[start + 1 : self.pos - 1]
                self.pos += 1
            return self.s[start + 1 :]
        if self.pos < self.n:
            self.pos += 1
            return self.s[self.pos - 1]
        return ""

    def command(self, depth: int) -> str:
        start = self.pos
        name = self._name()
        if not name:
            return ""
        if len(name) == 1 and not _letter(name):
            if name in ACCENTS:
                return self.accent(name, depth)
            if name in "&%$#_{}":
                return name
            if name in " \n\t,;:":
                return " "
            if name == "\\":
                return " "
            if name in "-/@!)]":
                if name == ")":  # a stray \) outside math
                    return ""
                return ""
            if name == "(":
                return self.math(depth, start, "\\)")
            if name == "[":
                return self.math(depth, start, "\\]")
            raise Unknown(name)
        if _letter(name[0]) and self.pos < self.n and self.s[self.pos] in " \t\n":
            self._skip_spaces()
        if name in ACCENTS:
            return self.accent(name, depth)
        if name in SYMBOLS:
            value = SYMBOLS[name]
            # "{\TeX}book", "\TeX{}book": an empty group after a symbol is only a separator.
            if self.s.startswith("{}", self.pos):
                self.pos += 2
            return value
        if name in GREEK:
            return GREEK[name]
        if name in TEXT_WRAPPERS or name.rstrip("*") in TEXT_WRAPPERS:
            if name.rstrip("*") in {"foreignlanguage"}:
                self.raw_arg()
            return self.arg(depth)
        if name in DROP_ONE:
            self.raw_arg()
            return ""
        if name in {"url", "path", "nolinkurl"}:
            return self.raw_arg()
        if name == "href":
            self.raw_arg()
            return self.arg(depth)
        if name in {"textsuperscript", "textsubscript"}:
            value = self.arg(depth)
            table = SUPERSCRIPT if name == "textsuperscript" else SUBSCRIPT
            if value and all(ch in table for ch in value):
                return "".join(table[ch] for ch in value)
            return value
        if name in {"enquote", "textquote"}:
            return f"“{self.arg(depth)}”"
        if name in {"MakeUppercase", "uppercase", "MakeTextUppercase"}:
            return self.arg(depth).upper()
        if name in {"MakeLowercase", "lowercase", "MakeTextLowercase"}:
            return self.arg(depth).lower()
        if name == "ensuremath":
            return self.math_group(depth, start)
        raise Unknown(name)

    def accent(self, name: str, depth: int) -> str:
        base = self.arg(depth)
        if not base:
            return {"'": "´", "`": "`", "^": "^", '"': "¨", "~": "~", "=": "¯", ".": "˙"}.get(name, "")
        first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])
        return unicodedata.normalize("NFC", first + ACCENTS[name]) + base[1:]

    # ------------------------------------------------------------------ math mode

    def math_dollar(self, depth: int) -> str:
        start = self.pos
        s = self.s
        display = s.startswith("$$", self.pos)
        self.pos += 2 if display else 1
        end_token = "$$" if display else "$"
        end = self._find_math_end(end_token)
        if end < 0:
            # An unmatched $: keep it as a character.
            self.pos = start + 1
            return "$"
        return self._math_span(depth, self.pos, end, end + len(end_token), start)

    def math(self, depth: int, start: int, end_token: str) -> str:
        end = self._find_math_end(end_token)
        if end < 0:
            raise Unknown("unterminated math")
        return self._math_span(depth, self.pos, end, end + len(end_token), start)

    def math_group(self, depth: int, start: int) -> str:
        self._skip_spaces()
        if self.pos >= self.n or self.s[self.pos] != "{":
            raise Unknown("ensuremath")
        inner = self.raw_arg()
        return self._convert_math(inner, depth, inner)

    def _find_math_end(self, token: str) -> int:
        s, i = self.s, self.pos
        while True:
            j = s.find(token, i)
            if j < 0:
                return -1
            # Skip escaped "\$" inside math.
            k, slashes = j - 1, 0
            while k >= self.pos and s[k] == "\\":
                slashes += 1
                k -= 1
            if token == "$" and slashes % 2 == 1:
                i = j + 1
                continue
            return j

    def _math_span(self, depth: int, begin: int, end: int, after: int, _start: int) -> str:
        inner = self.s[begin:end]
        self.pos = after
        return self._convert_math(inner, depth, inner)

    def _convert_math(self, inner: str, depth: int, source: str) -> str:
        try:
            return _MathDecoder(inner).run(depth)
        except _MathFail:
            return "$" + " ".join(source.split()) + "$"


class _MathDecoder(_Decoder):
    __slots__ = ()

    def run(self, depth: int) -> str:
        return self.group(depth, None)

    def too_deep(self) -> None:
        raise _MathFail()

    def stray_brace(self) -> None:
        raise _MathFail()

    def missing_arg(self) -> str:
        raise _MathFail()

    def end(self, out: list[str], closer: str | None) -> str:
        if closer is not None:
            raise _MathFail()
        return "".join(out).strip()

    def control(self, depth: int) -> str:
        return self.math_command(depth)

    def char(self, c: str, out: list[str], depth: int) -> None:
        """Math mode's characters: super- and subscripts, primes, spaces (one), the rest as they are."""
        if c in "^_":
            self.pos += 1
            value = self.arg(depth)
            table = SUPERSCRIPT if c == "^" else SUBSCRIPT
            value = value.strip()
            if not value:
                return
            if not all(ch in table for ch in value):
                raise _MathFail()
            out.append("".join(table[ch] for ch in value))
        elif c == "'":
            out.append("′")
            self.pos += 1
        elif c in "$&#%~":
            raise _MathFail()
        elif c in " \t\n":
            if out and not out[-1].endswith(" "):
                out.append(" ")
            self.pos += 1
        else:
            out.append(c)
            self.pos += 1

    def math_command(self, depth: int) -> str:
        name = self._name()
        if _letter(name[:1]):
            self._skip_spaces()
        if name in MATH_SYMBOLS:
            value = MATH_SYMBOLS[name]
            if (
                name
                in {
                    "log",
                    "ln",
                    "exp",
                    "sin",
                    "cos",
                    "tan",
                    "max",
                    "min",
                    "lim",
                    "det",
                    "dim",
                    "sup",
                    "inf",
                    "arg",
                    "deg",
                    "gcd",
                    "Pr",
                    "ker",
                }
                and self.pos < self.n
                and _letter(self.s[self.pos])
            ):
                value += " "
            return value
        if name in {"mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathnormal", "text", "textrm", "textit",
                    "textbf", "mbox", "hbox", "operatorname", "boldsymbol", "bm", "textup", "texttt", "textsf",
                    "emph", "mathup"}:  # fmt: skip
            self._skip_spaces()
            if self.pos < self.n and self.s[self.pos] == "{":
                self.pos += 1
                if name in {"text", "textrm", "textit", "textbf", "mbox", "hbox", "textup", "texttt", "textsf",
                            "emph"}:  # fmt: skip
                    text = _Decoder(self.s)  # text mode inside math
                    text.pos = self.pos
                    try:
                        value = text.group(depth + 1, "}")
                    except Unknown as exc:
                        raise _MathFail() from exc
                    self.pos = text.pos
                    return value
                return self.group(depth + 1, "}")
            return self.arg(depth)
        if name == "mathbb":
            value = self.arg(depth)
            if value in BLACKBOARD:
                return BLACKBOARD[value]
            raise _MathFail()
        if name == "sqrt":
            if self.pos < self.n and self.s[self.pos] == "[":
                raise _MathFail()
            value = self.arg(depth)
            return f"√{value}" if len(value) == 1 else f"√({value})"
        if name in {"frac", "tfrac", "dfrac"}:
            top, bottom = self.arg(depth), self.arg(depth)
            wrap = lambda v: v if len(v) == 1 or v.isalnum() else f"({v})"  # noqa: E731
            return f"{wrap(top)}/{wrap(bottom)}"
        raise _MathFail()


def decode(value: str) -> str:
    """Decode LaTeX markup in a field value; raises ``Unknown`` for what it cannot read."""
    return _Decoder(value).group(0)
