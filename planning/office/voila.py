"""Voila as the planning pages use it: the offline template, the kernel pools, the command line.

``planning serve`` (one planner, this machine) and the office's dashboards service both start
Voila through :func:`voila_command`; they differ in where it listens, under which address prefix,
and how many kernels are kept ready.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def offline_template(dest: Path) -> Path:
    """Copy Voila's ``lab`` template to ``dest`` as ``offline``, without its CDN links.

    Voila's page links Font Awesome from a public CDN although its own bundle
    already carries the icons; offices without internet would wait on it. The
    loading spinner turns in steps (see below). Returns the data directory to
    put on ``JUPYTER_PATH``.
    """
    import re
    import shutil

    from jupyter_core.paths import jupyter_path

    src = next(Path(p) for p in jupyter_path("voila", "templates", "lab") if Path(p, "index.html.j2").exists())
    out = dest / "voila" / "templates" / "offline"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    (out / "conf.json").write_text('{"base_template": "lab"}', encoding="utf-8")
    for f in out.rglob("*.j2"):
        text = f.read_text(encoding="utf-8")
        f.write_text(re.sub(r"\s*<link[^>]+https?://[^>]+>", "", text), encoding="utf-8")
    # The loading spinner turns in 8 steps a cycle instead of smoothly: without GPU compositing (virtual
    # desktops, old office PCs, headless browsers) 20 pages spinning smoothly cost 1.4 CPU seconds per
    # second, in steps 0.4.
    for base in jupyter_path("voila", "templates", "base"):
        spinner = Path(base, "spinner.macro.html.j2")
        if spinner.exists():
            text = spinner.read_text(encoding="utf-8")
            (out / spinner.name).write_text(text.replace("2s infinite linear", "2s infinite steps(8)"), encoding="utf-8")
            break
    # The front door: Voila's file list (English, and of no use to a reader) becomes the overview,
    # and its error pages say what happened in the reader's words with the way back.
    for name in ("tree.html", "tree-lab.html"):
        (out / name).write_text(FRONT_DOOR, encoding="utf-8")
    (out / "404.html").write_text(NOT_FOUND, encoding="utf-8")
    return dest


#: Voila's file list replaced: straight on to the overview (the address's ``?lang=`` kept).
FRONT_DOOR = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>对口支援规划 · 总览</title>
<meta http-equiv="refresh" content="0;url={{ base_url }}voila/render/overview.ipynb{% if query %}?{{ query }}{% endif %}">
<script>location.replace("{{ base_url }}voila/render/overview.ipynb" + location.search);</script>
</head><body>
<p><a href="{{ base_url }}voila/render/overview.ipynb">打开总览</a> · <a href="{{ base_url }}voila/render/overview.ipynb?lang=en">Open the overview</a></p>
</body></html>
"""

#: A page that does not exist, in both languages (the address may not say which), with the way back.
NOT_FOUND = """{% extends "error.html" %}
{% block body %}
  <div class="voila-error" lang="zh-CN">
    <h1>找不到这个页面</h1>
    <p>地址可能有误，或者页面已经移走。<a href="{{ base_url }}">返回总览</a></p>
    <p lang="en">Page not found. The address may be wrong, or the page has moved.
      <a href="{{ base_url }}voila/render/overview.ipynb?lang=en">Back to the overview</a></p>
  </div>
{% endblock %}
"""


LANDING = "overview.ipynb"
LANDING_POOL = 1      # preheated kernels kept ready for the landing page on a planner's own machine
PAGE_POOL = 0         # and for every other page (none: a planner alone opens one page at a time)
OFFICE_LANDING_POOL = 20  # in the office: a meeting's worth of viewers at once
OFFICE_PAGE_POOL = 1      # and one for every other page, so that following a link is quick too
FILL_DELAY = 5        # seconds before Voila replaces a pooled kernel a viewer took: a burst is served first
CULL_INTERVAL = 60    # idle kernels of viewers who left are shut down after CULL_IDLE seconds
CULL_IDLE = 300
IOPUB_TIMEOUT = 60    # seconds Voila waits for a cell's outputs after its reply (see voila_config)


#: The folder, in the office's pages folder, of the pages started for one viewer each (host units, senders): never
#: preheated, so that their kernel knows its viewer before it reads anything (:mod:`planning.apps.cuts`).
SCOPED = "scoped"


def pages_folder(dest: Path, notebooks: Path | None = None) -> Path:
    """The office's pages for Voila: a copy of ``notebooks/`` at ``dest`` and again in ``dest/scoped/`` (the
    gate sends host units and senders there). Returns ``dest``."""
    import shutil

    notebooks = notebooks or ROOT / "notebooks"
    for folder in (dest, dest / SCOPED):
        folder.mkdir(parents=True, exist_ok=True)
        for nb in notebooks.glob("*.ipynb"):
            shutil.copyfile(nb, folder / nb.name)
    return dest


def kernel_pools(landing_pool: int = LANDING_POOL, page_pool: int = PAGE_POOL) -> dict:
    """Voila's ``VoilaKernelManager.kernel_pools_config``: preheated kernels per notebook."""
    return {"default": {"pool_size": page_pool}, LANDING: {"pool_size": landing_pool}}


def voila_config(pool: int = LANDING_POOL, page_pool: int = PAGE_POOL) -> dict:
    """Voila settings beyond the command line: the kernel pools (none when ``pool`` is 0) and the executor.

    ``iopub_timeout``: after a cell's reply, how long Voila waits for the cell's
    outputs. Its default (4 s) is too short when many pages start at once on a
    small machine: the output is dropped and the page stays empty.
    """
    config = {"VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT}}
    if pool > 0:
        config["VoilaConfiguration"] = {"preheat_kernel": True}
        config["VoilaKernelManager"] = {"kernel_pools_config": kernel_pools(pool, page_pool),
                                        "fill_delay": FILL_DELAY,
                                        # the office's pages for one viewer each: never preheated
                                        "preheat_denylist": [f"/{SCOPED}/"]}
    return config


def voila_command(port: int, notebooks: Path, pool: int = LANDING_POOL, config_dir: Path | None = None, *,
                  page_pool: int = PAGE_POOL, base_url: str = "/", ip: str = "127.0.0.1",
                  gated: bool = False) -> list[str]:
    """The Voila command line ``planning serve`` runs.

    With ``pool`` > 0, Voila keeps ``pool`` kernels for the landing page (and
    :data:`PAGE_POOL` for every other page) started and run up to the point where
    the page waits for its viewer (:func:`planning.apps.serving.wait_for_viewer`), and
    starts a replacement :data:`FILL_DELAY` seconds after one is taken. ``pool=0``:
    every page view starts its own kernel. The settings of :func:`voila_config` go to ``voila.json``
    in ``config_dir`` (a new temporary folder if not given), read before the usual
    places (the project folder, where ``planning serve`` runs Voila, and the Jupyter config path).
    ``gated``: Voila answers only requests carrying the gate's key (:func:`gated_voila`; the office).
    """
    import json
    import tempfile

    from jupyter_core.paths import jupyter_config_path

    cmd = [
        sys.executable, "-m", "planning.office.voila" if gated else "voila", str(notebooks),
        "--no-browser", "--template=offline",
        f"--Voila.ip={ip}", f"--Voila.port={port}", "--Voila.port_retries=0", f"--Voila.base_url={base_url}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
    ]
    if os.name == "posix":  # kernels on Unix sockets: no TCP port races when a pool starts 20 kernels at once
        cmd.append("--KernelManager.transport=ipc")
    config_dir = Path(config_dir or tempfile.mkdtemp(prefix="planning-voila-"))
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "voila.json").write_text(json.dumps(voila_config(pool, page_pool), indent=1), encoding="utf-8")
    return cmd + [f"--Voila.config_file_paths={p}" for p in [config_dir, ROOT, *jupyter_config_path()]]


#: Where the whole data is (the store, the office's data folder): not in a host unit's or a sender's kernel.
WHOLE_DATA_ENV = ("PLANNING_STORE", "PLANNING_DB_URL", "PLANNING_DATA")


def gated_voila(argv=None) -> None:
    """Voila (the same command line) answering only requests that carry the gate's key.

    The office's gate adds the header :data:`planning.apps.serving.GATE_HEADER` with the key in
    ``PLANNING_VOILA_KEY`` (its environment, never a command line) to every request and websocket it passes
    on; Voila's preheated kernels add it to the one websocket they open to Voila. Any other request, for any
    path (pages, the file list, static files, kernels, their websockets, the request-info socket), is answered
    403 before a handler sees it: another process on the machine reaching Voila's port gets nothing. A kernel
    started for a page in ``scoped/`` (a host unit's, a sender's) gets no :data:`WHOLE_DATA_ENV` variable.
    """
    import hmac

    from tornado import web
    from voila.app import Voila

    from ..apps.serving import GATE_HEADER, GATE_KEY_ENV

    key = os.environ.get(GATE_KEY_ENV, "").encode()
    if len(key) < 16:
        raise SystemExit(f"{GATE_KEY_ENV} is not set: the office's Voila answers its gate only")

    class Refused(web.RequestHandler):
        def prepare(self):
            self.set_status(403)
            self.finish("forbidden")

    class GatedVoila(Voila):
        def listen(self):
            # a kernel started for a host unit or a sender (a page in scoped/) is not told where the whole
            # data is: only where its cut is (PLANNING_CUTS)
            km = self.kernel_manager
            start_kernel = km.start_kernel

            def start_scoped_blind(*args, **kwargs):
                if Path(str(kwargs.get("path") or "")).name == SCOPED and kwargs.get("env"):
                    kwargs["env"] = {k: v for k, v in kwargs["env"].items() if k not in WHOLE_DATA_ENV}
                return start_kernel(*args, **kwargs)

            km.start_kernel = start_scoped_blind
            app = self.app
            find = app.find_handler

            def guarded(request, **kwargs):
                given = request.headers.get(GATE_HEADER, "").encode()
                if not hmac.compare_digest(given, key):
                    return app.get_handler_delegate(request, Refused)
                return find(request, **kwargs)

            app.find_handler = guarded
            super().listen()

    GatedVoila.launch_instance(argv)


if __name__ == "__main__":
    gated_voila()
