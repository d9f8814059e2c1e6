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

from .core.i18n import fmt_month, t
from .office.voila import (  # noqa: F401  (kept importable from here)
    LANDING,
    LANDING_POOL,
    PAGE_POOL,
    kernel_pools,
    offline_template,
    voila_command,
    voila_config,
)

ROOT = Path(__file__).resolve().parent.parent
EXIT_BAD_INPUT = 2


def _load(path, lang):
    from .contract import WorkbookError, load_workbook

    try:
        return load_workbook(path)
    except WorkbookError as e:
        print(e.text(lang), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


_WRITE_REASONS = {  # errno → the reason in the reader's words
    "EACCES": "cli.write.denied", "EPERM": "cli.write.denied", "ENOTDIR": "cli.write.not_dir",
    "EEXIST": "cli.write.not_dir", "EISDIR": "cli.write.is_dir", "ENOTEMPTY": "cli.write.is_dir",
    "ENOSPC": "cli.write.no_space", "EDQUOT": "cli.write.no_space", "EROFS": "cli.write.read_only",
    "ENOENT": "cli.write.missing", "ENAMETOOLONG": "cli.write.too_long",
}


def write_failed(path, e: OSError, lang) -> str:
    """The sentence for an output that cannot be written: where, and why in the reader's words."""
    import errno

    key = _WRITE_REASONS.get(errno.errorcode.get(e.errno or 0, ""))
    reason = t(key, lang) if key else (e.strerror or type(e).__name__)
    return t("cli.cannot_write", lang, path=path, reason=reason)


def overwrites_input(target, inputs) -> str | None:
    """The input ``target`` would overwrite (itself, through a link or a hard link, or a file
    inside an input folder), or None.

    >>> import tempfile, os
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "wb.xlsx").write_text("x"); os.symlink(d / "wb.xlsx", d / "out.xlsx")
    >>> overwrites_input(d / "out.xlsx", [d / "wb.xlsx"]) == str(d / "wb.xlsx")
    True
    >>> overwrites_input(d / "report.xlsx", [d / "wb.xlsx"]) is None
    True
    """
    out = Path(target).resolve()
    for given in inputs:
        if not given:
            continue
        src = Path(given).resolve()
        same = out == src or (out.exists() and src.exists() and os.path.samefile(out, src))
        if same or (src.is_dir() and src in out.parents):
            return str(given)
    return None


def refused_output(target, inputs, lang) -> bool:
    """Say why ``target`` may not be written (it is an input, or a link to nowhere); True if so.

    Commands ask before they work, so a refused output costs nothing and changes nothing.
    """
    if not target:
        return False
    clobbered = overwrites_input(target, inputs)
    if clobbered is not None:
        print(t("cli.out_is_input", lang, path=target, input=clobbered), file=sys.stderr)
        return True
    if Path(target).is_symlink() and not Path(target).exists():
        print(t("cli.out_dangling_link", lang, path=target, to=os.readlink(target)), file=sys.stderr)
        return True
    return False


def _write_out(target, lang, write, inputs=()):
    """Write ``target`` whole through ``write(temporary path)``; the path, or None after saying why not.

    An output that is one of the command's ``inputs`` (or resolves to one, or lies inside an
    input folder) is refused: a report never replaces the workbook it was made from. A link
    that points nowhere is refused rather than followed out of the folder. The file appears
    only complete (:func:`planning.outputs.excel.written`): when it cannot be written (no
    permission, a file in the way of a folder, a folder in the way of the file, the disk full)
    one sentence goes to stderr and nothing is left behind.
    """
    from .outputs.excel import written

    if refused_output(target, inputs, lang):
        return None
    import gc

    hook = sys.unraisablehook
    # a writer stopped half-way (the disk full) leaves its zip open; when it is collected its own close
    # fails again and Python prints "Exception ignored in ZipFile.__del__" with a traceback: the sentence
    # below has said it already
    sys.unraisablehook = lambda u: None if isinstance(u.exc_value, OSError) else hook(u)
    try:
        try:
            with written(target) as tmp:
                write(tmp)
        except OSError as e:
            print(write_failed(target, e, lang), file=sys.stderr)
            return None
    finally:
        gc.collect()
        sys.unraisablehook = hook
    return Path(target)


def _say_cleaned(wb, lang) -> None:
    """Say how many text values lost control characters when written (none: nothing said)."""
    from .core.text import control_count

    n = control_count(wb.tables())
    if n:
        print(t("cli.cleaned", lang, n=n))


def cmd_check(args):
    from .outputs.summary import reminder_count, summary_text

    wb = _load(args.path, args.lang)
    n = reminder_count(wb)
    print(t("summary.ok_reminders", args.lang, n=n) if n else t("summary.ok", args.lang))
    for note in wb.notes:  # names read as ids: accepted, and said
        print(note.sentence(args.lang))
    print(summary_text(wb, args.lang))
    return 0


def cmd_summary(args):
    from .outputs.summary import summary_text

    wb = _load(args.path, args.lang)
    print(summary_text(wb, args.lang, detail=True))
    return 0


def cmd_template(args):
    from .contract.template import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(("输出文件应以 .xlsx 结尾：" if (args.lang or "zh") == "zh" else "The output must end in .xlsx: ")
              + str(out), file=sys.stderr)
        return EXIT_BAD_INPUT
    if _write_out(out, args.lang, write_template) is None:
        return EXIT_BAD_INPUT
    print(t("cli.template_written", args.lang, path=out))
    return 0


def cmd_gaps(args):
    import pandas as pd

    from .core.clock import today
    from .programme.coverage import largest_gaps
    from .outputs.reports import labelled, write_gaps_report

    lang = args.lang
    month = today()
    if args.month:
        from .core.clock import EARLIEST, LATEST

        try:
            month = pd.Timestamp(pd.Period(args.month, freq="M").start_time)
            if not EARLIEST <= month <= LATEST:  # the days a workbook may name
                raise ValueError(args.month)
        except (ValueError, TypeError):
            print(t("cov.cli.bad_month", lang, value=args.month), file=sys.stderr)
            return EXIT_BAD_INPUT
    month = month.to_period("M").to_timestamp()
    if args.top < 1:
        print(t("cov.cli.bad_top", lang, value=args.top), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        print(t("cov.cli.bad_out", lang, path=args.out), file=sys.stderr)
        return EXIT_BAD_INPUT
    if refused_output(args.out, [args.path], lang):
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    gaps = largest_gaps(wb, month, by=args.by, n=None)
    label = fmt_month(month, lang)  # the month as the pages write it
    if gaps.empty:
        print(t("cov.cli.none", lang, month=label))
    else:
        print(t("cov.cli.header", lang, month=label, by=t(f"by.{args.by}", lang), n=len(gaps),
                gap=int(gaps["gap"].sum())))
        view = labelled(gaps.head(args.top).drop(columns=["month"], errors="ignore"), wb, lang)
        with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                               "display.max_columns", 20):
            print(view.to_string(index=False))
        if len(gaps) > args.top:  # say the table is cut, and by how much
            print(t("cov.cli.shown", lang, n=args.top, total=len(gaps)))
    if args.out:
        path = _write_out(args.out, lang, lambda p: write_gaps_report(wb, p, month, args.by, lang),
                          inputs=[args.path])
        if path is None:
            return EXIT_BAD_INPUT
        _say_cleaned(wb, lang)
        print(t("cov.cli.written", lang, path=path))
    return 0


def cmd_packages(args):
    """One package per host unit (its people, gaps, coming term ends and next-batch drafts), or a reply taken in."""
    from .outputs.packages import ReplyError, merge_reply, write_unit_packages
    from .contract import save_workbook

    lang = args.lang
    if args.reply and refused_output(args.out, [args.path, args.reply], lang):
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    if args.senders or args.sender:
        return _sender_packages(args, wb, lang)
    if getattr(args, "assessments", None):
        return _assessment_sheets(args, wb, lang)
    if args.reply:
        if not args.unit or not args.out:
            print(t("pkg.cli.reply_needs", lang), file=sys.stderr)
            return EXIT_BAD_INPUT
        known = set(wb.units.loc[wb.units["side"].eq("host"), "id"])
        if args.unit not in known:
            print(t("pkg.cli.unknown_units", lang, units=args.unit), file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            merged = merge_reply(wb, args.reply, args.unit, lang)  # its posts sheet and indicators sheet
        except ReplyError as e:
            print(str(e), file=sys.stderr)
            return EXIT_BAD_INPUT
        path = _write_out(args.out, lang, lambda p: save_workbook(
            merged, p, headers="zh" if str(args.out).lower().endswith(".xlsx") else "en"), inputs=[args.path, args.reply])
        if path is None:
            return EXIT_BAD_INPUT
        _say_cleaned(merged, lang)
        from .core.names import names

        print(t("pkg.cli.merged", lang, unit=str(names(wb).get(args.unit, args.unit)), path=path))
        return 0
    known = set(wb.units.loc[wb.units["side"].eq("host"), "id"])
    units = args.units.split(",") if args.units else None
    bad = [u for u in (units or []) if u not in known]
    if bad:
        print(t("pkg.cli.unknown_units", lang, units="、".join(bad)), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        paths = write_unit_packages(wb, args.out or "packages", units, lang=lang)
    except OSError as e:  # each package is written whole or not at all
        print(write_failed(getattr(e, "filename", None) or args.out or "packages", e, lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    _say_cleaned(wb, lang)
    print(t("pkg.cli.written", lang, n=len(paths), folder=args.out or "packages"))
    return 0


def _assessment_sheets(args, wb, lang) -> int:
    """``packages --assessments PERIOD``: one assessment sheet per host unit or team, or (``--reply``) one taken in."""
    from .outputs.packages import ReplyError, merge_assessment_reply, write_assessment_sheets
    from .contract import save_workbook
    from .contract.results_rules import period_ok
    import pandas as pd

    period = str(args.assessments)
    if not bool(period_ok(pd.Series([period])).iloc[0]):
        print(t("pkg.assess.bad_period", lang, value=period).rstrip("；;"), file=sys.stderr)
        return EXIT_BAD_INPUT
    known = set(wb.units.loc[wb.units["side"].eq("host"), "id"]) | set(wb.teams["id"])
    if args.reply:
        if not args.unit or not args.out:
            print(t("pkg.cli.reply_needs", lang), file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.unit not in known:
            print(t("pkg.assess.cli.unknown", lang, units=args.unit), file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            merged = merge_assessment_reply(wb, args.reply, args.unit, lang)
        except ReplyError as e:
            print(str(e), file=sys.stderr)
            return EXIT_BAD_INPUT
        path = _write_out(args.out, lang, lambda p: save_workbook(merged, p))
        if path is None:
            return EXIT_BAD_INPUT
        print(t("pkg.assess.cli.merged", lang, unit=args.unit, path=path))
        return 0
    hosts = args.units.split(",") if args.units else None
    bad = [u for u in (hosts or []) if u not in known]
    if bad:
        print(t("pkg.assess.cli.unknown", lang, units="、".join(bad)), file=sys.stderr)
        return EXIT_BAD_INPUT
    folder = args.out or "packages"
    try:
        paths = write_assessment_sheets(wb, folder, period, hosts, lang=lang)
    except OSError as e:  # each sheet is written whole or not at all
        print(write_failed(getattr(e, "filename", None) or folder, e, lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(t("pkg.assess.cli.written", lang, n=len(paths), period=period, folder=folder))
    return 0


def _sender_packages(args, wb, lang) -> int:
    """``packages --senders``: one package per sender; ``--reply FILE --sender S``: a sender's nominations taken in."""
    from .contract import save_workbook
    from .core.names import names
    from .outputs.packages import ReplyError
    from .outputs.sender_packages import merge_sender_reply, write_sender_packages

    known = set(wb.regions.loc[wb.regions["side"].eq("sending"), "id"]) | set(
        wb.units.loc[wb.units["side"].eq("sending"), "id"])
    if args.reply:
        if not args.sender or not args.out:
            print(t("spkg.cli.reply_needs", lang), file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.sender not in known:
            print(t("spkg.cli.unknown_senders", lang, senders=args.sender), file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            merged = merge_sender_reply(wb, args.reply, args.sender, lang)
        except ReplyError as e:
            print(str(e), file=sys.stderr)
            return EXIT_BAD_INPUT
        path = _write_out(args.out, lang, lambda p: save_workbook(merged, p))
        if path is None:
            return EXIT_BAD_INPUT
        _say_cleaned(merged, lang)
        print(t("spkg.cli.merged", lang, sender=names(wb).get(args.sender, args.sender), path=path))
        return 0
    senders = args.units.split(",") if args.units else None
    bad = [s for s in (senders or []) if s not in known]
    if bad:
        print(t("spkg.cli.unknown_senders", lang, senders="、".join(bad)), file=sys.stderr)
        return EXIT_BAD_INPUT
    out = args.out or "packages"
    try:
        paths = write_sender_packages(wb, out, senders, lang=lang)
    except OSError as e:  # each package is written whole or not at all
        print(write_failed(getattr(e, "filename", None) or out, e, lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    _say_cleaned(wb, lang)
    print(t("spkg.cli.written", lang, n=len(paths), folder=out))
    return 0


def _day(text: str):
    """A day given on the command line (as a workbook writes it), within the days a workbook may name."""
    import pandas as pd

    from .core.clock import EARLIEST, LATEST

    day = pd.Timestamp(text.strip()).normalize()
    if not EARLIEST <= day <= LATEST:
        raise OutOfRange(text)
    return day


def _range() -> tuple[str, str]:
    from .core.clock import EARLIEST, LATEST

    return str(EARLIEST.date()), str(LATEST.date())


class OutOfRange(ValueError):
    """A day given on the command line that is a date, but outside the days a workbook may name."""


def cmd_allocate(args):
    from .allocation import PlanError, allocate, summary_text
    from .outputs.roster import write_rosters
    from .contract import save_workbook

    lang = args.alloc_lang or args.lang
    if lang:
        os.environ["PLANNING_LANG"] = lang
    window = None
    if args.window:
        parts = args.window.split(":")
        try:
            if len(parts) != 2:
                raise ValueError(args.window)
            window = tuple(_day(x) if x.strip() else None for x in parts)
        except OutOfRange as e:
            print(t("cli.day_out_of_range", lang, what="--window", value=str(e).strip(), earliest=_range()[0],
                    latest=_range()[1]), file=sys.stderr)
            return EXIT_BAD_INPUT
        except ValueError:
            print(t("alloc.cli.bad_window", lang, value=args.window), file=sys.stderr)
            return EXIT_BAD_INPUT
    planning_date = None
    if args.planning_date:
        try:
            planning_date = _day(args.planning_date)
        except OutOfRange as e:
            print(t("cli.day_out_of_range", lang, what=t("cli.dispatch_date", lang), value=str(e).strip(),
                    earliest=_range()[0], latest=_range()[1]), file=sys.stderr)
            return EXIT_BAD_INPUT
        except ValueError:
            print(t("alloc.cli.bad_planning_date", lang, value=args.planning_date), file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        print(t("alloc.cli.bad_out", lang, path=args.out), file=sys.stderr)
        return EXIT_BAD_INPUT
    if refused_output(args.out, [args.path], lang):
        return EXIT_BAD_INPUT
    wb = _load(args.path, lang)
    try:
        plan = allocate(wb, window=window, time_limit=args.time_limit, lang=lang, planning_date=planning_date)
    except PlanError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(summary_text(plan, lang))
    if args.out:
        def write(p):
            from .outputs.summary import write_sender_sheet

            out = save_workbook(plan.workbook, p, headers="zh")  # the data sheets in the template's form
            write_rosters(plan, out, lang)
            write_sender_sheet(plan, out, lang)

        path = _write_out(args.out, lang, write, inputs=[args.path])
        if path is None:
            return EXIT_BAD_INPUT
        _say_cleaned(plan.workbook, lang)
        print(t("alloc.cli.written", lang, path=path))
    return 0


def cmd_report(args):
    from .outputs.reports import report_figures, scenario_html, scenario_report

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
    if refused_output(out, [args.path], lang) or refused_output(page, [args.path], lang):
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
        if _write_out(target, lang, write, inputs=[args.path]) is None:
            return EXIT_BAD_INPUT
        print(t("report.cli.written", lang, path=target))
    return 0


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

    import signal

    # stopped by a service manager (SIGTERM) as by Ctrl-C: Voila stops and the folder below goes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="planning-voila-") as folder:  # removed when serving stops
        tmp = offline_template(Path(folder))
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


def _office(args):
    from .office.config import OfficeConfigError, read_office

    try:
        return read_office(args.config, args.lang)
    except OfficeConfigError as e:
        print(str(e), file=sys.stderr)
        return None


def cmd_office_init(args):
    from .office.config import EXAMPLE

    path = Path(args.config)
    if path.exists():
        print(t("office.cfg.unreadable", args.lang, path=path, detail="exists"), file=sys.stderr)
        return EXIT_BAD_INPUT
    path.write_text(EXAMPLE, encoding="utf-8")
    print(t("office.init", args.lang, path=path))
    return 0


def cmd_office_start(args):
    office = _office(args)
    if office is None:
        return EXIT_BAD_INPUT
    from .office.hub import chp_command

    if not chp_command().exists():
        print(t("office.no_proxy", args.lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    office.state.mkdir(parents=True, exist_ok=True)
    conf = office.state / "jupyterhub_config.py"
    conf.write_text("# written by planning office start: the office's settings are in office.toml\n"
                    "from planning.office.hub import configure\n"
                    f"configure(c, {str(office.path)!r})\n", encoding="utf-8")
    print(t("office.start", args.lang, ip=office.ip, port=office.port), flush=True)
    hub = [sys.executable, "-m", "jupyterhub", "-f", str(conf)]
    try:
        return subprocess.call(hub, cwd=str(office.state))
    except KeyboardInterrupt:
        return 0


def cmd_office_add_user(args):
    import getpass

    office = _office(args)
    if office is None:
        return EXIT_BAD_INPUT
    from .programme.access import OfficeRole
    from .office.accounts import AccountError, add_account

    units = [u for u in (args.units or "").split(",") if u.strip()]
    known = None
    if units:
        from .programme.access import host_units_of

        wb = _load(office.data or _sample(), args.lang)
        known = host_units_of(wb, wb.units["id"]) | set(wb.regions.loc[wb.regions["side"] == "host", "id"])
        if args.role == "sender":  # a sender is bound to sending regions or units
            known = set(wb.units.loc[wb.units["side"] == "sending", "id"]) | set(
                wb.regions.loc[wb.regions["side"] == "sending", "id"])
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(t("office.acct.ask_password", args.lang, name=args.name))
        if getpass.getpass(t("office.acct.again", args.lang)) != password:
            print(t("office.acct.mismatch", args.lang), file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        name = add_account(office, args.name, args.role, password, units, args.lang, known_units=known)
    except AccountError as e:
        print(str(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    role = OfficeRole(args.role.replace("-", "_"))
    print(t("office.acct.added", args.lang, name=name, role=t(f"office.role.{role}", args.lang),
            units=("：" if (args.lang or "zh") == "zh" else ": ") + "、".join(units) if units else ""))
    return 0


def cmd_office_remove_user(args):
    office = _office(args)
    if office is None:
        return EXIT_BAD_INPUT
    from .office.accounts import normalize, remove_account

    if remove_account(office, args.name):
        print(t("office.acct.removed", args.lang, name=normalize(args.name)))
        return 0
    print(t("office.acct.none", args.lang, name=normalize(args.name)), file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_office_users(args):
    office = _office(args)
    if office is None:
        return EXIT_BAD_INPUT
    from .office.accounts import accounts

    df = accounts(office)
    for r in df.itertuples():
        print(f"{r.name}\t{t(f'office.role.{r.role}', args.lang)}\t{r.units}")
    return 0


def _sample():
    from . import SAMPLE

    return SAMPLE


def _port(text: str) -> int:
    """A TCP port 1–65535 (argparse says the sentence and exits 2 otherwise)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        argv = sys.argv[1:]
        asked = argv[argv.index("--lang") + 1] if "--lang" in argv[:-1] else None  # parsed before --lang counts
        raise argparse.ArgumentTypeError(t("cli.bad_port", asked if asked in ("zh", "en") else None, port=text))
    return port


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
    pk = sub.add_parser("packages", help="one file per host unit to send it (or --reply: take a unit's reply in)")
    pk.add_argument("path")
    pk.add_argument("--out", default=None, help="folder for the packages (default packages/); with --reply, the "
                                                "merged workbook (.xlsx or a folder)")
    pk.add_argument("--units", default=None, help="host unit ids, comma-separated (default: every unit with orders)")
    pk.add_argument("--reply", default=None, help="a unit's reply (its package, next-batch posts confirmed, changed, "
                                                   "deleted or added, actuals filled in)")
    pk.add_argument("--unit", default=None, help="the host unit whose reply --reply is")
    pk.add_argument("--senders", action="store_true", help="one file per sending city or unit instead (its task, "
                                                          "people and nominations sheet; --units: sender ids)")
    pk.add_argument("--sender", default=None, help="the sender whose reply --reply is (its nominations)")
    pk.add_argument("--assessments", default=None, metavar="PERIOD",
                    help="assessment sheets for PERIOD (2026 or 2026-06) per host unit or team (--units), or with "
                         "--reply and --unit, a filled sheet taken in")
    pk.set_defaults(func=cmd_packages)
    al = sub.add_parser("allocate", help="plan who goes where; print a summary, optionally write the plan")
    al.add_argument("path")
    al.add_argument("--window", default=None, help="START:END dates (either may be empty; default: from today)")
    al.add_argument("--out", default=None, help="write the workbook with the plan and roster sheets to this .xlsx")
    al.add_argument("--time-limit", dest="time_limit", type=float, default=None, help="solver seconds")
    al.add_argument("--planning-date", dest="planning_date", default=None,
                    help="the batch's dispatch date: new postings start then (default: the window's start when it "
                         "lies ahead of today, else today)")
    al.add_argument("--lang", dest="alloc_lang", choices=["zh", "en"], default=None, help=argparse.SUPPRESS)
    al.set_defaults(func=cmd_allocate)
    rp = sub.add_parser("report", help="the printable scenario report: Excel (and an HTML page)")
    rp.add_argument("path")
    rp.add_argument("--out", default=None, help="write the Excel report to this .xlsx (default report.xlsx)")
    rp.add_argument("--html", default=None, help="write the same report as one self-contained .html page")
    rp.add_argument("--title", default=None, help="scenario name and version shown on the report")
    rp.set_defaults(func=cmd_report)
    sv = sub.add_parser("serve", help="serve the dashboards with Voila on 127.0.0.1")
    sv.add_argument("--port", type=_port, default=8866)
    sv.add_argument("--data", default=None, help="workbook to show (default: the shipped sample)")
    pool = os.environ.get("PLANNING_POOL", "")
    sv.add_argument("--pool", type=int, default=int(pool) if pool.strip().isdigit() else LANDING_POOL,
                    help=f"preheated kernels for the landing page (default PLANNING_POOL or {LANDING_POOL}; "
                         f"0: none, for any page)")
    sv.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    sv.set_defaults(func=cmd_serve)
    of = sub.add_parser("office", help="the planning office: sign-in, roles, dashboards for leaders and host units")
    osub = of.add_subparsers(dest="office_command", required=True)

    def office_cmd(name, func, help_):
        c = osub.add_parser(name, help=help_)
        c.add_argument("--config", default="office.toml", help="the office's settings (default office.toml)")
        c.set_defaults(func=func)
        return c

    office_cmd("init", cmd_office_init, "write an example office.toml")
    office_cmd("start", cmd_office_start, "start the office (JupyterHub, the dashboards, the culler)")
    au = office_cmd("add-user", cmd_office_add_user, "add an account (or change its role, units, password)")
    au.add_argument("name")
    au.add_argument("--role", required=True, choices=["planner", "leader", "host_unit", "host-unit", "sender"])
    au.add_argument("--units", default="", help="host unit or host region ids, comma separated (host units); "
                                                "sending region or unit ids (senders)")
    au.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    ru = office_cmd("remove-user", cmd_office_remove_user, "remove an account")
    ru.add_argument("name")
    office_cmd("users", cmd_office_users, "list the accounts")
    return p


def main(argv=None) -> int:
    from .cli_words import argparse_words, localized, parser_lang

    argv = sys.argv[1:] if argv is None else list(argv)
    lang = parser_lang(argv)
    try:
        with argparse_words(lang):  # help, usage and argparse's errors in the reader's language
            args = localized(build_parser(), lang).parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
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
