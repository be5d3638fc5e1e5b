"""The LaTeX that content may use: everything else is rejected before TeX runs.

Every maths command here is also understood by MathJax, so the same source
renders in the PDF and in the Anki deck.
"""

from __future__ import annotations

# Commands allowed in running text (their arguments are pylatexenc's to parse).
TEXT_COMMANDS: frozenset[str] = frozenset({
    "emph", "textbf", "texttt",
    "qref",  # a link to another question, by id
    "cite",  # a reference key declared in some chapter's `references`
    "url", "href",  # web and mail addresses, checked character by character
    "item",
})

# Environments allowed in running text.
TEXT_ENVIRONMENTS: frozenset[str] = frozenset({"itemize", "enumerate"})

# Characters that may follow a backslash in text to mean themselves.
TEXT_ESCAPES: frozenset[str] = frozenset("%&#_${}")

# Commands that are never allowed anywhere; named so the message can say why.
FORBIDDEN: frozenset[str] = frozenset(
    {
        "input", "include", "includeonly", "InputIfFileExists", "write",
        "write18", "immediate", "openin", "openout", "read", "readline",
        "def", "edef", "gdef", "xdef", "let", "futurelet", "catcode",
        "csname", "endcsname", "expandafter", "usepackage", "RequirePackage",
        "documentclass", "newcommand", "renewcommand", "providecommand",
        "DeclareRobustCommand", "newenvironment", "renewenvironment",
        "verb", "verbatim", "lstinline", "special", "pdfprimitive",
        "pdfobj", "pdfliteral", "shellescape", "jobname", "endinput",
        "end", "begin", "makeatletter", "scantokens", "uppercase",
        "lowercase", "string", "meaning", "afterassignment", "everypar",
        "output", "toks", "directlua", "luaexec",
    }
)

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota "
    "kappa lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi "
    "varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi "
    "Omega"
)
_SYMBOLS = (
    "cdot cdots ldots dots vdots ddots times div pm mp ast star circ bullet "
    "le leq ge geq ne neq approx sim simeq propto equiv cong ll gg "
    "in notin ni subset subseteq supset supseteq cup cap setminus emptyset "
    "varnothing forall exists neg land lor implies iff to mapsto gets "
    "rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow "
    "longrightarrow uparrow downarrow infty partial nabla prime ell hbar "
    "top perp parallel mid nmid vert Vert lvert rvert lVert rVert langle "
    "rangle lfloor rfloor lceil rceil backslash oplus otimes odot "
    "succ prec succeq preceq triangleq"
)
_OPERATORS = (
    "sum prod int iint oint bigcup bigcap lim limsup liminf sup inf max min "
    "arg log ln exp sin cos tan tanh sinh cosh det dim ker "
    "deg Pr operatorname"
)
_STRUCTURE = (
    "frac dfrac tfrac sqrt binom tbinom dbinom left right middle big Big bigg "
    "Bigg bigl bigr Bigl Bigr biggl biggr overline underline hat widehat "
    "tilde widetilde bar vec dot ddot check breve overbrace underbrace "
    "mathbb mathbf mathcal mathrm mathit mathsf mathtt mathfrak boldsymbol "
    "text textrm textit textbf mbox quad qquad , ; ! : displaystyle "
    "textstyle scriptstyle limits nolimits stackrel overset underset "
    "substack not phantom boxed pmod bmod"
)

MATH_COMMANDS: frozenset[str] = frozenset(
    (_GREEK + " " + _SYMBOLS + " " + _OPERATORS + " " + _STRUCTURE).split()
    + ["{", "}", "|", "\\", "%", "&", "#", "_", "$", " "]
)

# Environments allowed inside display maths.
MATH_ENVIRONMENTS: frozenset[str] = frozenset(
    {"aligned", "cases", "pmatrix", "bmatrix", "vmatrix", "matrix", "array"}
)


def _chars(*spans: tuple[int, int], extra: str = "") -> frozenset[str]:
    return frozenset("".join(chr(c) for a, b in spans for c in range(a, b + 1)) + extra)


# Non-ASCII characters running text may contain: each prints with pdfLaTeX
# and comes back out of the PDF as itself (tests/test_safety.py proves it).
# Excluded: characters that print but read back as something else (Greek
# capitals that look Latin, superscript digits, ellipsis, some accents).
_READS_BACK_WRONG = "²³¹ĐĢģĦħĮįĶķĸĻļĿŀŅņŉŖŗŦŧŰűŲųΑΒΔΕΖΗΙΚΜΝΟΡΤΧμο…′∉∏∑√≠"
TEXT_UNICODE: frozenset[str] = _chars(
    (0x00A1, 0x00AC), (0x00AE, 0x00B7), (0x00B9, 0x00FF),  # Latin-1 (not the soft hyphen or cedilla)
    (0x0100, 0x017E),  # Latin Extended-A
    (0x0391, 0x03A1), (0x03A3, 0x03A9), (0x03B1, 0x03C9),  # Greek letters
    extra="–—‘’“”•€×÷±≤≥≈→←↔⇒⇔∞∂∇∈⊂⊆∪∩∀∃∧∨∼≡∝",
) - frozenset(_READS_BACK_WRONG)
