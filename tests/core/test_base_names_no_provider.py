"""The base add-on names no provider outside the providers' own files.

Providers plug in: a code added to the connection's provider field with
``selection_add``, a client registered under it, overrides that open with
``if self.provider != code: return super()...``, fields prefixed with the
code on a form page of the provider's own. So no file of the base add-on may
name a provider, except that provider's own files, named after its code:
``core/providers/<code>.py``, ``models/bank_api_connection_<code>.py`` and
``views/bank_api_connection_<code>_views.xml`` (the open standards the base
carries). Its tests must pick some provider and are not looked at, nor its
documentation and translations. ``sandbox`` is also the name of a connection
*environment* (sandbox or production): a statement or line about the
environment may say it. And the base imports no other add-on.
"""

import ast
import importlib
import re

import pytest

from bank_api_sync.core.providers import registry

from ..conftest import ADDONS, REPO_ROOT

BASE = REPO_ROOT / "bank_api_sync"
SKIPPED = ("tests", "i18n", "readme", "static/description")

for _addon in ADDONS:
    if (REPO_ROOT / _addon / "core").is_dir():  # a glue add-on has no core
        importlib.import_module(f"{_addon}.core")  # every provider registers
CODES = registry.codes()
OTHER_ADDONS = set(ADDONS) - {"bank_api_sync"}


def owner(path):
    """The provider whose own file ``path`` is, or None."""
    name = path.name
    for code in CODES:
        if name in (
            f"{code}.py",
            f"bank_api_connection_{code}.py",
            f"bank_api_connection_{code}_views.xml",
        ):
            return code
    return None


def base_files(*suffixes):
    for path in sorted(BASE.rglob("*")):
        relative = path.relative_to(BASE).as_posix()
        if path.suffix in suffixes and not relative.startswith(SKIPPED):
            yield path


def about_environment(text):
    return "environment" in text


def expressions(statement):
    """The expression nodes of ``statement`` itself, not of the statements
    nested in it (each constant belongs to its innermost statement)."""
    for child in ast.iter_child_nodes(statement):
        if not isinstance(child, ast.stmt):
            yield from ast.walk(child)


def imported_addons(statement):
    if isinstance(statement, ast.Import):
        modules = [alias.name for alias in statement.names]
    else:
        modules = [statement.module or ""]
    for module in modules:
        yield from (part for part in module.split(".") if part in OTHER_ADDONS)


def python_offences(path):
    source = path.read_text(encoding="utf-8")
    mine = owner(path)
    for statement in ast.walk(ast.parse(source)):
        if not isinstance(statement, ast.stmt):
            continue
        for node in expressions(statement):
            value = getattr(node, "value", None)
            if (
                isinstance(node, ast.Constant)
                and value in CODES
                and value != mine
                and not (
                    value == "sandbox"
                    and about_environment(ast.get_source_segment(source, statement))
                )
            ):
                yield f"{node.lineno}: {value!r}"
        if isinstance(statement, ast.Import | ast.ImportFrom):
            for addon in imported_addons(statement):
                yield f"{statement.lineno}: imports {addon}"


def markup_offences(path):
    mine = owner(path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for code in re.findall(r"""['"](\w+)['"]""", line):
            if (
                code in CODES
                and code != mine
                and not (code == "sandbox" and about_environment(line))
            ):
                yield f"{number}: {code!r}"


def test_the_registry_knows_the_providers_looked_for():
    assert {"berlin_group", "polishapi", "sandbox"} <= set(CODES)


@pytest.mark.parametrize(
    "path", list(base_files(".py")), ids=lambda p: str(p.relative_to(REPO_ROOT))
)
def test_base_python_names_no_other_provider(path):
    offences = list(python_offences(path))
    assert not offences, f"{path.relative_to(REPO_ROOT)} names a provider: {offences}"


@pytest.mark.parametrize(
    "path",
    list(base_files(".xml", ".js", ".csv")),
    ids=lambda p: str(p.relative_to(REPO_ROOT)),
)
def test_base_views_and_data_name_no_other_provider(path):
    offences = list(markup_offences(path))
    assert not offences, f"{path.relative_to(REPO_ROOT)} names a provider: {offences}"


def test_the_check_catches_a_provider_branch(tmp_path):
    """What the base had before providers plugged in is caught."""
    branch = tmp_path / "bank_api_connection.py"
    branch.write_text(
        'def url(self):\n    if self.provider == "sandbox":\n        return 1\n'
    )
    listed = tmp_path / "bank_api_connection_mt940.py"
    listed.write_text('MT940_PROVIDERS = ("sandbox", "berlin_group")\n')
    view = tmp_path / "bank_api_connection_views.xml"
    view.write_text(
        """<field invisible="provider not in ('sandbox', 'berlin_group')"/>"""
    )
    assert list(python_offences(branch)) == ["2: 'sandbox'"]
    assert list(python_offences(listed)) == ["1: 'sandbox'", "1: 'berlin_group'"]
    assert list(markup_offences(view)) == ["1: 'sandbox'", "1: 'berlin_group'"]
    imports = tmp_path / "bank_api_sync_runner.py"
    imports.write_text("from odoo.addons.bank_api_sync_sandbox.core import client\n")
    assert list(python_offences(imports)) == ["1: imports bank_api_sync_sandbox"]
    fine = tmp_path / "bank_api_connection_berlin_group.py"
    fine.write_text(
        'def f(self):\n    if self.provider != "berlin_group":\n        return 1\n'
    )
    assert list(python_offences(fine)) == []
