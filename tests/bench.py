"""`make bench`: how fast the edit loop is, on the shipped book and synthetic banks.

For each bank it measures, in a fresh Python process each time: a clean
build with its stages (content, figures, LaTeX sources, TeX), a rebuild
with nothing changed, a one-answer edit, a one short-answer edit, and the
chapter preview after an answer edit (seconds from the start of the build
process, imports included, until dist/preview.pdf is written; the first
preview also makes the preamble's format); TeX passes per output and the
peak memory of the Python process; and the TeX floor, one pdflatex pass over each final main.tex. Beside it
runs the pandoc peer: the same questions as one Markdown file, built with
pandoc and pdflatex. It writes a Markdown table and checks the targets.

The reflowable editions are timed apart, each alone from a clean build
folder: the EPUB and the HTML handbook, cold and after a one-answer edit.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from handbook.compile import tex_environment  # noqa: E402

# Runs one build in a child process and prints what it did as JSON.
CHILD = """
import time
begun = time.perf_counter()
import json, resource, sys
from pathlib import Path
from handbook.build import build
from handbook.options import Options
project = Path(sys.argv[1])
args = sys.argv[2:]
preview = "preview" in args
outputs = tuple(next((a for a in args if a != "preview"), "handbook,ereader,flashcards").split(","))
start = time.perf_counter()
report = build(project, project / "dist", Options(outputs=outputs, preview=preview))
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "stages": report.stages,
    "preview_ready": (report.preview_at - begun if preview and report.preview_at else None),
    "preview_moved": bool(report.preview and report.preview.moved),
    "passes": report.passes,
    "compiled": report.compiled,
    "figures": report.figures_rendered,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "matplotlib": "matplotlib" in sys.modules,
}))
"""

WORDS = ("gradient variance estimator posterior likelihood curvature eigenvalue "
         "entropy divergence regularisation expectation convergence").split()


PER_CHAPTER = 20  # questions per chapter, as in the syllabus: a bank grows by chapters


def synthetic_bank(target: Path, questions: int, seed: int = 0) -> None:
    """A project of `questions` questions in chapters of 20, sized like real answers."""
    rng = random.Random(seed)
    content = target / "content"
    content.mkdir(parents=True)
    (target / "figures").mkdir()
    chapters = [f"part-{i}" for i in range(1, max(1, questions // PER_CHAPTER) + 1)]
    (content / "book.yaml").write_text(
        "title: Synthetic bank\nauthor: Benchmark\nchapters: [" + ", ".join(chapters) + "]\n")
    for index, chapter in enumerate(chapters):
        ids = range(index, questions, len(chapters))
        body = "".join(_question(i, rng) for i in ids)
        (content / f"{chapter}.yaml").write_text(
            f"id: {chapter}\ntitle: Part {index + 1}\nintro: |\n  A synthetic chapter.\nquestions:\n{body}")


def _prose(rng: random.Random, words: int) -> str:
    out = []
    for n in range(words):
        out.append(rng.choice(WORDS))
        if n % 40 == 39:
            out.append(f"$x_{{{n}}}^2 + \\frac{{a}}{{b}}$")
        if n % 120 == 119:
            out.append("\n\n     ")
    return " ".join(out)


def _question(i: int, rng: random.Random) -> str:
    return f"""  - id: q-{i}
    title: Synthetic question {i}
    difficulty: {("easy", "medium", "hard")[i % 3]}
    kind: technical
    topics: [topic {i % 17}, topic {i % 5}]
    question: |
      {_prose(rng, 40)}?
    short_answer: |
      {_prose(rng, 50)}.
    answer: |
      {_prose(rng, 450)}.
    mistakes:
      - {_prose(rng, 15)}.
    follow_ups:
      - {_prose(rng, 12)}?
"""


def run_build(project: Path, *extra: str) -> dict:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(project), *extra], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"build failed for {project}:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = wall  # the whole command, interpreter start included
    return result


def edit(project: Path, field: str) -> None:
    """Change one word of the first question's `field` in the first chapter file."""
    path = sorted(p for p in (project / "content").glob("*.yaml") if "questions:" in p.read_text())[0]
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{field}:"))
    line = lines[start + 1]
    indent = len(line) - len(line.lstrip(" "))
    lines[start + 1] = line[:indent] + "edited " + line[indent:]
    path.write_text("".join(lines))


def tex_floor(project: Path) -> dict[str, float]:
    """Seconds for one pdflatex pass over each output's final main.tex."""
    floors = {}
    for output in ("handbook", "ereader", "flashcards"):
        folder = project / "build" / output
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / output
            shutil.copytree(folder, copy)
            start = time.perf_counter()
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "main.tex"], cwd=copy,
                           env=tex_environment(0), capture_output=True)
            floors[output] = time.perf_counter() - start
    return floors


def measure(name: str, project: Path) -> dict:
    shutil.rmtree(project / "build", ignore_errors=True)
    shutil.rmtree(project / "dist", ignore_errors=True)
    row = {"bank": name, "questions": sum(p.read_text().count("\n  - id: ") for p in (project / "content").glob("*.yaml"))}
    row["clean"] = run_build(project)
    row["nochange"] = run_build(project)
    edit(project, "answer")
    row["answer_edit"] = run_build(project)
    edit(project, "short_answer")
    row["short_edit"] = run_build(project)
    edit(project, "answer")
    row["preview_first"] = run_build(project, "preview")
    edit(project, "answer")
    row["preview"] = run_build(project, "preview")
    row["floor"] = tex_floor(project)
    row["pandoc"] = pandoc_peer(project)
    row["reflow"] = reflowable(project)
    print(f"{name}: clean {row['clean']['seconds']:.1f} s, no change {row['nochange']['seconds']:.2f} s, "
          f"answer edit {row['answer_edit']['seconds']:.1f} s, preview {row['preview']['preview_ready']:.2f} s",
          flush=True)
    return row


def pandoc_peer(project: Path) -> float | None:
    """Seconds for pandoc + pdflatex to make one PDF of the same questions, or None without pandoc.

    The peer gets the same words: each field goes through the handbook's own
    parser and is written as Markdown (maths as $...$, a question link as the
    question's title, a citation as its key), and every non-ASCII character
    of running text is declared to pdflatex as the handbook prints it.
    """
    if shutil.which("pandoc") is None:
        return None
    from handbook.content import load_book

    book = load_book(project, project / "build" / "cache")
    titles = {q.id: q.title for q in book.questions()}
    parts = []
    for chapter in book.chapters:
        parts.append(f"# {chapter.title}\n\n{markdown(chapter.intro.pieces, titles)}\n")
        for q in chapter.questions:
            parts.append(f"## {q.title}\n\n{markdown(q.question.pieces, titles)}\n\n**Short answer.** "
                         f"{markdown(q.short_answer.pieces, titles)}\n\n{markdown(q.answer.pieces, titles)}\n")
    text = "\n".join(parts)
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "book.md").write_text(text)
        (Path(scratch) / "chars.tex").write_text(unicode_declarations(text))
        start = time.perf_counter()
        done = subprocess.run(["pandoc", "-f", "markdown+tex_math_single_backslash+raw_tex", "--toc",
                               "--pdf-engine=pdflatex", "--include-in-header=chars.tex", "-o", "book.pdf", "book.md"],
                              cwd=scratch, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(f"pandoc peer failed: {done.stderr[-500:]}", file=sys.stderr)
        return None
    return seconds


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#$|~^])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown(pieces: list, titles: dict[str, str]) -> str:
    """A prose field as pandoc Markdown."""
    out = []
    for piece in pieces:
        kind = piece[0]
        if kind == "t":
            out.append(_escape(piece[1]))
        elif kind == "m":
            out.append(f"$${piece[1]}$$" if piece[2] else f"${piece[1]}$")
        elif kind in ("emph", "textbf", "texttt"):
            mark = {"emph": "*", "textbf": "**", "texttt": ""}[kind]
            out.append(f"{mark}{markdown(piece[1], titles)}{mark}")
        elif kind in ("itemize", "enumerate"):
            bullet = "-" if kind == "itemize" else "1."
            out.append("\n\n" + "".join(f"{bullet} {markdown(item, titles).strip()}\n" for item in piece[1]) + "\n")
        elif kind == "url":
            out.append(f"<{piece[1]}>")
        elif kind == "href":
            out.append(f"[{markdown(piece[2], titles)}]({piece[1]})")
        elif kind == "qref":
            out.append(f"*{_escape(titles.get(piece[1], piece[1]))}*")
        else:  # cite
            out.append(f"\\[{piece[1]}\\]")
    return "".join(out)


def unicode_declarations(text: str) -> str:
    """\\DeclareUnicodeCharacter for each non-ASCII character, printed as the handbook prints it."""
    from handbook.prose import latex_char

    lines = []
    for ch in sorted({c for c in text if ord(c) > 127}):
        latex = latex_char(ch)
        if latex:
            lines.append(f"\\DeclareUnicodeCharacter{{{ord(ch):04X}}}{{{latex}}}")
    return "\n".join(lines) + "\n"


def reflowable(project: Path) -> dict[str, tuple[float, float]]:
    """Seconds for the EPUB and the HTML handbook alone: from a clean build folder, then after an answer edit."""
    times = {}
    for output in ("epub", "html"):
        shutil.rmtree(project / "build", ignore_errors=True)
        shutil.rmtree(project / "dist", ignore_errors=True)
        cold = run_build(project, output)["seconds"]
        edit(project, "answer")
        times[output] = (cold, run_build(project, output)["seconds"])
    return times


def reflow_table(rows: list[dict]) -> str:
    head = ("| bank | EPUB clean s | EPUB answer edit s | HTML clean s | HTML answer edit s |\n"
            "|---|---|---|---|---|\n")
    return head + "".join(
        f"| {r['bank']} | {r['reflow']['epub'][0]:.2f} | {r['reflow']['epub'][1]:.2f} | "
        f"{r['reflow']['html'][0]:.2f} | {r['reflow']['html'][1]:.2f} |\n" for r in rows)


def passes(result: dict) -> str:
    return ", ".join(f"{k[0]}{v}" for k, v in sorted(result["passes"].items())) or "0"


def table(rows: list[dict]) -> str:
    head = ("| bank | questions | clean s | content / figures / latex / TeX s | no-change s | answer edit s | "
            "short-answer edit s | preview after edit s (first) | TeX floor s (h/e/f) | pandoc peer s | "
            "passes answer edit | peak MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    body = ""
    for r in rows:
        floor = "/".join(f"{r['floor'][o]:.1f}" for o in ("handbook", "ereader", "flashcards"))
        stages = " / ".join(f"{r['clean']['stages'].get(s, 0):.1f}" for s in ("content", "figures", "latex", "tex"))
        peak = max(r[k]["peak_mb"] for k in ("clean", "nochange", "answer_edit", "short_edit", "preview"))
        peer = f"{r['pandoc']:.1f}" if r["pandoc"] is not None else "n/a"
        body += (f"| {r['bank']} | {r['questions']} | {r['clean']['seconds']:.1f} | {stages} | "
                 f"{r['nochange']['seconds']:.2f} | {r['answer_edit']['seconds']:.1f} | {r['short_edit']['seconds']:.1f} | "
                 f"{r['preview']['preview_ready']:.2f} ({r['preview_first']['preview_ready']:.2f}) | {floor} | {peer} | {passes(r['answer_edit'])} | {peak:.0f} |\n")
    return head + body + ("\nSeconds are inside the build, except the preview column: from the start of the build "
                          "process, imports included, until dist/preview.pdf is written. Synthetic banks have "
                          f"chapters of {PER_CHAPTER} questions. passes: h = handbook, e = e-reader, f = flashcards.\n")


def targets(rows: list[dict]) -> list[str]:
    lines = []
    for r in rows:
        stages = r["clean"]["stages"]
        lines.append(f"- {r['bank']}: cold build figures {stages.get('figures', 0):.1f} s against TeX "
                     f"{stages.get('tex', 0):.1f} s (target: figures at most TeX)")
        lines.append(f"- {r['bank']}: chapter preview after an answer edit {r['preview']['preview_ready']:.2f} s "
                     f"(target 1.5 s)")
        clean, same = r["clean"]["seconds"], r["nochange"]["seconds"]
        lines.append(f"- {r['bank']}: no-change rebuild {same:.2f} s = {100 * same / clean:.1f}% of clean, "
                     f"{sum(r['nochange']['passes'].values())} TeX passes, matplotlib imported: {r['nochange']['matplotlib']}")
    sizes = {r["bank"]: r for r in rows}
    if "synthetic-1000" in sizes:
        r = sizes["synthetic-1000"]
        lines.append(f"- 1000 questions: no-change rebuild {100 * r['nochange']['seconds'] / r['clean']['seconds']:.1f}% "
                     f"of its clean build (target 3%)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench.md")
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped book")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        if not args.no_shipped:
            shipped = Path(scratch) / "shipped"
            for folder in ("content", "figures"):
                shutil.copytree(ROOT / folder, shipped / folder)
            rows.append(measure("shipped", shipped))
        for size in args.sizes:
            project = Path(scratch) / f"synthetic-{size}"
            synthetic_bank(project, size)
            rows.append(measure(f"synthetic-{size}", project))
    report = ("# Benchmark\n\n" + table(rows) + "\n## EPUB and HTML\n\n" + reflow_table(rows)
              + "\nClean includes drawing the figures as SVG and converting every formula to MathML.\n"
              + "\n## Targets\n\n" + "\n".join(targets(rows)) + "\n")
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
