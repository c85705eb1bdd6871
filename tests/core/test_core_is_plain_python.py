"""The cores must stay usable outside Odoo: no module under */core imports it."""

import ast
import subprocess
import sys

import pytest

from ..conftest import ADDONS, REPO_ROOT

CORE_FILES = sorted(
    path for addon in ADDONS for path in (REPO_ROOT / addon / "core").rglob("*.py")
)


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module or ""


@pytest.mark.parametrize(
    "path", CORE_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT))
)
def test_core_module_does_not_import_odoo(path):
    offenders = [
        name for name in imported_modules(path) if name.split(".")[0] == "odoo"
    ]
    assert not offenders, f"{path} imports {offenders}: the core must not need Odoo"


def test_cores_import_in_a_python_without_odoo():
    """Every core module imports in a fresh interpreter where `odoo` is blocked."""
    # A glue add-on (no plain-Python logic of its own) has no core package.
    with_core = [addon for addon in ADDONS if (REPO_ROOT / addon / "core").is_dir()]
    script = f"""
import sys, types, importlib, pkgutil
sys.modules['odoo'] = None  # any `import odoo` now raises ImportError
for addon in {with_core!r}:
    package = types.ModuleType(addon)
    package.__path__ = [{str(REPO_ROOT)!r} + '/' + addon]
    sys.modules[addon] = package
    core = importlib.import_module(addon + '.core')
    for info in pkgutil.walk_packages(core.__path__, addon + '.core.'):
        if not info.name.endswith('__main__'):
            importlib.import_module(info.name)
print('ok')
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
