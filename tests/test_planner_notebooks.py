"""The planner's workbook notebooks (``workbook/``) run top to bottom on the sample and on a generated programme.

Each notebook's first cell (tagged ``parameters``) names the workbook; as papermill does, the test
adds a cell after it that sets ``WORKBOOK`` to the programme under test, and a last cell that checks
the notebook really worked on it: the workbook loaded is that one, the page shown inline was built,
and what the notebook published went to its own temporary store. The office's store is pointed at
a path of the test's own, which must still not exist afterwards.

The notebooks are stored without outputs, are copied into a planner's JupyterLab folder, and lie
outside the folder Voila serves (no dashboard lists, preheats or renders them).
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import planning
from planning.office import lab
from planning.samples.synthetic import synthetic_workbook
from test_notebooks import BUILT

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK_NOTEBOOKS = sorted((ROOT / "workbook").glob("*.ipynb"))
PAGES = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated programme (planning.samples.synthetic: its own ids, names and shapes) as a folder of CSVs."""
    wb = synthetic_workbook(people=800, host_units=80, sectors=6, seed=7)
    return planning.save_workbook(wb, tmp_path_factory.mktemp("generated") / "programme")


def run(path: Path, workbook: Path, checks: str = "", cwd: Path = ROOT):
    """Execute ``path`` on ``workbook`` (set after the parameters cell) with ``checks`` as a last cell."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells.index(next(c for c in nb.cells if c.cell_type == "code"))
    assert "parameters" in nb.cells[first].metadata.get("tags", []), "the first code cell names the workbook"
    assert "WORKBOOK = None" in nb.cells[first].source, "the sample (or the office's data) by default"
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(f"WORKBOOK = {str(workbook)!r}"))
    if checks:
        nb.cells.append(nbformat.v4.new_code_cell(checks))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def checks_for(path: Path, workbook: Path) -> str:
    src = "".join(c.source for c in nbformat.read(path, as_version=4).cells)
    lines = [f"from pathlib import Path\nassert Path(wb.source).resolve() == Path({str(workbook)!r}).resolve(), wb.source"]
    if "app = " in src:
        lines.append(BUILT)
    if "store.publish(" in src:
        lines.append("assert store.load_published() is not None and store.load_published().workbook.equals(after)\n"
                     "assert not str(STORE).startswith(str(Path(planning.__file__).parents[1])), STORE")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["sample", "generated"])
@pytest.mark.parametrize("path", WORKBOOK_NOTEBOOKS, ids=lambda p: p.stem)
def test_workbook_notebook_runs(path, which, generated, tmp_path, monkeypatch):
    office_store = tmp_path / "office" / "scenarios.sqlite"
    monkeypatch.setenv("PLANNING_STORE", str(office_store))  # the kernel's office store: never to be opened
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    workbook = Path(planning.SAMPLE) if which == "sample" else Path(generated)
    nb = run(path, workbook, checks_for(path, workbook), cwd=tmp_path)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not office_store.exists() and not (tmp_path / "office").exists()


@pytest.mark.slow
def test_the_checks_fail_on_a_notebook_that_ignores_its_workbook(generated, tmp_path):
    """A notebook that loads the sample whatever WORKBOOK says runs without an error; the last cell catches it."""
    path = ROOT / "workbook" / "01_检查数据.ipynb"
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        c.source = c.source.replace("WORKBOOK or data_path()", "data_path()")
    broken = tmp_path / path.name
    nbformat.write(nb, broken)
    with pytest.raises(CellExecutionError, match="AssertionError"):
        run(broken, Path(generated), checks_for(path, Path(generated)), cwd=tmp_path)


@pytest.mark.parametrize("path", WORKBOOK_NOTEBOOKS + PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_the_cookbook_answers_at_least_eight_questions():
    nb = nbformat.read(ROOT / "workbook" / "常见问题.ipynb", as_version=4)
    questions = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## 问")]
    assert len(questions) >= 8
    after = [nb.cells[nb.cells.index(q) + 1] for q in questions]
    assert all(c.cell_type == "code" and c.source.strip() for c in after)


def test_workbook_notebooks_are_never_served_as_dashboards(monkeypatch):
    """Voila renders and preheats every notebook under the folder it serves, subfolders included: the folder
    ``planning serve`` gives it holds the pages alone, and the workbook notebooks lie outside it."""
    import subprocess

    from planning import cli

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, **kw: calls.append(cmd) or 0)
    assert cli.main(["serve", "--pool", "0"]) == 0
    served = Path(calls[0][calls[0].index("voila") + 1]).resolve()
    assert served == lab.PAGES.resolve()
    assert sorted(p.relative_to(served) for p in served.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts) == \
        sorted(p.relative_to(ROOT / "notebooks") for p in PAGES)
    assert WORKBOOK_NOTEBOOKS and not [p for p in WORKBOOK_NOTEBOOKS if served in p.resolve().parents]


def test_a_planner_gets_copies_and_keeps_their_edits(tmp_path):
    made = lab.copy_notebooks(tmp_path)
    assert sorted(p.name for p in made) == sorted(p.name for p in PAGES + WORKBOOK_NOTEBOOKS)
    assert sorted(p.name for p in (tmp_path / "workbook").glob("*.ipynb")) == [p.name for p in WORKBOOK_NOTEBOOKS]
    edited = tmp_path / "workbook" / WORKBOOK_NOTEBOOKS[0].name
    edited.write_text("{}", encoding="utf-8")
    assert lab.copy_notebooks(tmp_path) == [] and edited.read_text(encoding="utf-8") == "{}"
