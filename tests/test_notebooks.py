"""Every notebook executes top to bottom in a real kernel, and its page is built.

Each notebook is ``app = SomeApp(); app``, and an app keeps every failure of its
build out of the page (``App.render`` logs it and marks the page ``app-failed``):
a notebook whose page failed to build still executes without an error output. So
a last cell is added here that asks the page itself whether it was built.
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

BUILT = ('assert "app-ready" in app.root._dom_classes and "app-failed" not in app.root._dom_classes '
         'and app.body.children, app.status.value')


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_executes(path):
    nb = nbformat.read(path, as_version=4)
    assert "app = " in "".join(c.source for c in nb.cells), "the notebook no longer names its page `app`"
    nb.cells.append(nbformat.v4.new_code_cell(BUILT))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
