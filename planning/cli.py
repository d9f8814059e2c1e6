"""The ``planning`` command line.

Bad input gives plain sentences on stderr and a non-zero exit, never a
traceback. ``--lang en`` (or ``PLANNING_LANG=en``) switches to English.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .i18n import t

ROOT = Path(__file__).resolve().parent.parent
EXIT_BAD_INPUT = 2


def _load(path, lang):
    from .workbook import WorkbookError, load_workbook

    try:
        return load_workbook(path)
    except WorkbookError as e:
        print(e.text(lang), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def cmd_check(args):
    from .summary import summary_text

    wb = _load(args.path, args.lang)
    print(t("summary.ok", args.lang))
    print(summary_text(wb, args.lang))
    return 0


def cmd_summary(args):
    from .summary import summary_text

    wb = _load(args.path, args.lang)
    print(summary_text(wb, args.lang, detail=True))
    return 0


def cmd_template(args):
    from .template import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(("输出文件应以 .xlsx 结尾：" if (args.lang or "zh") == "zh" else "The output must end in .xlsx: ")
              + str(out), file=sys.stderr)
        return EXIT_BAD_INPUT
    write_template(out)
    print(t("cli.template_written", args.lang, path=out))
    return 0


def cmd_gaps(args):
    import pandas as pd

    from .core.clock import today
    from .coverage import largest_gaps
    from .reports import labelled, write_gaps_report

    lang = args.lang
    month = today()
    if args.month:
        try:
            month = pd.Timestamp(pd.Period(args.month, freq="M").start_time)
        except (ValueError, TypeError):
            print(t("cov.cli.bad_month", lang, value=args.month), file=sys.stderr)
            return EXIT_BAD_INPUT
    month = month.to_period("M").to_timestamp()
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        print(t("cov.cli.bad_out", lang, path=args.out), file=sys.stderr)
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    gaps = largest_gaps(wb, month, by=args.by, n=None)
    label = month.strftime("%Y-%m")
    if gaps.empty:
        print(t("cov.cli.none", lang, month=label))
    else:
        print(t("cov.cli.header", lang, month=label, by=t(f"by.{args.by}", lang), n=len(gaps),
                gap=int(gaps["gap"].sum())))
        view = labelled(gaps.head(args.top).drop(columns=["month"], errors="ignore"), wb, lang)
        with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                               "display.max_columns", 20):
            print(view.to_string(index=False))
    if args.out:
        path = write_gaps_report(wb, args.out, month, args.by, lang)
        print(t("cov.cli.written", lang, path=path))
    return 0


def cmd_allocate(args):
    import pandas as pd

    from .allocation import PlanError, allocate, summary_text
    from .roster import write_rosters
    from .workbook import save_workbook

    lang = args.alloc_lang or args.lang
    if lang:
        os.environ["PLANNING_LANG"] = lang
    window = None
    if args.window:
        parts = args.window.split(":")
        try:
            if len(parts) != 2:
                raise ValueError(args.window)
            window = tuple(pd.Timestamp(x) if x.strip() else None for x in parts)
        except ValueError:
            print(t("alloc.cli.bad_window", lang, value=args.window), file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        print(t("alloc.cli.bad_out", lang, path=args.out), file=sys.stderr)
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    try:
        plan = allocate(wb, window=window, time_limit=args.time_limit, lang=lang)
    except PlanError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(summary_text(plan, lang))
    if args.out:
        path = save_workbook(plan.workbook, args.out)
        write_rosters(plan, path, lang)
        print(t("alloc.cli.written", lang, path=path))
    return 0


def cmd_report(args):
    from .reports import report_figures, scenario_html, scenario_report

    lang = args.lang
    out, page = args.out, args.html
    if out is None and page is None:
        out = "report.xlsx"
    if out and Path(out).suffix.lower() != ".xlsx":
        print(t("report.cli.bad_out", lang, path=out), file=sys.stderr)
        return EXIT_BAD_INPUT
    if page and Path(page).suffix.lower() not in (".html", ".htm"):
        print(t("report.cli.bad_html", lang, path=page), file=sys.stderr)
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    for label, value, _ in report_figures(wb, title=args.title, lang=lang):
        value = f"{value:,}" if isinstance(value, int) else value
        print(f"{label}：{value}" if (lang or "zh") == "zh" else f"{label}: {value}")
    for target, write in ((out, lambda p: scenario_report(wb, p, title=args.title, lang=lang)),
                          (page, lambda p: Path(p).write_text(scenario_html(wb, title=args.title, lang=lang),
                                                              encoding="utf-8"))):
        if not target:
            continue
        try:
            write(target)
        except OSError as e:
            print(t("report.cli.cannot_write", lang, path=target, reason=e.strerror or e), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(t("report.cli.written", lang, path=target))
    return 0


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
    return dest


LANDING = "overview.ipynb"
LANDING_POOL = 20     # preheated kernels kept ready for the landing page: a meeting's worth of viewers at once
PAGE_POOL = 1         # and for every other page, so that following a link is quick too
FILL_DELAY = 5        # seconds before Voila replaces a pooled kernel a viewer took: a burst is served first
CULL_INTERVAL = 60    # idle kernels of viewers who left are shut down after CULL_IDLE seconds
CULL_IDLE = 300
IOPUB_TIMEOUT = 60    # seconds Voila waits for a cell's outputs after its reply (see voila_config)


def kernel_pools(landing_pool: int = LANDING_POOL, page_pool: int = PAGE_POOL) -> dict:
    """Voila's ``VoilaKernelManager.kernel_pools_config``: preheated kernels per notebook."""
    return {"default": {"pool_size": page_pool}, LANDING: {"pool_size": landing_pool}}


def voila_config(pool: int = LANDING_POOL) -> dict:
    """Voila settings beyond the command line: the kernel pools (none when ``pool`` is 0) and the executor.

    ``iopub_timeout``: after a cell's reply, how long Voila waits for the cell's
    outputs. Its default (4 s) is too short when many pages start at once on a
    small machine: the output is dropped and the page stays empty.
    """
    config = {"VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT}}
    if pool > 0:
        config["VoilaConfiguration"] = {"preheat_kernel": True}
        config["VoilaKernelManager"] = {"kernel_pools_config": kernel_pools(pool), "fill_delay": FILL_DELAY}
    return config


def voila_command(port: int, notebooks: Path, pool: int = LANDING_POOL, config_dir: Path | None = None) -> list[str]:
    """The Voila command line ``planning serve`` runs.

    With ``pool`` > 0, Voila keeps ``pool`` kernels for the landing page (and
    :data:`PAGE_POOL` for every other page) started and run up to the point where
    the page waits for its viewer (:func:`planning.apps.base.wait_for_viewer`), and
    starts a replacement :data:`FILL_DELAY` seconds after one is taken. ``pool=0``:
    every page view starts its own kernel. The settings of :func:`voila_config` go to ``voila.json``
    in ``config_dir`` (a new temporary folder if not given), read before the usual
    places (the project folder, where ``planning serve`` runs Voila, and the Jupyter config path).
    """
    import json
    import tempfile

    from jupyter_core.paths import jupyter_config_path

    cmd = [
        sys.executable, "-m", "voila", str(notebooks),
        "--no-browser", "--template=offline",
        "--Voila.ip=127.0.0.1", f"--Voila.port={port}", "--Voila.port_retries=0",
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
    (config_dir / "voila.json").write_text(json.dumps(voila_config(pool), indent=1), encoding="utf-8")
    return cmd + [f"--Voila.config_file_paths={p}" for p in [config_dir, ROOT, *jupyter_config_path()]]


def cmd_serve(args):
    notebooks = Path(args.notebooks or ROOT / "notebooks")
    if not notebooks.is_dir():
        print(t("cli.no_notebooks", args.lang, path=notebooks), file=sys.stderr)
        return EXIT_BAD_INPUT
    data = Path(args.data).resolve() if args.data else None
    if data is not None:
        _load(data, args.lang)  # refuse to serve a broken workbook
    env = dict(os.environ)
    import tempfile

    tmp = offline_template(Path(tempfile.mkdtemp(prefix="planning-voila-")))
    env["JUPYTER_PATH"] = os.pathsep.join([str(tmp)] + [p for p in [env.get("JUPYTER_PATH")] if p])
    if data is not None:
        env["PLANNING_DATA"] = str(data)
    if args.lang:
        env["PLANNING_LANG"] = args.lang
    print(t("cli.serving", args.lang, port=args.port, data=data or "sample"), flush=True)
    try:
        return subprocess.call(voila_command(args.port, notebooks, args.pool, tmp), env=env, cwd=str(ROOT))
    except KeyboardInterrupt:
        return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planning", description="对口支援规划工作簿 / counterpart-support planning")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="language of messages (default zh)")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="validate a workbook")
    c.add_argument("path")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("summary", help="summarise a workbook")
    s.add_argument("path")
    s.set_defaults(func=cmd_summary)
    tp = sub.add_parser("template", help="write the empty template workbook")
    tp.add_argument("out")
    tp.set_defaults(func=cmd_template)
    g = sub.add_parser("gaps", help="coverage gaps: largest gaps and an Excel report")
    g.add_argument("path")
    g.add_argument("--month", default=None, help="YYYY-MM (default: this month)")
    g.add_argument("--by", choices=["unit", "county", "prefecture", "sector", "sender"], default="unit")
    g.add_argument("--top", type=int, default=20, help="rows to print (default 20)")
    g.add_argument("--out", default=None, help="write the formatted report to this .xlsx")
    g.set_defaults(func=cmd_gaps)
    al = sub.add_parser("allocate", help="plan who goes where; print a summary, optionally write the plan")
    al.add_argument("path")
    al.add_argument("--window", default=None, help="START:END dates (either may be empty; default: from today)")
    al.add_argument("--out", default=None, help="write the workbook with the plan and roster sheets to this .xlsx")
    al.add_argument("--time-limit", dest="time_limit", type=float, default=None, help="solver seconds")
    al.add_argument("--lang", dest="alloc_lang", choices=["zh", "en"], default=None, help=argparse.SUPPRESS)
    al.set_defaults(func=cmd_allocate)
    rp = sub.add_parser("report", help="the printable scenario report: Excel (and an HTML page)")
    rp.add_argument("path")
    rp.add_argument("--out", default=None, help="write the Excel report to this .xlsx (default report.xlsx)")
    rp.add_argument("--html", default=None, help="write the same report as one self-contained .html page")
    rp.add_argument("--title", default=None, help="scenario name and version shown on the report")
    rp.set_defaults(func=cmd_report)
    sv = sub.add_parser("serve", help="serve the dashboards with Voila on 127.0.0.1")
    sv.add_argument("--port", type=int, default=8866)
    sv.add_argument("--data", default=None, help="workbook to show (default: the shipped sample)")
    pool = os.environ.get("PLANNING_POOL", "")
    sv.add_argument("--pool", type=int, default=int(pool) if pool.strip().isdigit() else LANDING_POOL,
                    help=f"preheated kernels for the landing page (default PLANNING_POOL or {LANDING_POOL}; "
                         f"0: none, for any page)")
    sv.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    sv.set_defaults(func=cmd_serve)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.lang:
        os.environ["PLANNING_LANG"] = args.lang
    try:
        code = args.func(args) or 0
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
        return code
    except SystemExit as e:
        return int(e.code or 0)
    except BrokenPipeError:
        # the reader went away (``planning summary … | head``): stop quietly, as other commands do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
