"""The command line: `handbook build | check | watch | preview | anki`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import ContentError, HandbookError, UsageError
from .options import GRIDS, OUTPUTS, PAPERS, SCREENS, Options, Selection

log = logging.getLogger("handbook")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _logging(args)
    try:
        return args.run(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was built", file=sys.stderr)
        return 1
    except UsageError as exc:
        parser.exit(2, f"handbook: error: {exc}\n")
    except HandbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a path the user named cannot be written or read
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous outputs are unchanged", file=sys.stderr)
        return 130


BUILD_EXAMPLES = """\
filters: repeat an option to add values (--topic a --topic b: either topic);
different options must all match (--chapter optimization --difficulty hard:
hard questions of that chapter). Topic and chapter names ignore case.

examples:
  handbook build                                  every output into dist/
  handbook build --only handbook --paper letter   the print book on US Letter
  handbook build --answers end --only handbook    a practice edition
  handbook build --only flashcards --chapter optimization --difficulty hard
  handbook build --preview                        the edited chapter first, into dist/preview.pdf
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handbook", description="Build the ML theory interview handbook.")
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the outputs: PDFs, Anki deck, EPUB, HTML handbook",
                                epilog=BUILD_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(build)
    _outputs(build)
    build.set_defaults(run=_run_build)

    check = commands.add_parser("check", help="validate the content without building")
    _common(check)
    check.set_defaults(run=_run_check)

    watch = commands.add_parser("watch", help="rebuild whenever a content, figure or template file changes")
    _common(watch)
    _outputs(watch)
    watch.set_defaults(run=_run_watch)

    schema = commands.add_parser("schema", help="print the JSON Schema of content files, for YAML editors")
    schema.set_defaults(run=_run_schema, quiet=False, verbose=False)
    preview = commands.add_parser("preview", help="serve the HTML handbook on 127.0.0.1, rebuilt and reloaded on save")
    _common(preview)
    _filters(preview)
    preview.add_argument("--out", type=Path, default=None, help="folder holding html/ (default dist/ in the project)")
    preview.add_argument("--answers", choices=["inline", "end", "none"], default="inline",
                         help="answers after each question, at the end of each chapter, or not at all")
    preview.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    preview.set_defaults(run=_run_preview)

    anki = commands.add_parser("anki", help="write an Anki deck (.apkg) that updates in place on re-import")
    _common(anki)
    _filters(anki)
    anki.add_argument("--out", type=Path, default=None, help="the .apkg file (default dist/handbook.apkg)")
    anki.set_defaults(run=_run_anki)
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=Path, default=Path("."), help="folder holding content/ and figures/ (default .)")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    noise.add_argument("-v", "--verbose", action="store_true", help="print every step")


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--difficulty", action="append", choices=["easy", "medium", "hard"], default=[],
                   help="only questions of this difficulty (repeatable; default: all)")
    p.add_argument("--topic", action="append", default=[], help="only questions with this topic, any case (repeatable; default: all)")
    p.add_argument("--chapter", action="append", default=[], help="only this chapter id, any case (repeatable; default: all)")


def _outputs(p: argparse.ArgumentParser) -> None:
    _filters(p)
    p.add_argument("--out", type=Path, default=None, help="folder for the PDFs (default dist/ in the project)")
    p.add_argument("--only", action="append", type=_output_list, default=[], metavar="OUTPUTS",
                   help=f"build only these outputs, comma-separated or repeated: {','.join(OUTPUTS)} (default all)")
    p.add_argument("--paper", choices=sorted(PAPERS), default="a4", help="print and flashcard paper (default a4)")
    p.add_argument("--answers", choices=["inline", "end", "none"], default="inline",
                   help="answers after each question, at the end of each chapter, or not at all (default inline)")
    p.add_argument("--ereader", choices=list(SCREENS), default="6in", help="e-reader screen profile (default 6in)")
    p.add_argument("--cards", choices=list(GRIDS), default="2x4", help="flashcards per sheet, columns x rows (default 2x4)")
    p.add_argument("--fold", action="store_true", help="single-sided fold-over flashcards")
    p.add_argument("--math", choices=["mathml", "svg"], default="mathml",
                   help="EPUB maths as MathML (default) or as SVG drawn by TeX, for readers without MathML")
    p.add_argument("--preview", action="store_true",
                   help="first typeset only the edited chapters, numbered as in the full book, into preview.pdf")


def _output_list(value: str) -> list[str]:
    """`epub,html` -> ['epub', 'html'], each checked against the known outputs."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in OUTPUTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown output {', '.join(unknown) or repr(value)}; "
                                         f"choose from {','.join(OUTPUTS)}")
    return names


def _logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)


def _selection(args: argparse.Namespace) -> Selection:
    return Selection(tuple(args.difficulty), tuple(args.topic), tuple(args.chapter))


def _options(args: argparse.Namespace) -> Options:
    return Options(paper=args.paper, answers=args.answers, ereader=args.ereader, cards=args.cards,
                   fold=args.fold, outputs=_outputs_asked(args.only), selection=_selection(args),
                   preview=args.preview or args.command == "watch", math=args.math)


def _outputs_asked(only: list[list[str]]) -> tuple[str, ...]:
    """The outputs named by --only, in the registry's order; all of them when none is named."""
    asked = {name for names in only for name in names}
    return tuple(o for o in OUTPUTS if o in asked) or OUTPUTS


def _out_dir(args: argparse.Namespace) -> Path:
    return args.out if args.out is not None else args.project / "dist"


def _run_build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(args.project, _out_dir(args), _options(args))
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    log.info(status_line(report))
    return 0


def status_line(report) -> str:
    compiled = ", ".join(f"{o} ({report.passes.get(o, 0)} TeX passes)" for o in report.compiled) or "nothing"
    current = f"; up to date: {', '.join(report.skipped)}" if report.skipped else ""
    exported = f"; wrote {', '.join(report.exported)}" if report.exported else ""
    return (f"built in {report.seconds:.1f} s: {report.figures_rendered} figures drawn, "
            f"{len(report.written)} sources rewritten, compiled {compiled}{current}{exported}")


def _run_check(args: argparse.Namespace) -> int:
    from .build import check

    book = check(args.project)
    log.info("%s: %d chapters, %d questions, %d figures: no problems", args.project, len(book.chapters),
             len(book.questions()), len(book.figures))
    return 0


def _run_watch(args: argparse.Namespace) -> int:
    from .watch import watch

    return watch(args.project, _out_dir(args), _options(args))


def _run_preview(args: argparse.Namespace) -> int:
    from .serve import run as serve

    options = Options(answers=args.answers, outputs=("html",), selection=_selection(args))
    return serve(args.project, _out_dir(args), options, args.port)


def _run_schema(args: argparse.Namespace) -> int:
    from .schema import schema_text

    sys.stdout.write(schema_text())
    return 0


def _run_anki(args: argparse.Namespace) -> int:
    from .anki import export

    out = args.out if args.out is not None else args.project / "dist" / "handbook.apkg"
    count = export(args.project, out, _selection(args))
    log.info("wrote %s: %d notes", out, count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
