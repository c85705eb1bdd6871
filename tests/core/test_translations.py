"""The translation files load the way Odoo reads them: each entry of a .po,
merged with its .pot, names its module (Odoo fails on the first one that does
not, and with it every translated message of the add-on)."""

import re

import polib
import pytest

from ..conftest import ADDONS, REPO_ROOT

PO_FILES = sorted(
    path for addon in ADDONS for path in (REPO_ROOT / addon / "i18n").glob("*.po")
)
MODULE_COMMENT = re.compile(r"(module[s]?): (\w+)")


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_entry_names_its_module(path):
    catalog = polib.pofile(str(path))
    templates = list(path.parent.glob("*.pot"))
    if templates:
        catalog.merge(polib.pofile(str(templates[0])))
    nameless = [
        entry.msgid[:60]
        for entry in catalog
        if not entry.obsolete and not MODULE_COMMENT.match(entry.comment)
    ]
    assert not nameless, f"{path.name}: entries without '#. module:': {nameless}"


def test_there_are_translations_to_check():
    assert PO_FILES
