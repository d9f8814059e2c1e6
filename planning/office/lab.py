"""A planner's JupyterLab folder: the dashboards' page notebooks and the planner's workbook notebooks.

The pages (``notebooks/*.ipynb``) are the notebooks Voila serves as dashboards; the workbook
notebooks (``workbook/*.ipynb``: check the data, gaps and network, plan, rotation and scenarios,
publish, and the cookbook of questions) are for planners only and lie outside the folder Voila
serves, so no dashboard server lists, preheats or renders them. A planner works on copies: the
office copies both into the planner's folder when their server starts (:mod:`.hub`), ``make lab``
into ``lab/``. A copy is made the first time only, so a planner's edits are never overwritten.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> home = Path(tempfile.mkdtemp())
>>> copied = copy_notebooks(home)
>>> (home / "overview.ipynb").exists(), (home / "workbook" / "01_检查数据.ipynb").exists()
(True, True)
>>> copy_notebooks(home)  # nothing new the second time
[]
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "notebooks"      # the dashboards' pages: the folder Voila serves
WORKBOOK = ROOT / "workbook"    # the planner's workbook notebooks: never served
WORKBOOK_FOLDER = "workbook"    # their folder in a planner's JupyterLab


def copy_notebooks(home: str | Path) -> list[Path]:
    """Copy the pages into ``home`` and the workbook notebooks into ``home/workbook``, each the first time.

    Returns the copies made (none for a notebook already there, edited or not).
    """
    home = Path(home)
    made = []
    for source, folder in ((PAGES, home), (WORKBOOK, home / WORKBOOK_FOLDER)):
        for nb in sorted(source.glob("*.ipynb")):
            target = folder / nb.name
            if not target.exists():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(nb, target)
                made.append(target)
    return made


if __name__ == "__main__":  # make lab: python -m planning.office.lab lab
    copy_notebooks(sys.argv[1] if len(sys.argv) > 1 else "lab")
