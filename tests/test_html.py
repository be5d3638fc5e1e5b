"""The HTML handbook in a real browser: headless Chromium, from file://, with no network."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FIXTURE, run
from handbook.content import load_book
from handbook.htmlprose import escape

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
EPOCH = 1_750_000_000


@pytest.fixture(scope="module")
def shipped(shipped_copy) -> Path:
    """The shipped book built as HTML in a copy of the project."""
    project = shipped_copy
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    try:
        assert run("build", "--project", str(project), "--only", "html", "--quiet") == 0
    finally:
        mp.undo()
    return project


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page opened in a fresh context, recording console errors and failed requests."""

    def __init__(self, browser, viewport=DESKTOP, scheme="light"):
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
                     else self.problems.append(f"network: {r.url}"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()


def html_pages(project: Path) -> list[Path]:
    return sorted((project / "dist" / "html").glob("*.html"))


def test_every_page_loads_clean_every_link_resolves_and_every_formula_has_a_size(shipped, browser):
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    with Visit(browser) as visit:
        for path in html_pages(shipped):
            visit.page.goto(path.as_uri())
            found = visit.page.evaluate("""() => ({
                ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
                links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
                empty: Array.from(document.querySelectorAll('math')).filter(m => {
                    const r = m.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); }).length,
                maths: document.querySelectorAll('math').length,
                images: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length,
            })""")
            assert found["empty"] == 0, (path.name, found["empty"], found["maths"])
            assert found["images"] == 0, path.name
            ids[path.resolve()] = set(found["ids"])
            links += [(path, href) for href in found["links"]]
        assert visit.problems == []
    assert links
    for page, href in links:
        url = urlsplit(href)
        assert url.scheme == "file", (page.name, href)
        target = Path(unquote(url.path)).resolve()
        assert target in ids, (page.name, href)
        assert not url.fragment or url.fragment in ids[target], (page.name, href)


def test_the_maths_count_is_the_contents(shipped):
    book = load_book(shipped)
    from handbook.exports import formulas, used_prose

    spans = sum(len(formulas(p.pieces)) for p in used_prose(book, book.chapters))
    pages = [p.read_text(encoding="utf-8") for p in html_pages(shipped)]
    assert sum(page.count("<math ") for page in pages) == spans


def rare_prompt_word(project: Path) -> tuple[str, str]:
    """A word of some question's prompt that no other question's prompt, title or topics contain."""
    book = load_book(project)
    texts = {q.id: " ".join([q.title, " ".join(q.topics), q.question.source]).lower() for q in book.questions()}
    counts = Counter(w for text in texts.values() for w in set(re.findall(r"[a-z]{7,}", text)))
    for q in book.questions():
        for word in re.findall(r"[a-z]{7,}", q.question.source.lower()):
            if counts[word] == 1:
                return word, q.id
    pytest.skip("every prompt word appears in two questions")


def test_search_finds_a_question_by_a_word_of_its_prompt_offline(shipped, browser):
    word, qid = rare_prompt_word(shipped)
    with Visit(browser, PHONE) as visit:
        visit.page.goto((shipped / "dist" / "html" / "index.html").as_uri())
        visit.page.fill("#search", word)
        hits = visit.page.eval_on_selector_all("#results a", "links => links.map(a => a.getAttribute('href'))")
        assert [h.split("#")[1] for h in hits] == [f"q-{qid}"]
        visit.page.press("#search", "Enter")
        visit.page.wait_for_load_state()
        assert visit.page.url.endswith(f"#q-{qid}")
        visit.page.fill("#search", "zzzznotaword")
        assert visit.page.inner_text("#results") == "No question matches."
        assert visit.problems == []


def test_phone_and_desktop_layouts_dark_scheme_and_screenshots(shipped, browser):
    """Screenshots go to build/screenshots of the project, to be looked at."""
    shots = shipped / "build" / "screenshots"
    chapter = html_pages(shipped)[0]
    widths = {}
    for name, viewport, scheme in (("phone", PHONE, "dark"), ("desktop", DESKTOP, "light")):
        with Visit(browser, viewport, scheme) as visit:
            visit.page.goto(chapter.as_uri())
            visit.page.screenshot(path=str(shots / f"{name}-{scheme}.png"))
            widths[name] = visit.page.evaluate("""() => ({
                page: document.documentElement.scrollWidth, view: window.innerWidth,
                main: document.querySelector('main').getBoundingClientRect().width,
                bg: getComputedStyle(document.body).backgroundColor})""")
            visit.page.emulate_media(media="print")
            assert visit.page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    assert widths["phone"]["page"] <= PHONE["width"]  # nothing forces sideways scrolling
    assert widths["desktop"]["main"] < DESKTOP["width"] * 0.7  # a readable measure, not the full width
    assert widths["phone"]["bg"] != widths["desktop"]["bg"]  # the dark scheme is used
    assert all((shots / f).stat().st_size > 10_000 for f in ("phone-dark.png", "desktop-light.png"))


def test_pages_have_prev_next_links_and_question_anchors(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    project = tmp_path / "mini"
    shutil.copytree(FIXTURE, project)
    assert run("build", "--project", str(project), "--only", "html", "--quiet") == 0
    folder = project / "dist" / "html"
    first = (folder / "01-basics.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="index.html"' in first and 'rel="next" href="02-more.html"' in first
    assert 'id="q-bayes-rule"' in first
    assert f'href="02-more.html#q-kl-basics">2.1\u00a0{escape("KL divergence")}</a>' in first
    assert 'rel="next" href="references.html"' in (folder / "02-more.html").read_text(encoding="utf-8")
    assert "http" not in "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.html")).replace(
        "http://www.w3.org/1998/Math/MathML", "")
    pages = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert run("build", "--project", str(project), "--only", "html", "--quiet") == 0
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == pages
