"""Where a planner's page gets its data: the published version, a saved version or an uploaded file (the
picker, read and checked uploads, the versions listing), and saving a page's result as a version."""
from __future__ import annotations

import html
import io
import logging
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as W
import pandas as pd

from .. import contract
from ..core.i18n import t
from ..core.limits import limits
from ..scenarios.store import StoreError, open_store
from ..contract import WorkbookError
from .serving import beijing_time, local_planner, store_path

log = logging.getLogger("planning.apps")



class UploadRefused(ValueError):
    """An uploaded file that cannot be used: ``reason`` (one sentence) and, for a workbook with problems,
    ``items`` (its problems as sentences)."""

    def __init__(self, reason: str, items: list[str] | None = None):
        super().__init__(reason)
        self.reason, self.items = reason, list(items or [])


def read_upload(name: str, content: bytes, lang: str):
    """A workbook uploaded through a page (``.xlsx`` or a zipped folder of CSVs), loaded in memory.

    The file is written to a private temporary folder only for the loader and removed at once;
    its ``source`` is the planner's own file name. Raises :class:`UploadRefused` (with the
    workbook's problems as sentences, in the planner's file name) when it cannot be used.
    """
    tmp = Path(tempfile.mkdtemp(prefix="planning-upload-"))
    suffix = Path(name).suffix.lower()
    path = tmp
    try:
        if len(content) > limits().file_bytes:
            raise UploadRefused(t("cov.upload_big", lang, mb=len(content) >> 20, limit=limits().file_bytes >> 20))
        if suffix == ".xlsx":
            # the planner's own file name in every message (only its last part, made safe for a path)
            safe = re.sub(r"[\x00-\x1f/\\:*?\"<>|]", "_", Path(name).name)[:120] or "upload.xlsx"
            path = tmp / (safe if safe.lower().endswith(".xlsx") else safe + ".xlsx")
            path.write_bytes(content)
        elif suffix == ".zip":
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as z:
                    members = [i for i in z.infolist() if i.filename.lower().endswith(".csv")
                               and not i.filename.startswith("__MACOSX") and ".." not in i.filename
                               and not i.filename.startswith("/")]
                    lim = limits()
                    unpacked = sum(i.file_size for i in members)
                    if unpacked > lim.unpacked_bytes:  # refused before anything is inflated
                        raise UploadRefused(t("cov.upload_unpacked", lang, mb=unpacked >> 20,
                                              limit=lim.unpacked_bytes >> 20))
                    seen: dict[str, str] = {}
                    for i in members:
                        base = Path(i.filename).name
                        if base.lower() in seen:  # two folders' people.csv: never the later silently
                            raise UploadRefused(t("cov.upload_twice", lang, a=seen[base.lower()], b=i.filename))
                        seen[base.lower()] = i.filename
                        with z.open(i) as src, open(tmp / base, "wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
            except zipfile.BadZipFile as e:
                raise UploadRefused(str(e))
            if not members:
                raise UploadRefused(t("cov.upload_nocsv", lang))
        else:
            raise UploadRefused(t("cov.upload_kind", lang))
        try:
            wb = contract.load_workbook(path)
        except WorkbookError as e:
            raise UploadRefused(name, [s.replace(str(path), name).replace(str(tmp), name)
                                       for s in e.sentences(lang)]) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the workbook is in memory; the copy on disk goes
    wb.source = name
    wb.upload_notes = [n.sentence(lang).replace(str(path), name) for n in wb.notes]
    return wb


def saved_versions_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["name", "version", "author", "saved_at", "note", "origin", "published", "plan"])


def saved_versions(store) -> pd.DataFrame:
    """Every version in the store that is not deleted, newest first.

    Columns ``name, version, author, saved_at, note, origin, published, plan``.
    """
    cols = ["name", "version", "author", "saved_at", "note", "origin", "published", "plan"]
    sc = store.scenarios()
    frames = [store.versions(n).assign(name=n) for n in sc["name"]]
    frames = [f for f in frames if len(f)]
    if not frames:
        return saved_versions_empty()
    out = pd.concat(frames, ignore_index=True)[cols]
    return out.sort_values(["saved_at", "name", "version"], ascending=[False, True, False]).reset_index(drop=True)


#: the data source picker's value for what the page shows by default: the published version (or the office's data)
DEFAULT_SOURCE = ("published",)


class DataSources:
    """The data source picker and version saving of a planner's page (mixed into :class:`~planning.apps.base.App`)."""

    @contextmanager
    def using_store(self):
        """The scenario store: the one given, else opened for this use and closed after it."""
        if self._store is not None:
            yield self._store
            return
        store = open_store(lang=self.lang)
        try:
            yield store
        finally:
            store.close()

    def source_version(self) -> tuple[str, int] | None:
        """The scenario version the page computes on (picked, or the published one shown), or None."""
        sc = self.scenario
        if sc is not None and sc.workbook is self.full_wb:
            return sc.name, int(sc.version)
        return None

    def suggested_name(self) -> str:
        """A name to save under: the source's scenario, or the uploaded file's name without its suffix."""
        v = self.source_version()
        if v is not None:
            return v[0]
        if self.source[0] == "upload":
            return Path(self.source[1]).stem[:80]
        return ""

    def save_version(self, name: str, wb, status: W.HTML, saved_key: str, *, plan=None, note: str = "",
                     decisions=None, onto_latest: bool = False, fresh: bool = False) -> int | None:
        """Save ``wb`` as a scenario version authored by the sign-in name; say the outcome in ``status``.

        A planner's act: None for anyone else. Saved under the source's scenario name, it is
        the next version over the source version (over this page's own last save once there
        is one); under a new name, a new scenario. ``onto_latest`` saves over the scenario's
        latest version when another name exists (a further version) instead of refusing it;
        ``fresh`` saves a new scenario only (a name that exists is refused).
        The page it was saved from is recorded with it. A store error (a taken or bad name,
        a newer version saved meanwhile, the store unreachable) is one sentence in
        ``status``; nothing is saved then.
        """
        if not self.planner:
            return None
        name = (name or "").strip()
        try:
            with self.using_store() as store:
                base = None
                src = self.source_version()
                if fresh:
                    pass
                elif self._last_saved is not None and self._last_saved[0] == name:
                    base = self._last_saved[1]
                elif src is not None and src[0] == name:
                    base = src[1]
                elif onto_latest:
                    sc = store.scenarios()
                    if name in set(sc["name"]):
                        base = int(sc.loc[sc["name"].eq(name), "latest"].iloc[0])
                v = store.save(name, wb, plan=plan, author=(self.viewer or local_planner()).name, note=note,
                               base=base, decisions=decisions, origin=self.page)
        except StoreError as e:
            status.value = f"<span class='problems'>{html.escape(str(e))}</span>"
            return None
        self._last_saved = (name, int(v))
        status.value = f"<span class='app-sub saved-version'>{html.escape(self.t(saved_key, name=name, v=v))}</span>"
        self.refresh_sources()
        return v

    # --- the data source picker (planners only) -----------------------------------------------------
    def _store_versions(self) -> pd.DataFrame:
        """The saved versions the picker offers (none when there is no store yet: it is never created here)."""
        sp = store_path()
        if self._store is None and sp is not None and not sp.exists():
            return saved_versions_empty()
        try:
            with self.using_store() as store:
                return saved_versions(store)
        except StoreError as e:
            log.error("the scenario store cannot be read: %s", e)
            return saved_versions_empty()

    def version_label(self, r) -> str:
        """One saved version in words: name, version, author, date, note (and the page it came from)."""
        origin = self.t(f"src.origin.{r.origin}") if r.origin else ""
        note = str(r.note or "").strip()
        note = note if len(note) <= 40 else note[:39] + "…"
        text = self.t("src.version", name=r.name, v=int(r.version), author=r.author, when=beijing_time(r.saved_at, self.lang))
        extra = "；".join(x for x in (origin, note) if x) if self.lang == "zh" else "; ".join(
            x for x in (origin, note) if x)
        return (text + (f" · {extra}" if extra else "") + (self.t("src.is_published") if r.published else ""))

    def source_options(self) -> list:
        opts = [(self.t("src.default", what=self._default_name or self.t("app.unnamed")), DEFAULT_SOURCE)]
        opts += [(self.version_label(r), ("version", r.name, int(r.version)))
                 for r in self._store_versions().itertuples()]
        opts += [(self.t("src.upload_item", name=n), ("upload", n)) for n in self._uploads]
        if self.source not in {v for _, v in opts}:  # a version deleted meanwhile stays while it is shown
            opts.append((self.data_name(), self.source))
        return opts

    def _build_source_picker(self):
        if not (self.pick_source and self.planner) or self.refusal() is not None:
            return
        if self.source_box is None:
            self.source_pick = W.Dropdown(description=self.t("src.pick"), layout=W.Layout(width="720px"))
            self.source_pick.style.description_width = "90px"
            self.source_pick.add_class("source-pick")
            self.upload = W.FileUpload(accept=".xlsx,.zip", multiple=False, description=self.t("cov.upload"),
                                       tooltip=self.t("cov.upload"), icon="", layout=W.Layout(width="320px"))
            self.upload.add_class("upload")
            self.upload.observe(self._on_upload, "value")
            self.source_status = W.HTML()
            self.source_status.add_class("source-status")
            self.source_box = W.VBox([W.HBox([self.source_pick, self.upload],
                                             layout=W.Layout(flex_flow="row wrap", align_items="center")),
                                      self.source_status])
            self.source_box.add_class("source-picker")
            self._picking = False
            self.source_pick.observe(self._on_pick, "value")
            kids = list(self.root.children)
            kids.insert(kids.index(self.status) + 1, self.source_box)
            self.root.children = tuple(kids)
        self.source_pick.description = self.t("src.pick")
        self.upload.description = self.t("cov.upload")
        self.refresh_sources()

    def refresh_sources(self):
        """The picker's options again (after a save, an upload or a language switch), keeping the choice."""
        if self.source_box is None:
            return
        self._picking = True
        try:
            self.source_pick.options = self.source_options()
            self.source_pick.value = self.source
        finally:
            self._picking = False

    def _on_pick(self, change):
        if self._picking or change["new"] is None or change["new"] == self.source:
            return
        self.choose_source(change["new"])

    def _on_upload(self, change):
        files = change["new"]
        if files:
            self.load_upload(files[0]["name"], bytes(files[0]["content"]))

    def load_upload(self, name: str, content: bytes) -> bool:
        """Take an uploaded workbook as the page's source; its problems are listed and nothing changes."""
        if not self.planner or self.source_box is None:
            return False
        try:
            wb = read_upload(name, content, self.lang)
        except UploadRefused as e:
            items = "".join(f"<li>{html.escape(x)}</li>" for x in e.items)
            self.source_status.value = (f"<div class='problems upload-problems'><b>"
                                        f"{html.escape(self.t('cov.upload_bad', reason=e.reason))}</b>"
                                        + (f"<ul>{items}</ul>" if items else "") + "</div>")
            return False
        self._uploads[name] = wb
        self.choose_source(("upload", name))
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in getattr(wb, "upload_notes", []))
        self.source_status.value = (f"<div class='app-sub uploaded'>{html.escape(self.t('cov.uploaded', name=name))}"
                                    + (f"<ul class='upload-notes'>{notes}</ul>" if notes else "") + "</div>")
        return True

    def choose_source(self, source) -> bool:
        """Compute the page on ``source``: :data:`DEFAULT_SOURCE`, ``("version", name, v)`` or
        ``("upload", file name)`` (a file uploaded on this page). A planner's act; a version that cannot be
        loaded is said in the picker's line and nothing changes."""
        if not self.planner or self.source_box is None:
            return False
        source = tuple(source)
        if source == DEFAULT_SOURCE:
            self.full_wb, self.scenario, self._load_error, self.problems = self._given_wb, None, None, []
        elif source[0] == "version":
            try:
                with self.using_store() as store:
                    sc = store.load(source[1], int(source[2]))
            except StoreError as e:
                self.source_status.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
                self.refresh_sources()
                return False
            self.full_wb, self.scenario, self._load_error, self.problems = sc.workbook, sc, None, []
        elif source[0] == "upload" and source[1] in self._uploads:
            self.full_wb, self.scenario, self._load_error, self.problems = self._uploads[source[1]], None, None, []
        else:
            return False
        self.source = source
        self._last_saved = None
        self.source_status.value = ""
        self.source_changed()
        self.render()
        return True

    def source_changed(self):
        """What a page forgets when its source changes (runs, changes, proposals). Default: nothing."""
