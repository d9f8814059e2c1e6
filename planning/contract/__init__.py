"""The data contract: what a workbook holds, how it is read, checked and written.

The contract itself is data (``contract_tables.csv``, ``contract.csv``,
``contract_values.csv``), read by :mod:`.schema`; the loader, the checks, the
writers and the template all read it from there. One module per concern:

* :mod:`.schema`: the contract CSVs and their reader;
* :mod:`.workbook`: the :class:`Workbook` (typed tables) and empty or typed tables;
* :mod:`.problems`: :class:`Problem` codes with their sentences, :class:`WorkbookError`;
* :mod:`.raw`, :mod:`.csv_reader`, :mod:`.xlsx_reader`: one reader per format into raw tables (.xlsx: fast
  through :mod:`.xlsx_fast`, cell by cell through openpyxl; :mod:`.xlsx_cells` what both share);
* :mod:`.dates`, :mod:`.columns`: dates, numbers and values as offices write them, into typed columns;
* :mod:`.checks`, :mod:`.suggestions`, :mod:`.grid_rules`: checks across tables, "did you mean";
* :mod:`.loader`: ``load_workbook``, ``validate_workbook``, ``check_workbook``;
* :mod:`.writers`: ``save_workbook``; :mod:`.template`: the empty template for planners.
"""
from .loader import check_workbook, load_workbook, validate_workbook
from .problems import Problem, WorkbookError
from .raw import EXAMPLE_MARK
from .workbook import Workbook, empty_table, with_contract_types
from .writers import save_workbook

__all__ = ["Workbook", "Problem", "WorkbookError", "load_workbook", "validate_workbook", "check_workbook",
           "save_workbook", "empty_table", "with_contract_types", "EXAMPLE_MARK"]
