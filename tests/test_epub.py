"""The EPUB: epubcheck, MathML for every formula, links, metadata, practice edition, filters, same bytes."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURE, run
from handbook import whitelist as wl
from handbook.content import load_book
from handbook.epub import identifier
from handbook.exports import formulas, used_prose
from handbook.mathml import MathError, convert_one
from handbook.options import Selection

ROOT = Path(__file__).resolve().parents[1]
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
EPOCH = 1_750_000_000
NS = {"x": "http://www.w3.org/1999/xhtml", "m": "http://www.w3.org/1998/Math/MathML",
      "epub": "http://www.idpf.org/2007/ops", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(autouse=True)
def source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


def copy_project(source: Path, target: Path) -> Path:
    for folder in ("content", "figures"):
        shutil.copytree(source / folder, target / folder)
    return target


@pytest.fixture
def shipped(shipped_copy) -> Path:
    """A copy of the shipped book, so that its build stays out of the checkout."""
    return shipped_copy


def build_epub(project: Path, out: Path, *args: str) -> Path:
    assert run("build", "--project", str(project), "--only", "epub", "--out", str(out), "--quiet", *args) == 0
    return out / "handbook.epub"


def epubcheck(epub: Path) -> str:
    if not EPUBCHECK.is_file():
        pytest.fail("epubcheck is missing: `make test` installs it (apt-get install epubcheck)")
    done = subprocess.run(["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True, timeout=600)
    return done.stdout + done.stderr


def read(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def chapters(files: dict[str, bytes]) -> dict[str, ET.Element]:
    return {n: xml(d) for n, d in sorted(files.items()) if re.fullmatch(r"EPUB/chapter\d+\.xhtml", n)}


def text_outside_math(element: ET.Element) -> str:
    """Every piece of text in `element` that is not inside a <math>."""
    if element.tag == f"{{{NS['m']}}}math":
        return element.tail or ""
    return (element.text or "") + "".join(text_outside_math(child) for child in element) + (element.tail or "")


@pytest.mark.parametrize("args", [(), ("--math", "svg"), ("--answers", "end"),
                                  ("--chapter", "probability", "--difficulty", "hard")],
                         ids=["book", "svg-maths", "practice", "filtered"])
def test_epubcheck_finds_nothing_in_the_shipped_book(shipped, tmp_path, args):
    report = epubcheck(build_epub(shipped, tmp_path, *args))
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report[-3000:]


def test_every_formula_of_the_book_is_mathml_and_no_tex_is_left(shipped, tmp_path):
    files = read(build_epub(shipped, tmp_path))
    book = load_book(shipped)
    spans = sum(len(formulas(p.pieces)) for p in used_prose(book, book.chapters))
    docs = chapters(files)
    maths = [m for doc in docs.values() for m in doc.iter(f"{{{NS['m']}}}math")]
    assert len(maths) == spans
    assert all(m.get("alttext") for m in maths)
    for name, doc in docs.items():
        left = re.findall(r"\\[A-Za-z]+|\\[()\[\]]|\$", text_outside_math(doc))
        assert not left, (name, left[:5])
    assert not any("\\" in "".join(m.itertext()) for m in maths)


def test_svg_maths_are_images_sized_in_em_on_the_baseline_with_their_source_as_alt(shipped, tmp_path):
    files = read(build_epub(shipped, tmp_path, "--math", "svg"))
    book = load_book(shipped)
    sources = [s for p in used_prose(book, book.chapters) for s, _ in formulas(p.pieces)]
    images = [img for doc in chapters(files).values() for img in doc.iter(f"{{{NS['x']}}}img")
              if img.get("class") == "math"]
    assert len(images) == len(sources) and not any(b"<math" in d for d in files.values())
    assert sorted(img.get("alt") for img in images) == sorted(sources)
    for img in images:
        assert re.fullmatch(r"width:[\d.]+em;height:[\d.]+em;vertical-align:-?[\d.]+em", img.get("style"))
        assert f"EPUB/{img.get('src')}" in files
    lowered = [float(img.get("style").rsplit(":", 1)[1][:-2]) for img in images]
    assert min(lowered) < -0.1  # formulas with descenders sit below the baseline
    opf = files["EPUB/package.opf"].decode()
    assert "describedMath" in opf and ">MathML<" not in opf


def sample(command: str) -> str:
    """A formula that uses `command` as content would."""
    two = {"frac", "dfrac", "tfrac", "binom", "tbinom", "dbinom", "stackrel", "overset", "underset"}
    sized = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"}
    one = {"sqrt", "overline", "underline", "hat", "widehat", "tilde", "widetilde", "bar", "vec", "dot", "ddot",
           "check", "breve", "overbrace", "underbrace", "mathbb", "mathbf", "mathcal", "mathrm", "mathit", "mathsf",
           "mathtt", "mathfrak", "boldsymbol", "text", "textrm", "textit", "textbf", "mbox", "operatorname",
           "phantom", "boxed", "pmod", "substack"}
    if command in two:
        return rf"\{command}{{a}}{{b}}"
    if command in sized:
        return rf"\{command}( x \{command}\| \{command}\lVert y \{command}\rvert \{command}\langle \{command}\}}"
    if command in one:
        return rf"\sum_{{\{command}{{i<j}}}} x"
    if command in ("left", "right", "middle"):
        return r"\left\lvert x \middle\| y \right\rangle"
    if command in ("limits", "nolimits"):
        return rf"\sum\{command}_{{i=1}}^n x_i"
    if command == "not":
        return r"a \not= b \not\in C"
    if command in ("\\", "&"):
        return r"\begin{aligned} a &= b \\ &= c \end{aligned}"
    return rf"x \{command} y"


@pytest.mark.parametrize("command", sorted(wl.MATH_COMMANDS))
def test_every_whitelisted_maths_command_converts(command):
    for display in (False, True):
        out = convert_one(sample(command), display)
        ET.fromstring(out)
        assert "\\" not in re.sub(r'alttext="[^"]*"', "", out)


@pytest.mark.parametrize("environment", sorted(wl.MATH_ENVIRONMENTS))
def test_every_whitelisted_maths_environment_converts(environment):
    spec = "{cc}" if environment == "array" else ""
    out = convert_one(rf"\begin{{{environment}}}{spec} a & b \\ c & d \end{{{environment}}}", True)
    assert "<mtable" in out and "\\" not in re.sub(r'alttext="[^"]*"', "", out)


def test_a_formula_that_does_not_convert_is_a_content_error_at_its_line(mini, capsys):
    with pytest.raises(MathError):
        convert_one(r"a \middle| b", False)
    yaml = mini / "content" / "basics.yaml"
    yaml.write_text(yaml.read_text().replace(r"valid when $P(B) > 0$", r"valid when $P(B) \middle| 0$"))
    assert run("build", "--project", str(mini), "--only", "epub", "--quiet") == 1
    assert re.search(r"content/basics\.yaml:\d+:\d+: cannot convert to MathML", capsys.readouterr().err)


def test_mini_book_links_nav_figures_and_metadata(mini):
    files = read(build_epub(mini, mini / "dist"))
    names = list(files)
    assert names[:2] == ["mimetype", "META-INF/container.xml"]
    with zipfile.ZipFile(mini / "dist" / "handbook.epub") as archive:
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert files["mimetype"] == b"application/epub+zip"
    nav = xml(files["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@id='toc']", NS)
    links = [(a.get("href"), "".join(a.itertext())) for a in toc.iter(f"{{{NS['x']}}}a")]
    assert ("chapter01.xhtml#q-bayes-rule", "1.1 Bayes' rule") in links
    assert ("chapter02.xhtml#q-kl-basics", "2.1 KL divergence") in links or any(
        h == "chapter02.xhtml#q-kl-basics" for h, _ in links)
    marks = {a.get(f"{{{NS['epub']}}}type"): a.get("href")
             for a in nav.find(".//x:nav[@id='landmarks']", NS).iter(f"{{{NS['x']}}}a")}
    assert marks["toc"] == "nav.xhtml#toc" and marks["bodymatter"] == "chapter01.xhtml"
    ch1 = xml(files["EPUB/chapter01.xhtml"])
    qref = next(a for a in ch1.iter(f"{{{NS['x']}}}a") if a.get("class") == "qref")
    assert qref.get("href") == "chapter02.xhtml#q-kl-basics"
    assert re.fullmatch(r"2\.1\s.+", "".join(qref.itertext()))
    cite = next(a for a in ch1.iter(f"{{{NS['x']}}}a") if a.get("class") == "cite")
    assert cite.get("href") == "bibliography.xhtml#ref-doe2020" and "".join(cite.itertext()) == "Doe 2020"
    bib = xml(files["EPUB/bibliography.xhtml"])
    assert bib.find(".//x:li[@id='ref-doe2020']", NS) is not None
    img = ch1.find(".//x:figure/x:img", NS)
    assert img.get("src") == "figures/line_plot.svg" and "parabola" in img.get("alt")
    assert f"EPUB/{img.get('src')}" in files and b"<!DOCTYPE" not in files[f"EPUB/{img.get('src')}"]
    opf = xml(files["EPUB/package.opf"])
    meta = opf.find("opf:metadata", NS)
    assert meta.findtext("dc:title", namespaces=NS) == "Mini Handbook"
    assert meta.findtext("dc:creator", namespaces=NS) == "Test Author"
    assert meta.findtext("dc:language", namespaces=NS) == "en"
    assert meta.findtext("dc:identifier", namespaces=NS) == identifier(load_book(mini))
    props = [(m.get("property"), m.text) for m in meta.findall("opf:meta", NS)]
    assert ("dcterms:modified", "2025-06-15T15:06:40Z") in props
    assert ("schema:accessibilityFeature", "MathML") in props and ("schema:accessibilityHazard", "none") in props
    assert any(p == "schema:accessibilitySummary" for p, _ in props)
    item = opf.find(".//opf:item[@href='chapter01.xhtml']", NS)
    assert "mathml" in item.get("properties", "")


def test_practice_edition_links_questions_and_answers_both_ways(mini):
    files = read(build_epub(mini, mini / "dist", "--answers", "end"))
    ch1 = xml(files["EPUB/chapter01.xhtml"])
    question = ch1.find(".//x:section[@id='q-bayes-rule']", NS)
    answer = ch1.find(".//x:section[@id='a-bayes-rule']", NS)
    assert question.find(".//x:a[@href='#a-bayes-rule']", NS) is not None
    assert answer.find(".//x:a[@href='#q-bayes-rule']", NS) is not None
    assert question.find(".//x:div[@class='short']", NS) is None
    assert answer.find(".//x:div[@class='short']", NS) is not None
    files = read(build_epub(mini, mini / "dist", "--answers", "none"))
    assert b'class="short"' not in files["EPUB/chapter01.xhtml"] and b"16.7%" not in files["EPUB/chapter01.xhtml"]


def test_filters_apply_and_a_filtered_out_question_is_named_not_linked(mini):
    files = read(build_epub(mini, mini / "dist", "--chapter", "basics"))
    assert [n for n in files if n.endswith(".xhtml") and "chapter" in n] == ["EPUB/chapter01.xhtml"]
    ch1 = files["EPUB/chapter01.xhtml"].decode()
    assert 'href="chapter02.xhtml' not in ch1
    assert "<em>KL divergence" in ch1 or re.search(r"<em>[^<]+</em>", ch1)
    assert read(build_epub(mini, mini / "dist", "--difficulty", "hard"))["EPUB/nav.xhtml"].count(b"#q-") == 1


def test_two_builds_give_the_same_bytes_and_an_unchanged_book_is_not_rewritten(tmp_path):
    first = copy_project(FIXTURE, tmp_path / "one")
    second = copy_project(FIXTURE, tmp_path / "two")
    a, b = build_epub(first, first / "dist"), build_epub(second, second / "dist")
    assert a.read_bytes() == b.read_bytes()
    stamp = a.stat().st_mtime_ns
    build_epub(first, first / "dist")
    assert a.stat().st_mtime_ns == stamp


def test_a_failed_build_leaves_the_previous_epub(mini):
    epub = build_epub(mini, mini / "dist")
    good = epub.read_bytes()
    yaml = mini / "content" / "basics.yaml"
    yaml.write_text(yaml.read_text().replace("difficulty: easy", "difficulty: trivial"))
    assert run("build", "--project", str(mini), "--only", "epub", "--quiet") == 1
    assert epub.read_bytes() == good


def test_only_takes_a_comma_separated_list(mini):
    assert run("build", "--project", str(mini), "--only", "epub,anki", "--quiet") == 0
    assert sorted(p.name for p in (mini / "dist").iterdir()) == ["handbook.apkg", "handbook.epub"]


def test_selection_matches_the_nav(mini):
    book = load_book(mini)
    kept = Selection(chapter=("more",)).apply(book)
    files = read(build_epub(mini, mini / "dist", "--chapter", "more"))
    assert files["EPUB/nav.xhtml"].count(b"#q-") == sum(len(c.questions) for c in kept)
