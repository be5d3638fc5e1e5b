"""`handbook preview`: a save rebuilds the page, the open page reloads, problems show in the page."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from handbook import serve
from handbook.options import Options

TRIES = 200  # looks, 50 ms apart, before a test gives up on a change
PAUSE = 0.05


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


class Running:
    """`handbook preview` on a free port in a thread, stopped at the end."""

    def __init__(self, project: Path):
        self.stop = threading.Event()
        self.ports: list[int] = []
        self.thread = threading.Thread(target=serve.run, args=(project, project / "dist", Options(), 0, self.stop,
                                                               self.ports.append), daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(TRIES * 10):  # the first build draws the figure
            if self.ports or not self.thread.is_alive():
                break
            time.sleep(PAUSE)
        assert self.ports, "the preview did not start"
        return f"http://127.0.0.1:{self.ports[0]}"

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def until(check) -> bool:
    for _ in range(TRIES):
        if check():
            return True
        time.sleep(PAUSE)
    return False


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edited_answer_reaches_the_served_page_and_a_problem_keeps_the_last_good_one(mini):
    yaml = mini / "content" / "basics.yaml"
    with Running(mini) as base:
        page = f"{base}/01-basics.html"
        first = get(page)
        assert "Bayes' rule follows" in first and serve.SCRIPT_PATH in first
        state = json.loads(get(base + serve.STATE_PATH))
        assert state["problems"] == [] and f'data-version="{state["version"]}"' in first
        edit(yaml, "Bayes' rule follows", "Bayes' rule, edited, follows")
        assert until(lambda: "Bayes' rule, edited, follows" in get(page))
        assert json.loads(get(base + serve.STATE_PATH))["version"] == state["version"] + 1
        assert (mini / "dist" / "html" / "02-more.html").is_file()
        edit(yaml, "difficulty: easy", "difficulty: trivial")
        assert until(lambda: json.loads(get(base + serve.STATE_PATH))["problems"])
        problems = json.loads(get(base + serve.STATE_PATH))["problems"]
        assert re.fullmatch(r"content/basics\.yaml:\d+:\d+: .*'trivial'.*", problems[0]), problems
        assert "Bayes' rule, edited, follows" in get(page)  # the last good page stays
        edit(yaml, "difficulty: trivial", "difficulty: easy")
        assert until(lambda: not json.loads(get(base + serve.STATE_PATH))["problems"])


def test_the_open_page_reloads_by_itself_and_shows_problems(mini):
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_html import ARGS, CHROMIUM

    yaml = mini / "content" / "basics.yaml"
    with Running(mini) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/01-basics.html")
        edit(yaml, "second \\emph{point}", "second \\emph{reloaded point}")
        start = time.perf_counter()
        assert until(lambda: "reloaded point" in page.inner_text("main"))
        print(f"save to reloaded page: {time.perf_counter() - start:.2f} s")
        edit(yaml, "difficulty: easy", "difficulty: trivial")
        assert until(lambda: page.query_selector("#preview-problems") is not None)
        assert re.search(r"content/basics\.yaml:\d+:\d+: ", page.inner_text("#preview-problems"))
        assert "reloaded point" in page.inner_text("main")
        edit(yaml, "difficulty: trivial", "difficulty: easy")
        assert until(lambda: page.query_selector("#preview-problems") is None)
        browser.close()
        assert errors == []
