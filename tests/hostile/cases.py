"""Builders for the hostile-input corpus: odd workbooks made at test time, mostly from the sample.

Nothing here is checked into git as a binary: every input is written into the test's
``tmp_path`` from the sample CSV folder (``planning.SAMPLE``), from the sample saved as
.xlsx with ``planning.save_workbook``, or as a raw zip file.

Rows are named as the planner sees them in Excel: the header is row 1, the first data row
is row 2.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

import planning

SAMPLE = Path(planning.SAMPLE)
MB = 1 << 20

#: A person nobody references (no assignment, no mentorship): safe to edit in any way.
FREE_PERSON_ROW = 245  # P0244
FREE_PERSON_ID = "P0244"


# --------------------------------------------------------------------------- #
# CSV folders
# --------------------------------------------------------------------------- #
def sample_folder(tmp: Path, name: str = "wb") -> Path:
    """A writable copy of the sample CSV folder."""
    dst = Path(tmp) / name
    shutil.copytree(SAMPLE, dst)
    return dst


def read_table(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of ``table.csv`` (UTF-8, with or without BOM)."""
    text = (Path(folder) / f"{table}.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")  # quotes any cell holding \r or \n
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_table(folder: Path, table: str, header, rows, *, encoding: str = "utf-8-sig",
                filename: str | None = None) -> Path:
    path = Path(folder) / (filename or f"{table}.csv")
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


def set_cells(folder: Path, table: str, row: int, **values) -> None:
    """Overwrite cells of one data row (``row`` as in Excel: 2 is the first data row)."""
    header, rows = read_table(folder, table)
    for column, value in values.items():
        rows[row - 2][header.index(column)] = value
    write_table(folder, table, header, rows)


def row_of(folder: Path, table: str, column: str, value: str) -> int:
    """The row (as in Excel) of the first data row whose ``column`` holds ``value``."""
    header, rows = read_table(folder, table)
    i = header.index(column)
    return next(k for k, r in enumerate(rows) if r[i] == value) + 2


def cell_of(folder: Path, table: str, row: int, column: str) -> str:
    header, rows = read_table(folder, table)
    return rows[row - 2][header.index(column)]


def add_like(folder: Path, table: str, like_row: int, **values) -> int:
    """Append a copy of data row ``like_row`` with some cells changed; returns the new row's number."""
    header, rows = read_table(folder, table)
    new = list(rows[like_row - 2])
    for column, value in values.items():
        new[header.index(column)] = value
    rows.append(new)
    write_table(folder, table, header, rows)
    return len(rows) + 1


def header_only(folder: Path, table: str) -> None:
    header, _ = read_table(folder, table)
    write_table(folder, table, header, [])


def add_column(folder: Path, table: str, header_text: str, fill: str = "") -> None:
    header, rows = read_table(folder, table)
    write_table(folder, table, header + [header_text], [r + [fill] for r in rows])


def rename_header(folder: Path, table: str, old: str, new: str) -> None:
    header, rows = read_table(folder, table)
    header[header.index(old)] = new
    write_table(folder, table, header, rows)


def duplicate_column(folder: Path, table: str, column: str, new_header: str) -> None:
    """Append a second copy of ``column`` under ``new_header`` (which may repeat the header)."""
    header, rows = read_table(folder, table)
    i = header.index(column)
    write_table(folder, table, header + [new_header], [r + [r[i]] for r in rows])


def reencode(folder: Path, table: str, encoding: str, *, bom: bytes = b"") -> None:
    """Write ``table.csv`` again in another encoding (optionally with a byte-order mark)."""
    header, rows = read_table(folder, table)
    (Path(folder) / f"{table}.csv").write_bytes(bom + csv_text(header, rows).encode(encoding))


def raw_replace(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes in a file (for characters the csv module would quote or refuse)."""
    data = Path(path).read_bytes()
    assert old in data, old
    Path(path).write_bytes(data.replace(old, new, 1))


# --------------------------------------------------------------------------- #
# .xlsx files
# --------------------------------------------------------------------------- #
_BASE: dict = {}

#: The free person's row on the people sheet of ``sample_xlsx`` (the cut-down sample, see ``small_workbook``).
XLSX_FREE_ROW = 62


def sample_workbook():
    """The sample, loaded once per test session (a copy each time)."""
    if "wb" not in _BASE:
        _BASE["wb"] = planning.load_workbook(SAMPLE)
    return _BASE["wb"].copy()


def small_workbook():
    """The sample cut to its first 60 people and P0244, with the orders, assignments, mentorships and
    local staff they need and a few more: every reference still holds. Opening and saving an .xlsx with
    openpyxl costs time in proportion to its cells; the .xlsx cases edit this one to stay fast."""
    if "small" not in _BASE:
        wb = sample_workbook()
        keep = set(wb.people["id"][:60]) | {FREE_PERSON_ID}
        wb.people = wb.people[wb.people["id"].isin(keep)].reset_index(drop=True)
        wb.assignments = wb.assignments[wb.assignments["person"].isin(keep)].reset_index(drop=True)
        orders = set(wb.assignments["order"]) | set(wb.orders["id"][:40])
        wb.orders = wb.orders[wb.orders["id"].isin(orders)].reset_index(drop=True)
        m = wb.mentorships
        staff = set(wb.local_staff["id"])
        needed = set(m.loc[m["apprentice"].isin(keep), "mentor"]) & staff
        local = set(wb.local_staff["id"][:20]) | needed
        wb.local_staff = wb.local_staff[wb.local_staff["id"].isin(local)].reset_index(drop=True)
        wb.mentorships = m[m["mentor"].isin(keep | local) & m["apprentice"].isin(keep | local)].reset_index(
            drop=True)
        wb.indicators = wb.indicators.iloc[:20].reset_index(drop=True)
        wb.assessments = wb.assessments[wb.assessments["person"].isin(keep)].reset_index(drop=True)
        mu = wb.management_units  # the grid stays; leaders cut away with their people are no longer named
        wb.management_units = mu.assign(leader=mu["leader"].where(mu["leader"].isin(keep), None))
        assert wb.people["id"].tolist().index(FREE_PERSON_ID) + 2 == XLSX_FREE_ROW
        assert wb.people["id"].iloc[0] == "P0001" and wb.orders["id"].iloc[0] == "O-SCH01-L"
        _BASE["small"] = wb
    return _BASE["small"].copy()


def small_folder(tmp: Path, name: str = "wb") -> Path:
    """The cut-down sample as a CSV folder: the sample's files with the rows ``small_workbook`` keeps."""
    folder = sample_folder(tmp, name)
    small = small_workbook()
    keys = {"people": ("id",), "orders": ("id",), "local_staff": ("id",), "assignments": ("person", "order"),
            "mentorships": ("mentor", "apprentice"), "assessments": ("person", "period", "item")}
    for table, cols in keys.items():
        kept = set(zip(*(getattr(small, table)[c].tolist() for c in cols)))
        header, rows = read_table(folder, table)
        idx = [header.index(c) for c in cols]
        write_table(folder, table, header, [r for r in rows if tuple(r[i] for i in idx) in kept])
    header, rows = read_table(folder, "indicators")
    write_table(folder, "indicators", header, rows[: len(small.indicators)])
    if (folder / "management_units.csv").exists():
        header, rows = read_table(folder, "management_units")
        kept, lead = set(small.people["id"]), header.index("leader")
        write_table(folder, "management_units", header,
                    [r[:lead] + ["" if r[lead] not in kept else r[lead]] + r[lead + 1:] for r in rows])
    return folder


def sample_xlsx(tmp: Path, headers: str = "en", name: str = "wb.xlsx", *, full: bool = False) -> Path:
    """The sample saved by ``planning.save_workbook`` (English or the template's Chinese headers):
    the cut-down sample unless ``full``."""
    key = f"xlsx-{headers}-{full}"
    if key not in _BASE:
        scratch = Path(tempfile.mkdtemp(prefix="hostile-base-")) / "base.xlsx"
        planning.save_workbook(sample_workbook() if full else small_workbook(), scratch, headers=headers)
        _BASE[key] = scratch.read_bytes()
        shutil.rmtree(scratch.parent, ignore_errors=True)
    path = Path(tmp) / name
    path.write_bytes(_BASE[key])
    return path


def edit_xlsx(path: Path, edit) -> Path:
    """Open with openpyxl, let ``edit(book)`` change it, save in place."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def column_index(ws, header: str) -> int:
    for c in ws[1]:
        if c.value == header:
            return c.column
    raise KeyError(header)


def cell(ws, row: int, header: str):
    """The cell of a sheet at ``row`` (Excel numbering) under ``header`` (as written in row 1)."""
    return ws.cell(row=row, column=column_index(ws, header))


def put_text(ws, row: int, header: str, text: str) -> None:
    """Write ``text`` as a text cell, even when it starts like a formula."""
    c = cell(ws, row, header)
    c.value = text
    c.data_type = "s"


def put_formula(ws, row: int, header: str, formula: str) -> None:
    """A formula with no cached value, as openpyxl and many generators write them."""
    c = cell(ws, row, header)
    c.value = formula
    c.data_type = "f"


def append_like(ws, like_row: int, **values) -> int:
    """Append a copy of a sheet row with some cells (by header) written as text; returns its row number."""
    new = ws.max_row + 1
    for c in ws[like_row]:
        ws.cell(row=new, column=c.column, value=c.value)
    for header, text in values.items():
        put_text(ws, new, header, text)
    return new


def rewrite_zip(src: Path, dst: Path, *, replace: dict | None = None, drop=(), compresslevel: int = 1,
                extra=None) -> Path:
    """Copy a zip member by member, replacing some members' bytes; ``extra(zip)`` may add members."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    tmp = Path(str(dst) + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zout:
        for info, data in items:
            if info.filename in drop:
                continue
            new = replace.get(info.filename, data)
            if callable(new):
                new = new(data)
            if new is None:
                continue
            zout.writestr(info.filename, new)
        if extra:
            extra(zout)
    os.replace(tmp, dst)
    return dst


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member holding a sheet (by its name in the workbook)."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    name = re.escape(sheet)
    m = re.search(r'<sheet [^>]*name="' + name + r'"[^>]*r:id="([^"]+)"', book) or \
        re.search(r'<sheet [^>]*r:id="([^"]+)"[^>]*name="' + name + '"', book)
    rid = re.escape(m.group(1))
    target = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels) or \
        re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    t = target.group(1)
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


def patch_member(path: Path, member: str, old: bytes, new: bytes) -> Path:
    """Replace bytes inside one zip member (for XML openpyxl would never write)."""
    def change(data: bytes) -> bytes:
        assert old in data, (member, old)
        return data.replace(old, new, 1)

    return rewrite_zip(path, path, replace={member: change})


@lru_cache(maxsize=8)
def _deflated(parts: tuple) -> tuple[bytes, int, int]:
    return deflated(parts)


def deflated(parts) -> tuple[bytes, int, int]:
    """Raw deflate data, CRC-32 and size of the concatenation of ``(bytes, times)`` parts.

    Each part is compressed once and ended with a full flush, which makes its compressed form
    independent of what came before, so ``times`` copies of it are that form repeated: a
    gigabyte of zeros costs one megabyte of compression (the CRC still reads every byte).
    """
    out, crc, size = [], 0, 0
    for data, times in parts:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(out), crc, size


def put_deflated(z: zipfile.ZipFile, name: str, parts) -> dict:
    """Write a member from ready-made deflate data (see ``deflated``); returns the header
    changes ``patch_entries`` makes once the zip is closed (it is stored as raw bytes first)."""
    raw, crc, size = _deflated(tuple(parts))
    z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), raw)
    return {name: {"method": zipfile.ZIP_DEFLATED, "crc": crc, "size": size}}


def patch_entries(path: Path, changes: dict) -> Path:
    """Rewrite members' compression method, CRC-32 and unpacked size in both zip headers.

    ``changes``: member name → any of ``method``, ``crc``, ``size`` (sizes below 4 GB).
    """
    with zipfile.ZipFile(path) as z:
        local = {i.filename: i.header_offset for i in z.infolist()}
        start = z.start_dir
    data = bytearray(Path(path).read_bytes())

    def put(at, method_at, crc_at, size_at, change):
        if "method" in change:
            struct.pack_into("<H", data, at + method_at, change["method"])
        if "crc" in change:
            struct.pack_into("<I", data, at + crc_at, change["crc"])
        if "size" in change:
            struct.pack_into("<I", data, at + size_at, change["size"])

    for name, change in changes.items():
        at = local[name]
        assert data[at:at + 4] == b"PK\x03\x04"
        put(at, 8, 14, 22, change)
    at = start
    while data[at:at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        name = bytes(data[at + 46:at + 46 + n]).decode("utf-8")
        if name in changes:
            put(at, 10, 16, 24, changes[name])
        at += 46 + n + m + k
    Path(path).write_bytes(bytes(data))
    return path


# --------------------------------------------------------------------------- #
# zip bombs and oversized files
# --------------------------------------------------------------------------- #
BOMB = 1100 * MB  # more than 1 GB unpacked


def _bomb(tmp: Path, build) -> Path:
    """The cut-down sample .xlsx with members added or replaced by ``build(zip, base)``, which
    returns the headers to patch and the members it replaces."""
    base = sample_xlsx(tmp, name="base.xlsx")
    out = Path(tmp) / "bomb.xlsx"
    changes, drop, replace = build(base)
    rewrite_zip(base, out, drop=drop, replace=replace,
                extra=lambda z: [changes.update(f(z)) for f in changes.pop("_writers")])
    base.unlink()
    return patch_entries(out, changes)


def bomb_sheet_zeros(tmp: Path) -> Path:
    """The people sheet replaced by 1.1 GB of zero bytes."""
    def build(base):
        member = sheet_member(base, "people")
        return {"_writers": [lambda z: put_deflated(z, member, [(bytes(MB), BOMB // MB)])]}, (member,), {}
    return _bomb(tmp, build)


def bomb_sheet_whitespace(tmp: Path) -> Path:
    """The people sheet as well-formed XML holding 1.1 GB of spaces between its rows."""
    def build(base):
        member = sheet_member(base, "people")
        with zipfile.ZipFile(base) as z:
            xml = z.read(member)
        i = xml.index(b"<sheetData>") + len(b"<sheetData>")
        parts = [(xml[:i], 1), (b" " * MB, BOMB // MB), (xml[i:], 1)]
        return {"_writers": [lambda z: put_deflated(z, member, parts)]}, (member,), {}
    return _bomb(tmp, build)


_SST_REL = (b'<Relationship Id="rIdHostileSST" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            b'Target="sharedStrings.xml"/>')
_SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def bomb_shared_string(tmp: Path) -> Path:
    """A shared-strings table whose one string is 1.1 GB of letters (a reader would hold it whole)."""
    def build(base):
        with zipfile.ZipFile(base) as z:
            names = z.namelist()
        head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                b"<si><t>")
        parts = [(head, 1), (b"a" * MB, BOMB // MB), (b"</t></si></sst>", 1)]
        member = "xl/sharedStrings.xml"
        replace = {}
        if member not in names:  # openpyxl writes strings inline: register the table
            replace = {
                "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", _SST_REL + b"</Relationships>"),
                "[Content_Types].xml": lambda d: d.replace(b"</Types>", _SST_TYPE + b"</Types>"),
            }
        return {"_writers": [lambda z: put_deflated(z, member, parts)]}, (member,), replace
    return _bomb(tmp, build)


def bomb_many_members(tmp: Path, count: int = 1100) -> Path:
    """1,100 extra members of 1 MB of zeros each: none large, together more than 1 GB."""
    def build(base):
        writers = [lambda z, k=k: put_deflated(z, f"xl/media/pad{k:04d}.bin", [(bytes(MB), 1)])
                   for k in range(count)]
        return {"_writers": writers}, (), {}
    return _bomb(tmp, build)


def bomb_declared_size(tmp: Path, declared: int = 0xFFFFFFF0) -> Path:
    """A small member whose zip headers declare it unpacks to about 4 GB."""
    def build(base):
        def liar(z):
            z.writestr("xl/media/liar.bin", b"tiny")
            return {"xl/media/liar.bin": {"size": declared}}
        return {"_writers": [liar]}, (), {}
    return _bomb(tmp, build)


def stray_cell_xlsx(tmp: Path, row: int, column: int, *, value="stray") -> Path:
    """The sample .xlsx with one value far away on the people sheet (XFD1 is row 1, column 16,384)."""
    path = sample_xlsx(tmp)
    return edit_xlsx(path, lambda b: b["people"].cell(row=row, column=column, value=value))


def lying_dimension_xlsx(tmp: Path) -> Path:
    """The people sheet's dimension claims A1:XFD1048576 though its data is the sample's."""
    path = sample_xlsx(tmp)
    member = sheet_member(path, "people")
    with zipfile.ZipFile(path) as z:
        xml = z.read(member)
    new = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml, count=1)
    assert new != xml
    return rewrite_zip(path, path, replace={member: new})


def million_bad_categories(tmp: Path, n: int = 1_000_000) -> Path:
    """people.csv with ``n`` more rows, each with the category "x" (not an allowed value)."""
    folder = sample_folder(tmp)
    header, _ = read_table(folder, "people")
    row = {"name": "某", "sending_unit": "SD-JN-JYJ", "category": "x", "sector": "教育",
           "level": "1", "can_lead": "false", "program": "planned", "available_from": "2026-02-01",
           "available_to": "2029-12-31"}
    cols = [row.get(h, "") for h in header]
    i_id = header.index("id")
    tail = ",".join(cols[i_id + 1:])
    assert i_id == 0
    with open(folder / "people.csv", "ab") as f:
        lines = (f"X{k:07d},{tail}\n" for k in range(n))
        buf = []
        for k, line in enumerate(lines, 1):
            buf.append(line)
            if k % 100_000 == 0:
                f.write("".join(buf).encode("utf-8"))
                buf = []
        f.write("".join(buf).encode("utf-8"))
    return folder


def wide_people(tmp: Path, columns: int = 5000) -> Path:
    """people.csv with 5,000 columns in all (the contract's and extra ones)."""
    folder = sample_folder(tmp)
    header, rows = read_table(folder, "people")
    extra = columns - len(header)
    write_table(folder, "people", header + [f"extra{k}" for k in range(extra)],
                [r + [""] * extra for r in rows])
    return folder


def padded_people(tmp: Path, size: int = 2 * MB) -> Path:
    """The sample with people.csv grown past ``size`` bytes with valid rows."""
    folder = sample_folder(tmp)
    header, rows = read_table(folder, "people")
    template = rows[FREE_PERSON_ROW - 2]
    out = list(rows)
    per_row = len(csv_text([], [template]).encode("utf-8")) + 4
    for k in range(size // per_row + 1000):
        new = list(template)
        new[0] = f"PAD{k:06d}"
        out.append(new)
    write_table(folder, "people", header, out)
    assert (folder / "people.csv").stat().st_size > size
    return folder


def padded_xlsx(tmp: Path, size: int = 2 * MB) -> Path:
    """The sample .xlsx carrying ``size`` bytes of incompressible data (an embedded picture, say)."""
    path = sample_xlsx(tmp)
    noise = os.urandom(size)
    return rewrite_zip(path, path, extra=lambda z: z.writestr(zipfile.ZipInfo("xl/media/image1.bin"), noise))
