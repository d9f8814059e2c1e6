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


@pytest.mark.slow
def test_the_built_check_fails_on_a_page_that_failed_to_build():
    """The same notebook with the page's build broken executes without an error output; the added cell fails."""
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(ROOT / "notebooks" / "overview.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        "from planning.apps import OverviewApp\n"
        "def broken(self, wb):\n    raise RuntimeError('a page that cannot be built')\n"
        "OverviewApp.build_body = broken"))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    nb.cells.append(nbformat.v4.new_code_cell(BUILT))
    with pytest.raises(CellExecutionError, match="出现了问题"):
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
