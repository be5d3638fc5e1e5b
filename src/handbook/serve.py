"""`handbook preview`: the HTML handbook served on 127.0.0.1, rebuilt on save, reloaded in the browser.

Only the HTML output is built (no TeX), and pages are written only when
their bytes change, so a save rewrites the page of the chapter it touched.
Each served page carries a small script that asks the server for the build
state: a new version reloads the page; content problems are shown over the
page, as `path:line:col: message`, while the last good page stays.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import build
from .errors import ContentError, HandbookError
from .options import Options
from .site import FOLDER, INDEX
from .watch import changes, first

STATE_PATH = "/__preview__/state"
SCRIPT_PATH = "/__preview__/reload.js"
POLL_MS = 250

RELOAD_JS = """\
(function () {
  "use strict";
  var script = document.currentScript;
  var version = Number(script.getAttribute("data-version"));
  var box = null;
  function show(problems) {
    if (!problems.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:10;margin:0;padding:0.8em 1em;" +
        "max-height:45vh;overflow:auto;white-space:pre-wrap;font:0.85rem/1.4 ui-monospace,monospace;" +
        "background:#fff3f3;color:#8a0000;border-top:3px solid #c00;";
      document.body.appendChild(box);
    }
    box.textContent = "The last build failed; this is the last good page.\\n" + problems.join("\\n");
  }
  function poll() {
    fetch("%(state)s", {cache: "no-store"}).then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version !== version) { window.location.reload(); return; }
        show(state.problems);
        window.setTimeout(poll, %(poll)d);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  window.setTimeout(poll, %(poll)d);
})();
""" % {"state": STATE_PATH, "poll": POLL_MS}


@dataclass
class Preview:
    """The build state the pages ask for, and the rebuilds that change it."""

    project: Path
    out_dir: Path
    options: Options
    version: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.options = replace(self.options, outputs=("html",), preview=False)

    @property
    def site(self) -> Path:
        return self.out_dir / FOLDER

    def rebuild(self) -> str:
        """Build the HTML handbook; returns the lines for the terminal."""
        stamp = time.strftime("%H:%M:%S")
        try:
            report = build(self.project, self.out_dir, self.options)
        except ContentError as exc:
            return self._failed(stamp, [str(p) for p in exc.problems])
        except HandbookError as exc:
            return self._failed(stamp, str(exc).splitlines())
        with self.lock:
            self.problems = []
            if report.exported:
                self.version += 1
        changed = "pages rewritten" if report.exported else "no page changed"
        return f"[{stamp}] built in {report.seconds:.2f} s: {changed}"

    def _failed(self, stamp: str, problems: list[str]) -> str:
        with self.lock:
            self.problems = problems
        return f"[{stamp}] {len(problems)} problem(s); the last good pages stay:\n" + "\n".join(problems)

    def state(self) -> dict:
        with self.lock:
            return {"version": self.version, "problems": list(self.problems)}


class _Handler(SimpleHTTPRequestHandler):
    """Files from dist/html, each page with the reload script; the state as JSON."""

    preview: Preview

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATE_PATH:
            return self._send(json.dumps(self.preview.state()).encode(), "application/json")
        if path == SCRIPT_PATH:
            return self._send(RELOAD_JS.encode(), "text/javascript")
        if path.endswith("/") or path.endswith(".html"):
            return self._page(path + INDEX if path.endswith("/") else path)
        return super().do_GET()

    def _page(self, path: str) -> None:
        file = Path(self.translate_path(path))
        try:
            text = file.read_text(encoding="utf-8")
        except OSError:
            return self.send_error(404, "no such page")
        tag = f'<script src="{SCRIPT_PATH}" data-version="{self.preview.state()["version"]}"></script>'
        self._send(text.replace("</body>", tag + "\n</body>", 1).encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # the terminal shows builds, not requests


def server(preview: Preview, port: int) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 (port 0: any free port) for `preview`."""
    preview.site.mkdir(parents=True, exist_ok=True)
    handler = type("Handler", (_Handler,), {"preview": preview})
    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(preview.site)))
    httpd.daemon_threads = True
    return httpd


def run(project: Path, out_dir: Path, options: Options, port: int,
        stop: threading.Event | None = None, ready=None) -> int:
    """Build, serve, rebuild on every save until Ctrl-C (or `stop`)."""
    preview = Preview(project, out_dir, options)
    first(project, lambda: print(preview.rebuild(), flush=True))
    httpd = server(preview, port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    print(f"serving {preview.site} at http://127.0.0.1:{httpd.server_port}/ (Ctrl-C stops)", flush=True)
    if ready is not None:
        ready(httpd.server_port)
    try:
        for _ in changes(project, stop):
            print(preview.rebuild(), flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0
