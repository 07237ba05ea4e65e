"""Plain text for pdflatex (OT1 Computer Modern, no CJK): TeX's special characters escaped,
accented Latin letters as TeX accents, common typographic and mathematical characters as TeX
commands, Greek letters as math.  Anything else (Chinese above all) is refused with a clear
message, so no character reaches pdflatex that it cannot set.

>>> tex_text("Hochreiter & Schmidhuber: 50% of γ ≤ 1 — Technische Universität")
'Hochreiter \\\\& Schmidhuber: 50\\\\% of $\\\\gamma$ $\\\\le$ 1 --- Technische Universit\\\\"{a}t'
"""

import re
import unicodedata

ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$"}
OPENING = " \t\n([{\u2014\u2013/-"     # a straight quote after one of these (or first) opens

SYMBOLS = {"\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``",
           "\u201d": "''", "\u2026": r"\dots{}", "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,",
           "\u00a7": r"\S{}", "\u00df": r"\ss{}", "\u00f8": r"\o{}", "\u00d8": r"\O{}",
           "\u00e6": r"\ae{}", "\u0153": r"\oe{}", "\u00b0": r"$^\circ$",
           "\u00d7": r"$\times$", "\u00b7": r"$\cdot$", "\u22c5": r"$\cdot$",
           "\u2264": r"$\le$", "\u2265": r"$\ge$", "\u2260": r"$\ne$", "\u2248": r"$\approx$",
           "\u221e": r"$\infty$", "\u2192": r"$\to$", "\u2190": r"$\leftarrow$",
           "\u2194": r"$\leftrightarrow$", "\u21d2": r"$\Rightarrow$", "\u21d4": r"$\iff$",
           "\u2202": r"$\partial$", "\u2211": r"$\sum$", "\u220f": r"$\prod$",
           "\u2016": r"$\|$", "\u00b1": r"$\pm$", "\u2212": r"$-$", "\u2208": r"$\in$",
           "\u221a": r"$\surd$", "\u2207": r"$\nabla$", "\u2299": r"$\odot$",
           "\u2218": r"$\circ$", "\u22a4": r"$^\top$", "\u1d40": r"$^\top$",
           "\u2032": r"$'$", "\u00b2": r"$^2$", "\u00b3": r"$^3$", "\u00b9": r"$^1$",
           "\u207b": r"$^-$", "\u2070": r"$^0$", "\u2074": r"$^4$"}
SYMBOLS.update({chr(0x2080 + d): f"$_{d}$" for d in range(10)})        # ₀ … ₉
SYMBOLS.update({chr(0x2075 + d - 5): f"$^{d}$" for d in range(5, 10)})  # ⁵ … ⁹

ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
           "\u0306": "u", "\u0308": '"', "\u030a": "r", "\u030c": "v", "\u0327": "c"}

GREEK_CAPITALS = {"GAMMA", "DELTA", "THETA", "LAMDA", "XI", "PI", "SIGMA", "UPSILON", "PHI",
                  "PSI", "OMEGA"}
GREEK_SPECIAL = {"\u03c6": r"\varphi", "\u03d5": r"\phi", "\u03b5": r"\epsilon",
                 "\u03bb": r"\lambda", "\u03bf": "o", "\u039b": r"\Lambda"}


def tex_text(text, before=""):
    """``text`` safe in LaTeX text mode for pdflatex (see the module doc).  A straight double
    quote opens (````) at the start or after a space or an opening bracket, else closes
    (``''``); ``before`` is the text just before ``text`` (none: the start of a paragraph).

    >>> tex_text('"tanh" ("sat")'), tex_text('."', before="$")
    ("``tanh'' (``sat'')", ".''")
    """
    return "".join(_quote(before + text[:n]) if char == '"' else _char(char, text)
                   for n, char in enumerate(text))


def code_text(text):
    """``text`` for ``\\texttt``: as ``tex_text``, but a straight quote stays straight (the
    typewriter font of OT1 has the straight quote in the place of the closing one).

    >>> code_text('"tanh"')
    '"tanh"'
    """
    return "".join(_char(char, text) for char in text)


def _quote(preceding):
    return "``" if not preceding or preceding[-1] in OPENING else "''"


def _char(char, text):
    if char.isascii():
        return ESCAPES.get(char, char)
    if char in SYMBOLS:
        return SYMBOLS[char]
    greek = _greek(char)
    if greek:
        return greek if greek.isalpha() else f"${greek}$"
    base, *marks = unicodedata.normalize("NFD", char)
    if base.isascii() and len(marks) == 1 and marks[0] in ACCENTS:
        base = {"i": "\\i", "j": "\\j"}.get(base, base)
        return f"\\{ACCENTS[marks[0]]}{{{base}}}"
    raise ValueError(f"pdflatex cannot set {char!r} (U+{ord(char):04X}) in {text!r}: the PDF "
                     "is English only; write it in ASCII or as math (reports.doc.Math)")


def _greek(char):
    """TeX for a Greek letter (a math command, or the Latin capital it looks like), or ''
    when ``char`` is not one."""
    if char in GREEK_SPECIAL:
        return GREEK_SPECIAL[char]
    name = unicodedata.name(char, "")
    for prefix, capital in (("GREEK SMALL LETTER ", False), ("GREEK CAPITAL LETTER ", True)):
        if name.startswith(prefix) and " " not in name[len(prefix):]:
            word = name[len(prefix):].lower().replace("lamda", "lambda")
            if not capital:
                return "\\" + word
            if name[len(prefix):] in GREEK_CAPITALS:
                return "\\" + word.capitalize()
            return _latin(name[len(prefix):])
    return ""


def _latin(name):
    """The Latin capital that a Greek capital without its own TeX command looks like."""
    return {"ALPHA": "A", "BETA": "B", "EPSILON": "E", "ZETA": "Z", "ETA": "H", "IOTA": "I",
            "KAPPA": "K", "MU": "M", "NU": "N", "OMICRON": "O", "RHO": "P", "TAU": "T",
            "CHI": "X"}.get(name, "")


def code_ascii(code):
    """Program text for the listings package (which reads bytes): typographic characters
    replaced by their ASCII forms; any other non-ASCII character refused."""
    plain = {"\u2013": "-", "\u2014": "--", "\u2018": "'", "\u2019": "'", "\u201c": '"',
             "\u201d": '"', "\u2026": "...", "\u00d7": "x", "\u2264": "<=", "\u2265": ">=",
             "\u2192": "->", "\u2212": "-", "\u00a0": " "}
    out = []
    for line_no, line in enumerate(code.splitlines(), 1):
        for char in line:
            if char.isascii():
                out.append(char)
            elif char in plain:
                out.append(plain[char])
            else:
                folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                if not folded:
                    raise ValueError(f"pdflatex cannot set {char!r} (U+{ord(char):04X}) in "
                                     f"line {line_no} of a listing: use the English code text")
                out.append(folded)
        out.append("\n")
    return "".join(out)


LONG_RUN = 40      # characters without a space that a listing line may hold unbroken
ESCAPE_CHARS = "`@!|"


def breakable_code(code):
    """(code, escape character or ''): listings breaks a long line only between tokens, so in
    every run of more than ``LONG_RUN`` characters without a space a break point is set every
    ``LONG_RUN // 2`` characters, through an escape character that the code does not use
    (line numbers stay those of the code).

    >>> breakable_code("x = " + "7" * 45)
    ('x = 77777777777777777777`\\\\allowbreak`77777777777777777777`\\\\allowbreak`77777', '`')
    """
    long_run = re.compile(r"\S{" + str(LONG_RUN + 1) + ",}")
    runs = long_run.findall(code)
    free = [char for char in ESCAPE_CHARS if char not in code]
    if not runs or not free:
        return code, ""
    mark, step = free[0], LONG_RUN // 2

    def split(match):
        run = match.group(0)
        return f"{mark}\\allowbreak{mark}".join(run[i:i + step] for i in range(0, len(run), step))

    return long_run.sub(split, code), mark


__all__ = ["breakable_code", "code_ascii", "code_text", "tex_text"]
