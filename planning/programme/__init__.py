"""The programme's domain: who is under whom, which seats there are, who may take
them, how well they are covered, who is on post, the management grid, mentoring,
the counterpart network and the views a host unit is limited to.

Each concept is one module; they read workbooks through :mod:`planning.contract`
and the facts :mod:`planning.core` derives once per workbook.
"""
