"""Reading an ``.xlsx`` fast: calamine for the values, beside a scan of each sheet's XML for what calamine does not say.

calamine (``python-calamine``, Rust) reads a sheet's values many times faster than openpyxl, but it
shows a formula without a stored value and an Excel error (``#REF!``) as an empty cell, decides for
itself which number formats are dates, and unescapes ``_x0007_``. So the sheets are first scanned
as bytes (a few passes of ``bytes.count`` and compiled patterns, no parse): formulas without a
value and error cells are found there, and numbers in cells whose style openpyxl counts as a date
are converted exactly as the openpyxl reader does. Whatever the scan cannot prove it reads the same
way (cells without a reference, prefixed XML, a sparse sheet whose dense grid would be large, a
value calamine sees as a date where openpyxl does not, escapes, 16-digit numbers, …) hands the
whole workbook back to the openpyxl reader of :mod:`.xlsx_reader`, so both give the same raw
tables (``tests/test_xlsx_fast.py`` compares them).

Before calamine opens the file, every member is inflated here within its declared size (bounded by
:func:`planning.core.limits.limits`), and its deflate stream must end exactly there with the declared
checksum, so calamine never inflates more than those limits allow.
"""
from __future__ import annotations

import datetime
import functools
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from .problems import Problem
from .raw import Raw
from .xlsx_cells import cell_text, sheet_raw, sheets_to_read, too_many_columns, year_typed_as_day

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

#: A formula element, with or without text.
FORMULA = rb"(?:<f>[^<]*</f>|<f/>|<f [^>]*/>|<f [^>]*>[^<]*</f>)"
FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"((?: [a-z]+="[^"]*")*)>' + FORMULA + rb"(?:<v>([^<]*)</v>|<v/>)?")
ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"(?: s="\d+")? t="e"(?: [a-z]+="[^"]*")*>' + FORMULA
                        + rb"?<v>([^<&]+)</v>")
#: Each cell's start: the letters of a column past Z, b"" for a cell without a reference first (or another tag).
CELL_START = re.compile(rb'<c(?! r="[A-Z]\d)(?: r="([A-Z]{2,3})\d)?')
#: Each row's start: its number, b"" for a row without one first.
ROW_START = re.compile(rb'<row(?: r="(\d+)")?')
ROOT = re.compile(rb'\s*(?:<\?xml[^>]*\?>\s*)?<worksheet[\s>]')
#: A text element without ``xml:space="preserve"`` that starts with XML white space, and the end of one
#: that ends with it: calamine trims them (as XML allows), openpyxl keeps them.
TRIMMED_FIRST = re.compile(rb"<t>[ \t\r\n]")
TRIMMED_LAST = re.compile(rb"</t>(?<=[ \t\r\n]</t>)")


def trimmed_text(x: bytes, i: int = 0, j: int | None = None) -> bool:
    """Whether calamine would trim a text of this XML that openpyxl reads as written."""
    j = len(x) if j is None else j
    if TRIMMED_FIRST.search(x, i, j):
        return True
    for m in TRIMMED_LAST.finditer(x, i, j):
        a = x.rfind(b"<t", i, m.start())
        if b"preserve" not in x[a:x.find(b">", a) + 1]:
            return True
    return False


#: A control character XML 1.0 does not allow: openpyxl's parser refuses the file (calamine's reads on).
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: What openpyxl keeps as written and calamine unescapes (``_x000D_``), or openpyxl alone drops (``x005F_``).
ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_|x005F_")
DATE_TYPES = (datetime.date, datetime.time, datetime.timedelta)


#: A character that makes a cell not plain: white space ``str.strip`` removes (anywhere: the cheap,
#: conservative test) or a control character (see ``planning.core.text.CONTROL``).
NOT_PLAIN = re.compile("[\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ud800-\udfff]")


def plain_texts(columns: list[np.ndarray]) -> bool:
    """Whether no cell of these text columns holds white space or a control character at all.

    Then no cell starts or ends with white space, nor holds a control character (:class:`.raw.Raw`'s
    ``plain``), and the loader need not trim cell by cell. A ``False`` only means "trim to find out".
    """
    return not any(NOT_PLAIN.search("\ue000".join(c.tolist())) for c in columns if len(c))


class NotPlain(Exception):
    """The workbook holds something only the openpyxl reader reads as the boundary expects."""


def read_xlsx_fast(path: Path, label: str, lim) -> tuple[list[Raw], list[Problem], list[Problem]] | None:
    """The raw tables, problems and notes of an .xlsx as :func:`.xlsx_reader.read_xlsx_openpyxl` gives them, or None.

    None when the workbook needs the openpyxl reader (see the module's description), when
    calamine is not installed, or when anything fails: the openpyxl reader then reads it and
    words what is wrong. The file's sizes are checked before (:func:`.xlsx_reader.read_xlsx`).
    """
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        return _read(path, label, lim, python_calamine)
    except Exception:  # NotPlain, or anything the openpyxl reader will name (a damaged zip or sheet)
        return None


def _read(path: Path, label: str, lim, calamine):
    members = _members(path)
    sheets, epoch = _workbook_sheets(members)
    styles = _styles(members)
    for name, data in members.items():
        if name.lower().endswith("sharedstrings.xml") and (ESCAPE.search(data) or b"<rPh" in data
                                                           or RAW_CONTROL.search(data) or trimmed_text(data)):
            raise NotPlain("escapes, phonetic runs or raw control characters in the shared strings")
    problems: list[Problem] = []
    notes: list[Problem] = []
    chosen = sheets_to_read([(title, state, (title, member, kind)) for title, state, member, kind in sheets],
                            label, problems)
    scans = []
    for table, (_, member, kind) in chosen:
        if kind != "worksheet" or member not in members:
            raise NotPlain("a contract table on a sheet that is not a worksheet")
        scans.append(scan_sheet(members[member], lim))
    if styles.cell_styles and chosen:
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

        if epoch != CALENDAR_WINDOWS_1900:
            raise NotPlain("the 1904 date system")
        _check_date_styles(members["xl/styles.xml"], styles, calamine)
    raws = []
    book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        for (table, (title, member, _)), scan in zip(chosen, scans):
            raw = _sheet(book.get_sheet_by_name(title), members[member], scan, styles, epoch, table, label, title,
                         lim, problems, notes)
            members[member] = b""
            if raw is not None:
                raws.append(raw)
    finally:
        book.close()
    if not raws and not problems:
        problems.append(Problem(label, "", None, None, None, "no_tables"))
    return raws, problems, notes


def _members(path: Path) -> dict[str, bytes]:
    """Every member of the zip, inflated within its declared size, its deflate stream ending exactly there.

    Python's ``zipfile`` stops at the declared size; calamine's zip reader may read a deflate stream
    to its end. So each stream is inflated here from its raw bytes and must end at the declared size
    with the declared checksum: calamine, reading the same bytes, then reads no more than was checked.
    """
    import struct
    import zlib

    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise NotPlain("two members of one name")
    out = {}
    with open(path, "rb") as f:
        for info in infos:
            f.seek(info.header_offset)
            head = f.read(30)
            if len(head) != 30 or head[:4] != b"PK\x03\x04":
                raise NotPlain("a member without its local header")
            n, m = struct.unpack("<HH", head[26:30])
            f.seek(info.header_offset + 30 + n + m)
            raw = f.read(info.compress_size)
            if len(raw) != info.compress_size or info.flag_bits & 0x1:
                raise NotPlain("a cut or encrypted member")
            if info.compress_type == zipfile.ZIP_STORED:
                data = raw
            elif info.compress_type == zipfile.ZIP_DEFLATED:
                d = zlib.decompressobj(-15)
                data = d.decompress(raw, info.file_size + 1)
                if not d.eof or d.unconsumed_tail:
                    raise NotPlain("a deflate stream longer than declared")
            else:
                raise NotPlain("a member compressed another way")
            if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
                raise NotPlain("a member not as declared")
            out[info.filename] = data
    return out


def _rels(data: bytes, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, member name) of a ``.rels`` part; targets resolved from ``base``."""
    out = {}
    for rel in ElementTree.fromstring(data).iter(RELS):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], member)
    return out


def _workbook_sheets(members: dict[str, bytes]) -> tuple[list[tuple[str, str, str, str]], datetime.datetime]:
    """(title, state, member, kind) of each sheet in workbook order, and the workbook's epoch (1900 or 1904)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    top = _rels(members["_rels/.rels"], "")
    if [m for kind, m in top.values() if kind == "officeDocument"] != ["xl/workbook.xml"]:
        raise NotPlain("the workbook part is not xl/workbook.xml")
    root = ElementTree.fromstring(members["xl/workbook.xml"])
    if root.tag != MAIN + "workbook":
        raise NotPlain("a workbook of another namespace")
    epoch = CALENDAR_WINDOWS_1900
    props = root.find(MAIN + "workbookPr")
    if props is not None and props.get("date1904") is not None:
        flag = props.get("date1904").strip().lower()
        if flag in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif flag not in ("0", "false"):
            raise NotPlain("an unusual date1904")
    rels = _rels(members["xl/_rels/workbook.xml.rels"], "xl")
    out = []
    for sheet in root.iter(MAIN + "sheet"):
        kind, member = rels.get(sheet.get(REL_ID), ("", ""))
        out.append((sheet.get("name"), sheet.get("state") or "visible", member, kind))
    return out, epoch


class Styles:
    """The cell styles (``cellXfs``) openpyxl reads numbers of as dates, and of those as durations."""

    def __init__(self, cell_styles: int = 0, dates=(), durations=()):
        self.cell_styles = cell_styles
        self.dates = set(dates)
        self.durations = set(durations)


def _styles(members: dict[str, bytes]) -> Styles:
    """The workbook's :class:`Styles`, from openpyxl's own stylesheet reader."""
    data = members.get("xl/styles.xml")
    if data is None:
        return Styles()
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    sheet = Stylesheet.from_tree(fromstring(data))
    if not sheet.cell_styles:
        return Styles()
    return Styles(len(sheet.cell_styles), sheet.date_formats, sheet.timedelta_formats)


_PROBE_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
    b'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="probe" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
    b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    b'</Relationships>',
}


def _check_date_styles(styles_xml: bytes, styles: Styles, calamine) -> None:
    """:class:`NotPlain` unless calamine reads a number as a date (or a duration) in exactly the styles openpyxl does.

    calamine decides by each style's number format with rules of its own; a one-sheet workbook with
    the same styles and one number per style asks it.
    """
    import io

    rows = "".join(f'<row r="{k + 1}"><c r="A{k + 1}" s="{k}"><v>45000.5</v></c></row>'
                   for k in range(styles.cell_styles))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>').encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _PROBE_PARTS.items():
            z.writestr(name, data)
        z.writestr("xl/styles.xml", styles_xml)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    buf.seek(0)
    book = calamine.CalamineWorkbook.from_filelike(buf)
    try:
        grid = book.get_sheet_by_name("probe").to_python(skip_empty_area=False)
    finally:
        book.close()
    if len(grid) != styles.cell_styles:
        raise NotPlain("the styles probe")
    for k, (v, *_) in enumerate(grid):
        if isinstance(v, DATE_TYPES) != (k in styles.dates) or isinstance(v, datetime.timedelta) != (
                k in styles.durations):
            raise NotPlain("calamine and openpyxl disagree on a date format")


def column_number(letters: bytes) -> int:
    """1-based column of Excel letters (``b"A"`` → 1, ``b"AA"`` → 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class SheetScan:
    """What the XML of one sheet says beyond calamine: cells to set by hand, formulas without value, errors."""

    def __init__(self, start: int, end: int):
        self.span = (start, end)  # the sheetData element in the XML
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (rows, columns, texts) to set
        self.formulas: list[tuple[int, int]] = []
        self.errors: list[tuple[int, int, str]] = []
        self.fixed: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # column → (rows, texts), after :meth:`done`

    def fix(self, rows, cols, texts) -> None:
        self.parts.append((np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                           np.asarray(texts, dtype=object)))

    def with_dates(self, x: bytes, styles: Styles, epoch) -> SheetScan:
        """A copy that also sets every number in a date-styled cell as openpyxl converts it."""
        out = SheetScan(*self.span)
        out.parts, out.formulas, out.errors = list(self.parts), list(self.formulas), list(self.errors)
        if styles.dates:
            _scan_dates(x, *self.span, out, styles.dates, styles.durations, epoch)
        return out.done()

    def done(self) -> SheetScan:
        self.formulas.sort()
        self.errors.sort()
        self.fixed = {}
        if self.parts:
            rows, cols, texts = (np.concatenate(x) for x in zip(*self.parts))
            order = np.argsort(cols, kind="stable")
            rows, cols, texts = rows[order], cols[order], texts[order]
            bounds = np.flatnonzero(np.diff(cols)) + 1
            for r, c, t in zip(np.split(rows, bounds), np.split(cols, bounds), np.split(texts, bounds)):
                self.fixed[int(c[0])] = (r, t)
        return self


def scan_sheet(x: bytes, lim) -> SheetScan:
    """Scan a worksheet's XML; :class:`NotPlain` when the fast reader cannot read it as openpyxl would."""
    if not ROOT.match(x):
        raise NotPlain("a prefixed or unusual root")
    i, j = x.find(b"<sheetData"), x.rfind(b"</sheetData>")
    if i < 0 or j < i:
        if b"<c " in x:
            raise NotPlain("cells outside sheetData")
        return SheetScan(0, 0)
    scan = SheetScan(i, j)
    # <c>, <c/>, <c s="1" r="A1"> (and rich text's <color>) give b"": not this reader's; else columns past Z
    wide = set(CELL_START.findall(x, i, j))
    if b"" in wide:
        raise NotPlain("cells without a reference first")
    if any(len(c) > 2 for c in wide):
        raise NotPlain("a column beyond ZZ")
    numbers = ROW_START.findall(x, i, j)
    if b"" in set(numbers):
        raise NotPlain("rows without a number")
    last_row = max(map(int, numbers), default=0)
    if last_row - 1 > lim.rows:
        raise NotPlain("too many rows: the openpyxl reader words it")
    last_col = max(map(column_number, wide)) if wide else 26
    if last_row * last_col > 4 * ((j - i) // 16) + 1_000_000:  # a cell takes 16 bytes at least
        raise NotPlain("a sparse sheet: calamine would fill the grid")
    if x.find(b't="d"', i, j) >= 0 or (x.find(b"_x", i, j) >= 0 and ESCAPE.search(x, i, j)):
        raise NotPlain("ISO dates or escapes")
    low = np.frombuffer(x, dtype=np.uint8)
    low = low[low < 0x20]  # a few line breaks at most: the search below runs only then
    if low.size and ((low != 0x09) & (low != 0x0A) & (low != 0x0D)).any():
        raise NotPlain("a raw control character: not XML")
    if trimmed_text(x, i, j):
        raise NotPlain("a text with white space at an end but no xml:space")
    if x.find(b"<f", i, j) >= 0:
        found, at = 0, []
        for m in FORMULA_CELL.finditer(x, i, j):
            found += 1
            if b'"inlineStr"' in m.group(3):
                raise NotPlain("an inline string with a formula")
            if not m.group(4):  # no value stored: openpyxl's data_only reads None
                at.append((int(m.group(2)), column_number(m.group(1))))
        if found != x.count(b"<f>", i, j) + x.count(b"<f ", i, j) + x.count(b"<f/>", i, j):
            raise NotPlain("formulas in an unusual shape")
        scan.formulas += at
        if at:
            scan.fix([r for r, _ in at], [c for _, c in at], [""] * len(at))
    if x.find(b't="e"', i, j) >= 0:
        found = ERROR_CELL.findall(x, i, j)
        if len(found) != x.count(b't="e"', i, j):
            raise NotPlain("error cells in an unusual shape")
        at = [(int(r), column_number(c), v.decode()) for c, r, v in found]
        scan.errors += at
        scan.fix([r for r, _, _ in at], [c for _, c, _ in at], [""] * len(at))
    return scan.done()


#: Column letters (one to three) → column number, filled as met.
COLUMNS: dict[bytes, int] = {}


def _scan_dates(x: bytes, i: int, j: int, scan: SheetScan, date_styles, timedelta_styles, epoch) -> None:
    """Numbers in date-styled cells, converted as openpyxl converts them (its ``from_excel``).

    Whole serials from 1900-03-01 on, in the 1900 date system and not durations, are converted at
    once with numpy (what ``from_excel`` gives for them is a day at midnight); any other one by
    ``from_excel`` itself.
    """
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

    ids = b"|".join(str(k).encode() for k in sorted(date_styles))
    styled = re.compile(rb'<c r="([A-Z]{1,3})(\d+)" s="(' + ids + rb')"(?: t="(\w+)")?(?:/>|>' + FORMULA
                        + rb'?(?:<v>([^<]*)</v>)?)')
    found = styled.findall(x, i, j)
    hits = sum(x.count(b' s="%d"' % k, i, j) for k in date_styles)
    if hits != len(found):
        rows_styled = re.findall(rb'<row [^>]*\bs="(?:' + ids + rb')"', x[i:j])
        if hits != len(found) + len(rows_styled):
            raise NotPlain("date-styled cells in an unusual shape")
    found = [f for f in found if f[4] and f[3] in (b"", b"n")]  # text, bools, errors: not dates to openpyxl
    if not found:
        return
    letters, rows, styles, _, values = zip(*found)
    for c in set(letters).difference(COLUMNS):
        COLUMNS[c] = column_number(c)
    cols = np.array([COLUMNS[c] for c in letters], dtype=np.int64)
    rows = np.array(rows).astype(np.int64)
    try:
        serial = np.array(values).astype(np.float64)
    except ValueError:
        raise NotPlain("a date cell whose value is not a number") from None
    styles = np.array(styles).astype(np.int64)
    whole = (serial >= 61) & (serial <= 2_958_465) & (serial == np.floor(serial))
    if epoch != CALENDAR_WINDOWS_1900:
        whole[:] = False
    if timedelta_styles:
        whole &= ~np.isin(styles, sorted(timedelta_styles))
    texts = np.empty(len(serial), dtype=object)
    days = serial[whole].astype(np.int64)
    year = (days >= 1950) & (days <= 2100)  # a year typed into a date cell: the year (see year_typed_as_day)
    out = np.datetime_as_string(np.datetime64("1899-12-30") + days.astype("timedelta64[D]"), unit="D").astype(object)
    out[year] = days[year].astype(str).astype(object)
    texts[whole] = out
    errors = []
    for k in np.flatnonzero(~whole).tolist():
        text = values[k].decode()
        number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        try:
            value = from_excel(number, epoch, timedelta=int(styles[k]) in timedelta_styles)
        except (OverflowError, ValueError):
            errors.append((int(rows[k]), int(cols[k]), "#VALUE!"))
            texts[k] = ""
            continue
        if type(value) is datetime.datetime:
            typed = year_typed_as_day(value)
            value = value if typed is None else typed
        texts[k] = cell_text(value)
    scan.errors += errors
    scan.fix(rows, cols, texts)


class Ambiguous(Exception):
    """A value calamine gives that may come from more than one stored value: the sheet's dates are read from its XML."""


def _column_texts(values: tuple, fixed: tuple[np.ndarray, np.ndarray] | None, trust: bool) -> np.ndarray:
    """A calamine column (file row 1 first) as the texts openpyxl's reader gives; ``fixed`` (rows, texts) set by the scan.

    ``trust``: calamine's dates are taken as they are (it reads whole and fractional serials from 0
    to 9999-12-31 as openpyxl does); :class:`Ambiguous` for a value that could hide a difference (a
    time of day, which calamine also gives for a negative serial, a duration, a negative number or
    one past 9999-12-31, which openpyxl refuses as a date). Else dates must be among ``fixed``.
    """
    kinds = set(map(type, values))
    if kinds <= {str}:
        out = np.array(values, dtype=object)
    else:
        dated = [k for k in kinds if issubclass(k, DATE_TYPES)]
        if dated and not trust:
            types = np.array(list(map(type, values)), dtype=object)
            where = np.zeros(len(values), dtype=bool)
            for k in dated:
                where |= types == k
            ok = np.zeros(len(values), dtype=bool)
            if fixed is not None:
                ok[fixed[0][fixed[0] <= len(values)] - 1] = True
            if (where & ~ok).any():
                raise NotPlain("a date where openpyxl reads a number")
        text_of = TRUSTED if trust else TEXT_OF
        out = np.empty(len(values), dtype=object)
        out[:] = [v if type(v) is str else text_of[type(v)](v) for v in values]
    if fixed is not None:
        rows, texts = fixed
        inside = rows <= len(out)
        if not inside.all() and (texts[~inside] != "").any():
            raise NotPlain("a scanned value outside calamine's grid")
        out[rows[inside] - 1] = texts[inside]
    return out


def _float_text(v: float) -> str:
    if v != v:
        return ""
    if abs(v) >= 1e15:  # openpyxl reads a long whole number exactly, calamine as a float
        raise NotPlain("a number of 16 digits or more")
    return str(int(v)) if v.is_integer() else repr(v)


def _trusted_float(v: float) -> str:
    if v < 0 or v > LAST_SERIAL:  # in a date-styled cell openpyxl refuses it, calamine gives a number
        raise Ambiguous("a number before 1900 or past 9999-12-31")
    return _float_text(v)


def _ambiguous(v):
    raise Ambiguous(type(v).__name__)


@functools.lru_cache(maxsize=1 << 16)
def _day_text(v: datetime.date) -> str:
    year = year_typed_as_day(datetime.datetime(v.year, v.month, v.day))
    return cell_text(v) if year is None else str(year)


def _datetime_text(v: datetime.datetime) -> str:
    if v.microsecond:
        raise Ambiguous("a fraction of a second")
    year = year_typed_as_day(v)
    return cell_text(v) if year is None else str(year)


#: The last serial openpyxl reads as a date (9999-12-31).
LAST_SERIAL = 2_958_465.999

#: calamine's value types → the text openpyxl's reader gives (dates are set by the scan: blank here).
TEXT_OF = {
    float: _float_text,
    int: str,
    bool: lambda v: "true" if v else "false",
    datetime.date: lambda v: "",
    datetime.datetime: lambda v: "",
    datetime.time: lambda v: "",
    datetime.timedelta: lambda v: "",
}

#: The same, taking calamine's dates as they are.
TRUSTED = {**TEXT_OF, float: _trusted_float, datetime.date: _day_text, datetime.datetime: _datetime_text,
           datetime.time: _ambiguous, datetime.timedelta: _ambiguous}


def _sheet(ws, x: bytes, scan: SheetScan, styles: Styles, epoch, table: str, label: str, title: str, lim,
           problems: list, notes: list) -> Raw | None:
    """The raw table of one sheet: calamine's grid from A1, with the scan's cells set."""
    grid = ws.to_python(skip_empty_area=False)
    if len({len(row) for row in grid}) > 1:
        raise NotPlain("a ragged grid")
    columns = np.array(grid, dtype=object).T.tolist() if grid and grid[0] else []  # column by column
    del grid
    try:
        texts = [_column_texts(values, scan.fixed.get(j + 1), True) for j, values in enumerate(columns)]
    except Ambiguous:
        ids = b"|".join(str(k).encode() for k in sorted(styles.dates))
        if ids and re.compile(rb' s="(?:' + ids + rb')"').search(x, *scan.span):
            scan = scan.with_dates(x, styles, epoch)
        texts = [_column_texts(values, scan.fixed.get(j + 1), False) for j, values in enumerate(columns)]
    for col, (_, fixed) in scan.fixed.items():
        if col > len(columns) and (fixed != "").any():
            raise NotPlain("a scanned value outside calamine's grid")
    header = {j + 1: t[0] for j, t in enumerate(texts) if len(t) and t[0] != ""}
    if too_many_columns(header, table, label, title, lim, problems):
        return None
    cells: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, t in enumerate(texts):
        body = t[1:]
        hit = np.flatnonzero(body != "")
        if hit.size:
            cells[j + 1] = (hit.astype(np.int64) + 2, body[hit])
    plain = plain_texts([v for _, v in cells.values()])
    return sheet_raw(table, label, title, header, cells, scan.formulas, scan.errors, problems, notes, plain)
