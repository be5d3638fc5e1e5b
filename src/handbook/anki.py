"""The Anki deck: one note per question, updated in place on re-import.

Anki matches an imported note to the one in the collection by GUID, and
replaces it only when the incoming note's modification time is newer. So
the GUID comes from the question id alone, and each note's time is the time
its content last changed, remembered in build/anki-state.json: unchanged
content keeps its old time (two exports are byte-identical), changed content
gets a strictly later one. With no state file (a clean clone, or after
`make clean`) every note takes the project's edit date: the last commit
touching the content, or the newest edited file, so an edit still reaches
the collection and unchanged content still exports the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki

from . import figures as figures_mod
from . import prose as prose_mod
from .exports import SVG_VARIANT, Context, used_prose
from .htmlprose import mathjax, to_html
from .webbook import surnames
from .build import edit_epoch
from .content import load_book
from .errors import ContentError, Pos, Problem
from .model import Book, Chapter, Prose, Question
from .options import Selection
from .store import write_bytes, write_text

STATE_FILE = "anki-state.json"
MODEL_KEY = "#model"  # in the state file; no question id can start with #
FILE_NAME = "handbook.apkg"
MIN_ID_TIME = 1_000_000_000  # note and card ids are creation times in ms; keep them plausible
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
GUID_NAMESPACE = "handbook"
FIELDS = ["Id", "Number", "Chapter", "Difficulty", "Topics", "Question", "ShortAnswer", "Answer", "Figures"]

# The TeX commands MathJax 3 understands with the packages Anki loads (base,
# ams, boldsymbol through autoload), from MathJax's BaseMappings.ts and
# AmsMappings.ts. The content whitelist is a subset of it (a test holds it
# there); checking the deck's maths again guards what validation let through.
_MATHJAX_BASE = r"""
alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon
phi chi psi omega varepsilon vartheta varpi varrho varsigma varphi Gamma Delta Theta Lambda Xi Pi Sigma
Upsilon Phi Psi Omega S aleph hbar imath jmath ell wp Re Im partial infty prime emptyset nabla top bot
angle triangle backslash forall exists neg lnot flat natural sharp clubsuit diamondsuit heartsuit spadesuit
surd coprod bigvee bigwedge biguplus bigcap bigcup int intop iint iiint prod sum bigotimes bigoplus bigodot
oint bigsqcup smallint triangleleft triangleright bigtriangleup bigtriangledown wedge land vee lor cap cup
ddagger dagger sqcap sqcup uplus amalg diamond bullet wr div odot oslash otimes ominus oplus mp pm circ
bigcirc setminus cdot ast times star propto sqsubseteq sqsupseteq parallel mid dashv vdash leq le geq ge
lt gt succ prec approx succeq preceq supset subset supseteq subseteq in ni notin owns gg ll sim simeq perp
equiv asymp smile frown ne neq cong doteq bowtie models Leftrightarrow Leftarrow Rightarrow leftrightarrow
leftarrow gets rightarrow to mapsto leftharpoonup leftharpoondown rightharpoonup rightharpoondown nearrow
searrow nwarrow swarrow rightleftharpoons hookrightarrow hookleftarrow longleftarrow Longleftarrow
longrightarrow Longrightarrow Longleftrightarrow longleftrightarrow longmapsto ldots cdots vdots ddots
dotsc dotsb dotsm dotsi dotso ldotp cdotp colon And
Vert vert uparrow downarrow updownarrow Uparrow Downarrow Updownarrow rangle langle rbrace lbrace rceil
lceil rfloor lfloor lbrack rbrack lmoustache rmoustache lgroup rgroup arrowvert Arrowvert bracevert
displaystyle textstyle scriptstyle scriptscriptstyle rm mit oldstyle cal it bf scr frak sf tt tiny Tiny
scriptsize small normalsize large Large LARGE huge Huge arcsin arccos arctan arg cos cosh cot coth csc deg
det dim exp gcd hom inf ker lg lim liminf limsup ln log max min Pr sec sin sinh sup tan tanh limits
nolimits overline underline overbrace underbrace overparen underparen overrightarrow underrightarrow
overleftarrow underleftarrow overleftrightarrow underleftrightarrow overset underset stackrel over atop
above choose brace brack frac sqrt root uproot leftroot left right middle llap rlap raise lower enspace
quad qquad thinspace negthinspace hskip hspace kern mskip mspace mkern rule big Big bigg Bigg bigl Bigl
biggl Biggl bigr Bigr biggr Biggr bigm Bigm biggm Biggm mathord mathop mathopen mathclose mathbin mathrel
mathpunct mathinner vcenter buildrel hbox text mbox fbox strut mathstrut phantom vphantom hphantom smash
acute grave ddot tilde bar breve check hat vec dot widetilde widehat matrix array pmatrix cases cr newline
hline hdashline hfill bmod pmod mod pod iff skew mathcal mathscr mathrm mathbf mathbb Bbb mathit mathfrak
mathsf mathtt textrm textit textbf textsf texttt pmb not dots space begin end boldsymbol
"""
_MATHJAX_AMS = r"""
iiiint mathring nobreakspace negmedspace negthickspace idotsint dddot ddddot sideset boxed substack injlim
projlim varliminf varlimsup varinjlim varprojlim operatorname genfrac tfrac dfrac binom tbinom dbinom cfrac
xrightarrow xleftarrow lvert rvert lVert rVert implies impliedby ulcorner urcorner llcorner lrcorner
digamma varkappa varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi
varOmega beth gimel daleth backprime hslash varnothing blacktriangle triangledown blacktriangledown square
Box blacksquare lozenge Diamond blacklozenge circledS bigstar sphericalangle measuredangle nexists
complement mho eth Finv diagup Game diagdown Bbbk yen circledR checkmark maltese dotplus ltimes
smallsetminus rtimes Cap doublecap leftthreetimes Cup doublecup rightthreetimes barwedge curlywedge veebar
curlyvee doublebarwedge boxminus circleddash boxtimes circledast boxdot circledcirc boxplus centerdot
divideontimes intercal leqq geqq leqslant geqslant eqslantless eqslantgtr lesssim gtrsim lessapprox
gtrapprox approxeq lessdot gtrdot lll llless ggg gggtr lessgtr gtrless lesseqgtr gtreqless lesseqqgtr
gtreqqless doteqdot Doteq eqcirc risingdotseq circeq fallingdotseq triangleq backsim thicksim backsimeq
thickapprox subseteqq supseteqq Subset Supset sqsubset sqsupset preccurlyeq succcurlyeq curlyeqprec
curlyeqsucc precsim succsim precapprox succapprox vartriangleleft lhd vartriangleright rhd trianglelefteq
unlhd trianglerighteq unrhd vDash Vdash Vvdash smallsmile shortmid smallfrown shortparallel bumpeq between
Bumpeq pitchfork varpropto backepsilon blacktriangleleft blacktriangleright therefore because eqsim
vartriangle Join nless ngtr nleq ngeq nleqslant ngeqslant nleqq ngeqq lneq gneq lneqq gneqq lvertneqq
gvertneqq lnsim gnsim lnapprox gnapprox nprec nsucc npreceq nsucceq precneqq succneqq precnsim succnsim
precnapprox succnapprox nsim ncong nshortmid nshortparallel nmid nparallel nvdash nvDash nVdash nVDash
ntriangleleft ntriangleright ntrianglelefteq ntrianglerighteq nsubseteq nsupseteq nsubseteqq nsupseteqq
subsetneq supsetneq varsubsetneq varsupsetneq subsetneqq supsetneqq varsubsetneqq varsupsetneqq
leftleftarrows rightrightarrows leftrightarrows rightleftarrows Lleftarrow Rrightarrow twoheadleftarrow
twoheadrightarrow leftarrowtail rightarrowtail looparrowleft looparrowright leftrightharpoons curvearrowleft
curvearrowright circlearrowleft circlearrowright Lsh Rsh upuparrows downdownarrows upharpoonleft
upharpoonright downharpoonleft restriction multimap downharpoonright leftrightsquigarrow rightsquigarrow
leadsto dashrightarrow dashleftarrow nleftarrow nrightarrow nLeftarrow nRightarrow nleftrightarrow
nLeftrightarrow
"""
# One-character commands: spacing, escaped specials, delimiters and the line break.
_MATHJAX_SYMBOLS = [",", ":", ">", ";", "!", " ", "{", "}", "|", "\\", "_", "#", "$", "%", "&"]
MATHJAX_COMMANDS: frozenset[str] = frozenset(_MATHJAX_BASE.split() + _MATHJAX_AMS.split() + _MATHJAX_SYMBOLS)
MATHJAX_ENVIRONMENTS: frozenset[str] = frozenset(
    "array matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned alignedat gathered "
    "subarray".split()
)

_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_BEGIN = re.compile(r"\\begin\s*\{([^}]*)\}")

CSS = """\
.card { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 19px; line-height: 1.45;
        text-align: left; color: #111; background: #fff; max-width: 40em; margin: 0 auto; }
.meta { font-size: 0.75em; color: #666; margin-bottom: 1em; }
.short { font-weight: 500; }
.part { font-weight: bold; margin-top: 1em; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; background: #fff; }
figcaption { font-size: 0.85em; color: #444; }
.nightMode .card, .card.nightMode { color: #eee; background: #222; }
.nightMode .meta, .nightMode figcaption { color: #aaa; }
"""
FRONT = """\
<div class="meta">{{Number}} &middot; {{Chapter}} &middot; {{Difficulty}} &middot; {{Topics}}</div>
<div class="question">{{Question}}</div>
"""
BACK = """\
{{FrontSide}}
<hr id=answer>
<div class="short">{{ShortAnswer}}</div>
{{#Answer}}<hr><div class="answer">{{Answer}}</div>{{/Answer}}
{{#Figures}}<div class="figures">{{Figures}}</div>{{/Figures}}
"""


class _Note(genanki.Note):
    """A note written with its own modification time instead of the export's."""

    def __init__(self, *args, mod: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mod = mod

    def write_to_db(self, cursor, timestamp: float, deck_id, id_gen) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


@dataclass
class _Draft:
    """One question's note before its time is known."""

    qid: str
    fields: list[str]
    tags: list[str]
    digest: str


def export(project: Path, out: Path, selection: Selection) -> int:
    """Write the selected questions to the Anki package `out`; returns the number of notes."""
    book = load_book(project, project / "build" / "cache")
    chapters = selection.apply(book)
    return deck(project, book, chapters, out, _render_figures(project, book, chapters))[0]


def write(ctx: Context) -> list[Path]:
    """The deck as one output of a build: dist/handbook.apkg, figures shared with the other outputs."""
    out = ctx.out_dir / FILE_NAME
    media = {media_name(ctx.book, f): path for f, path in ctx.svgs().items()}
    return [out] if deck(ctx.project, ctx.book, ctx.chapters, out, media)[1] else []


def deck(project: Path, book: Book, chapters: list[Chapter], out: Path, media: dict[str, Path]) -> tuple[int, bool]:
    """Write the deck; returns the number of notes and whether the file changed."""
    check_mathjax(used_prose(book, chapters))
    model = _model(book)
    resolve = _resolver(book)
    drafts = [_draft(book, c, q, media, resolve) for c in chapters for q in c.questions]
    state_path = project / "build" / STATE_FILE
    state = _load_state(state_path)
    epoch = edit_epoch(project)
    model_mod = _stamp(state, MODEL_KEY, _digest([model.name, model.fields, model.templates, model.css]), epoch)
    notes = {d.qid: _note(model, d, _stamp(state, d.qid, d.digest, epoch), i) for i, d in enumerate(drafts)}
    decks = _decks(book, chapters, notes, resolve)
    changed = write_bytes(out, package_bytes(decks, model_mod, media))
    write_text(state_path, json.dumps(state, indent=1, sort_keys=True) + "\n")
    return len(notes), changed


# -- identity -----------------------------------------------------------------


def stable_id(*parts: str) -> int:
    """An id for Anki from a hash of `parts`: the same forever, in [2**31, 2**63)."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") % (2**63 - 2**31) + 2**31


def note_guid(question_id: str) -> str:
    """The note's GUID: from the question id only, so edits update the same note."""
    return genanki.guid_for(GUID_NAMESPACE, question_id)


def _digest(value: object) -> str:
    """A hash of JSON-able `value`, the same on every machine."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# -- modification times -------------------------------------------------------


def _load_state(path: Path) -> dict:
    """Question id (or MODEL_KEY) -> [content hash, modification time] from the last export."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2} if isinstance(data, dict) else {}


def _stamp(state: dict, key: str, digest: str, epoch: int) -> int:
    """The modification time for content `digest`, recorded in `state`."""
    old = state.get(key)
    if old is not None and old[0] == digest:
        return int(old[1])
    # Changed content must be strictly newer than what Anki already holds.
    mod = epoch if old is None else max(epoch, int(old[1]) + 1)
    state[key] = [digest, mod]
    return mod


# -- maths --------------------------------------------------------------------


def check_mathjax(fields: list[Prose]) -> None:
    """Raise ContentError for each formula command MathJax cannot render."""
    problems = []
    for prose in fields:
        for source in _maths(prose.pieces):
            problems += _mathjax_problems(prose, source)
    if problems:
        raise ContentError(list(dict.fromkeys(problems)))  # a shared figure caption is checked once per question


def _maths(pieces: list[prose_mod.Piece]) -> list[str]:
    """The source of every formula in `pieces`, nested ones included."""
    return [piece[1] for piece in prose_mod.walk(pieces) if piece[0] == "m"]


def _mathjax_problems(prose: Prose, source: str) -> list[Problem]:
    """One problem per command or environment of formula `source` that MathJax lacks."""
    problems = []
    for name in dict.fromkeys(m.group(1) for m in _COMMAND.finditer(source)):
        if name not in MATHJAX_COMMANDS:
            problems.append(Problem(_where(prose, "\\" + name),
                                    f"\\{name} cannot be shown in Anki: MathJax does not define it"))
    for env in dict.fromkeys(m.group(1) for m in _BEGIN.finditer(source)):
        if env not in MATHJAX_ENVIRONMENTS:
            problems.append(Problem(_where(prose, "\\begin{" + env),
                                    f"environment '{env}' cannot be shown in Anki: MathJax does not define it"))
    return problems


def _where(prose: Prose, text: str) -> Pos:
    """Where `text` first appears in the field, or the field itself (e.g. for a Unicode symbol)."""
    match = re.search(re.escape(text) + (r"(?![A-Za-z])" if text[-1].isalpha() else ""), prose.source)
    return prose.node.at(match.start()) if match else prose.node.pos


# -- notes --------------------------------------------------------------------


def _render_figures(project: Path, book: Book, chapters: list[Chapter]) -> dict[str, Path]:
    """Media file name -> SVG for every figure a selected question lists."""
    used = sorted({f for c in chapters for q in c.questions for f in q.figures})
    if not used:
        return {}
    files, _ = figures_mod.render(project, [book.figures[f] for f in used], [SVG_VARIANT],
                                  figures_mod.folder(project))
    return {media_name(book, f): files[(f, *SVG_VARIANT)] for f in used}


def media_name(book: Book, figure_id: str) -> str:
    """The figure's file name in Anki's media folder, shared by every deck, hence the book prefix."""
    return f"{_slug(book.title)}-{figure_id}.svg"


def _escape(text: str) -> str:
    """Text as HTML, quotes left alone as the prose writer leaves them."""
    return html.escape(text, quote=False)


def _slug(text: str) -> str:
    """Lowercase letters and digits joined by '-'."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "handbook"


def _resolver(book: Book) -> prose_mod.Resolver:
    """HTML for qref (the question's title) and cite ([Author Year; ...])."""
    titles = {q.id: q.title for q in book.questions()}

    def resolve(kind: str, target: str) -> str:
        if kind == "qref":
            return f"<i>{_escape(titles.get(target, target))}</i>"
        return _escape("[" + "; ".join(_cite_label(book, key) for key in target.split(",")) + "]")

    return resolve


def _cite_label(book: Book, key: str) -> str:
    """'Doe 2020' for one reference key."""
    ref = book.references.get(key)
    return f"{surnames(ref.author)} {ref.year}" if ref else key


def _draft(book: Book, chapter: Chapter, q: Question, media: dict[str, Path],
           resolve: prose_mod.Resolver) -> _Draft:
    """The note's fields and tags, and a hash of everything that should reach Anki."""
    fields = [
        q.id, q.number, _escape(chapter.title), q.difficulty, _escape(", ".join(q.topics)),
        _html(q.question, resolve), _html(q.short_answer, resolve), _answer(book, q, resolve),
        _figures_html(book, q, resolve),
    ]
    tags = [q.difficulty, *(re.sub(r"\s+", "_", t.strip()) for t in q.topics), q.chapter]
    tags = list(dict.fromkeys(tags))
    deck = deck_name(book, chapter)
    # The figures' bytes count as content: a redrawn figure must reach Anki too.
    pictures = [hashlib.sha256(media[media_name(book, f)].read_bytes()).hexdigest() for f in q.figures]
    return _Draft(q.id, fields, tags, _digest([fields, tags, deck, pictures]))


def _html(prose: Prose, resolve: prose_mod.Resolver) -> str:
    """A prose field as HTML, maths left for MathJax."""
    return to_html(prose.pieces, resolve, mathjax).strip()


def _answer(book: Book, q: Question, resolve: prose_mod.Resolver) -> str:
    """The full answer, then mistakes, follow-ups, related questions and references."""
    parts = [_html(q.answer, resolve)]
    lists = [("Common mistakes", [_html(p, resolve) for p in q.mistakes]),
             ("Follow-up questions", [_html(p, resolve) for p in q.follow_ups]),
             ("Related", [resolve("qref", r) for r in q.related]),
             ("References", [_reference(book, r) for r in q.references])]
    for title, items in lists:
        if items:
            parts.append(f'<div class="part">{title}</div><ul>{"".join(f"<li>{i}</li>" for i in items)}</ul>')
    return "\n".join(parts)


def _reference(book: Book, key: str) -> str:
    """A bibliography entry: author (year). Title. Venue."""
    ref = book.references[key]
    return f"{_escape(ref.author)} ({ref.year}). <i>{_escape(ref.title)}</i>. {_escape(ref.venue)}."


def _figures_html(book: Book, q: Question, resolve: prose_mod.Resolver) -> str:
    """Each figure of the question as an image with its caption."""
    return "".join(
        f'<figure><img src="{media_name(book, f)}"><figcaption>{_html(book.figures[f].caption, resolve)}'
        f"</figcaption></figure>"
        for f in q.figures
    )


def _note(model: genanki.Model, draft: _Draft, mod: int, position: int) -> _Note:
    """The note; `due` is its place among new cards, so they come up in book order."""
    return _Note(model=model, fields=draft.fields, tags=draft.tags, guid=note_guid(draft.qid), due=position, mod=mod)


# -- model, decks, package ----------------------------------------------------


def _model(book: Book) -> genanki.Model:
    """The note type: one card, the prompt on the front, the answers on the back."""
    return genanki.Model(
        stable_id("model", book.title),
        f"{book.title} question",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def deck_name(book: Book, chapter: Chapter) -> str:
    """`Book title::Chapter title`; a '::' inside either would make an extra level."""
    return f"{book.title.replace('::', ':')}::{chapter.title.replace('::', ':')}"


def _decks(book: Book, chapters: list[Chapter], notes: dict[str, _Note],
           resolve: prose_mod.Resolver) -> list[genanki.Deck]:
    """The book's deck and, under it, one deck per chapter holding its notes."""
    parent = genanki.Deck(stable_id("deck", book.title), book.title.replace("::", ":"),
                          description=_escape(book.subtitle))
    decks = [parent]
    for chapter in chapters:
        deck = genanki.Deck(stable_id("deck", book.title, chapter.id), deck_name(book, chapter),
                            description=_html(chapter.intro, resolve))
        for q in chapter.questions:
            deck.add_note(notes[q.id])
        decks.append(deck)
    return decks


def package_bytes(decks: list[genanki.Deck], timestamp: int, media: dict[str, Path]) -> bytes:
    """The .apkg: the same bytes for the same decks, times and media."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            genanki.Package(decks).write_to_db(conn.cursor(), timestamp, itertools.count(_id_base(timestamp)))
            conn.commit()
        finally:
            conn.close()
        collection = db_path.read_bytes()
    names = sorted(media)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "collection.anki2", collection)
        _add(archive, "media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())
        for i, name in enumerate(names):
            _add(archive, str(i), media[name].read_bytes())
    return buffer.getvalue()


def _id_base(timestamp: int) -> int:
    """The first note and card id: milliseconds, as Anki's are, and never near zero."""
    return max(timestamp, MIN_ID_TIME) * 1000


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """One zip entry with a fixed time and mode, so the archive does not vary."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
