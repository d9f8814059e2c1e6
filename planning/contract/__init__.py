"""The data contract: what a workbook holds, how it is read, checked and written.

The contract itself is data (``contract_tables.csv``, ``contract.csv``,
``contract_values.csv``), read by :mod:`.schema`; the loader, the checks, the
writers and the template all read it from there.
"""
