"""The EPUB 3: one XHTML document per chapter, MathML, SVG figures, nav and landmarks.

The container is a zip written here directly: `mimetype` first and stored,
every entry in a fixed order with the source date as its time, so two builds
of the same content give the same bytes. The markup comes from `webbook`.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from pathlib import Path

from .exports import Context, zip_entry
from .htmlprose import escape
from .model import Book, Chapter
from .store import write_bytes
from .webbook import WebBook

FILE_NAME = "handbook.epub"
MIMETYPE = b"application/epub+zip"
CSS = """\
body { font-family: serif; line-height: 1.4; margin: 0 0.5em; }
h1 { font-size: 1.5em; margin: 1.2em 0 0.6em; }
h2 { font-size: 1.2em; margin: 1.4em 0 0.3em; }
h3, h4 { font-size: 1em; margin: 1em 0 0.3em; }
.number { font-weight: bold; }
.meta { font-size: 0.85em; margin: 0 0 0.6em; }
.qid { font-family: monospace; }
.prompt { font-style: italic; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; text-align: left; }
.display-math { display: block; margin: 0.5em 0; overflow-x: auto; overflow-y: hidden; }
.title-page { text-align: center; margin-top: 20%; }
img.math { display: inline; margin: 0; }
.display-math img.math { display: block; margin: 0 auto; }
.bibliography li { margin-bottom: 0.4em; }
"""
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
ACCESSIBILITY = [
    ("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual,visual"), ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "MathML"), ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "tableOfContents"), ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "readingOrder"), ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
]
SUMMARY = ("Reflowable text with headings for every chapter and question and a navigable table of contents. "
           "Formulas are MathML with their LaTeX source as alternative text; figures have alternative text "
           "taken from their captions and read in black and white.")


def write(ctx: Context) -> list[Path]:
    """Write dist/handbook.epub if its bytes changed; returns the files written."""
    target = ctx.out_dir / FILE_NAME
    data = epub_bytes(ctx)
    return [target] if write_bytes(target, data) else []


def chapter_file(chapter: Chapter) -> str:
    return f"chapter{chapter.number:02d}.xhtml"


def epub_bytes(ctx: Context) -> bytes:
    """The whole book as EPUB bytes."""
    svgs = ctx.svg_bytes()
    svg_math = ctx.svg_math() if ctx.options.math == "svg" else None
    web = WebBook(ctx.book, ctx.chapters, ctx.options.answers, svg_math or ctx.math(), chapter_file,
                  "bibliography.xhtml", {f: f"figures/{f}.svg" for f in svgs})
    lang = ctx.book.language
    docs = {"title.xhtml": _page(lang, ctx.book.title, _title_page(ctx.book))}
    for chapter in ctx.chapters:
        docs[chapter_file(chapter)] = _page(lang, chapter.title, web.chapter_body(chapter))
    if web.references:
        docs["bibliography.xhtml"] = _page(lang, "Bibliography", web.bibliography_body())
    nav = _page(lang, "Contents", _nav(web, ctx.chapters, bool(web.references)))
    images = {f"figures/{f}.svg": data for f, data in svgs.items()}
    if svg_math is not None:
        images.update(svg_math.files())
    opf = _package(ctx, docs, images)
    files = {"EPUB/package.opf": opf, "EPUB/nav.xhtml": nav, "EPUB/style.css": CSS}
    files.update({f"EPUB/{name}": text for name, text in docs.items()})
    files.update({f"EPUB/{name}": data for name, data in images.items()})
    return _zip(files, _zip_time(ctx.epoch))


def _zip_time(epoch: int) -> tuple:
    return max(time.gmtime(epoch)[:6], (1980, 1, 1, 0, 0, 0))


def _zip(files: dict[str, str | bytes], date_time: tuple) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zip_entry(archive, "mimetype", MIMETYPE, date_time, stored=True)
        zip_entry(archive, "META-INF/container.xml", CONTAINER.encode(), date_time)
        for name in sorted(files):
            data = files[name]
            zip_entry(archive, name, data.encode("utf-8") if isinstance(data, str) else data, date_time)
    return buffer.getvalue()


def _page(lang: str, title: str, body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'xml:lang="{lang}" lang="{lang}">\n<head>\n<meta charset="UTF-8"/>\n<title>{escape(title)}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n<body>\n{body}\n</body>\n</html>\n')


def _title_page(book: Book) -> str:
    lines = [f"<h1>{escape(book.title)}</h1>"]
    lines += [f"<p>{escape(text)}</p>" for text in (book.subtitle, book.author, book.edition) if text]
    return f'<section class="title-page" epub:type="titlepage">{"".join(lines)}</section>'


def _nav(web: WebBook, chapters: list[Chapter], bibliography: bool) -> str:
    items = []
    for chapter in chapters:
        questions = "".join(f'<li><a href="{web.question_href(q.id)}">{escape(q.number)} {escape(q.title)}</a></li>'
                            for q in chapter.questions)
        if web.answers == "end":
            questions += f'<li><a href="{chapter_file(chapter)}#answers-{chapter.id}">Answers</a></li>'
        items.append(f'<li><a href="{chapter_file(chapter)}">{chapter.number} {escape(chapter.title)}</a>'
                     f"<ol>{questions}</ol></li>")
    if bibliography:
        items.append('<li><a href="bibliography.xhtml">Bibliography</a></li>')
    first = chapter_file(chapters[0])
    landmarks = [("toc", "nav.xhtml#toc", "Contents"), ("bodymatter", first, "Start of the questions")]
    if bibliography:
        landmarks.append(("bibliography", "bibliography.xhtml", "Bibliography"))
    marks = "".join(f'<li><a epub:type="{kind}" href="{href}">{label}</a></li>' for kind, href, label in landmarks)
    return (f'<nav epub:type="toc" id="toc" role="doc-toc"><h1>Contents</h1><ol>{"".join(items)}</ol></nav>\n'
            f'<nav epub:type="landmarks" id="landmarks" hidden="hidden"><h2>Landmarks</h2><ol>{marks}</ol></nav>')


def _feature_order(pair: tuple[str, str]) -> int:
    return [p for p, _ in ACCESSIBILITY].index(pair[0])


def identifier(book: Book) -> str:
    """A stable identifier derived from the book: the same for every build of it."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"handbook:{book.title}\0{book.author}\0{book.edition}"))


def _package(ctx: Context, docs: dict[str, str], images: dict[str, bytes]) -> str:
    book = ctx.book
    modified = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ctx.epoch))
    meta = [f'<dc:identifier id="bookid">{identifier(book)}</dc:identifier>',
            f"<dc:title>{escape(book.title)}</dc:title>",
            f"<dc:creator>{escape(book.author)}</dc:creator>",
            f"<dc:language>{escape(book.language)}</dc:language>",
            f'<meta property="dcterms:modified">{modified}</meta>']
    if book.subtitle:
        meta.append(f"<dc:description>{escape(book.subtitle)}</dc:description>")
    mathml = ctx.options.math == "mathml"
    features = [(p, v) for p, v in ACCESSIBILITY if mathml or v != "MathML"]
    if not mathml:
        features.append(("schema:accessibilityFeature", "describedMath"))
    meta += [f'<meta property="{prop}">{value}</meta>' for prop, value in sorted(features, key=_feature_order)]
    summary = SUMMARY if mathml else SUMMARY.replace("Formulas are MathML", "Formulas are SVG images")
    meta.append(f'<meta property="schema:accessibilitySummary">{escape(summary)}</meta>')
    manifest = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
                '<item id="css" href="style.css" media-type="text/css"/>']
    spine = []
    for i, (name, text) in enumerate(docs.items()):
        props = ' properties="mathml"' if "<math" in text else ""
        manifest.append(f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"{props}/>')
        spine.append(f'<itemref idref="d{i}"/>')
        if i == 0:
            spine.append('<itemref idref="nav"/>')
    manifest += [f'<item id="img{i}" href="{name}" media-type="image/svg+xml"/>' for i, name in enumerate(images)]
    nl = "\n    "
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" '
            f'xml:lang="{book.language}">\n'
            f'  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n    {nl.join(meta)}\n  </metadata>\n'
            f"  <manifest>\n    {nl.join(manifest)}\n  </manifest>\n"
            f"  <spine>\n    {nl.join(spine)}\n  </spine>\n</package>\n")
