"""The layout cannot silently decay: the import contract holds, and it catches a deliberate violation.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``): the layers core < contract <
domain < allocation < what-ifs < presentation < apps and cli, and no cycles between the modules
of a package. A private name (``_x``) is never imported from another module.
"""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(LINT + ["--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_import_contracts_are_kept():
    out = lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "6 kept, 0 broken" in out.stdout


def test_a_deliberate_violation_is_caught(tmp_path):
    """The core importing a page, a cycle between two modules, the horizon LP importing its driver: all break the contracts."""
    shutil.copytree(ROOT / "planning", tmp_path / "planning", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    clock = tmp_path / "planning" / "core" / "clock.py"
    clock.write_text(clock.read_text(encoding="utf-8") + "\nfrom ..outputs.reports import names  # noqa\n", encoding="utf-8")
    seats = tmp_path / "planning" / "programme" / "seats.py"
    seats.write_text(seats.read_text(encoding="utf-8") + "\nfrom .coverage import BANDS  # noqa\n", encoding="utf-8")
    lp = tmp_path / "planning" / "allocation" / "solvers" / "horizon" / "lp.py"
    lp.write_text(lp.read_text(encoding="utf-8") + "\nfrom .driver import CPSAT_PAIRS  # noqa\n", encoding="utf-8")
    out = lint(tmp_path)
    assert out.returncode != 0
    assert "planning.core is not allowed to import planning.outputs:" in out.stdout
    assert "planning.core.clock -> planning.outputs.reports" in out.stdout
    assert "No cycles are allowed in planning.programme." in out.stdout
    words = " ".join(out.stdout.split())  # lint-imports wraps long lines
    assert "planning.allocation.solvers.horizon.lp is not allowed to import planning.allocation.solvers.horizon.driver:" \
        in words


def private_imports(package: Path) -> list[str]:
    """``from .module import _name`` lines in the library: a private name taken from another module."""
    bad = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        bad.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.module}.{alias.name}")
    return bad


def test_no_private_name_is_imported_across_modules(tmp_path):
    assert private_imports(ROOT / "planning") == []
    # and the check itself sees one when it is there
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("from .b import _hidden\n", encoding="utf-8")
    assert private_imports(tmp_path / "pkg") == ["pkg/a.py:1 b._hidden"]
