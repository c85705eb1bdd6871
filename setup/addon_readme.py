"""Build each add-on's README.md from its readme/ fragments (OCA layout).

.venv/bin/python setup/addon_readme.py          rewrite the README.md files
.venv/bin/python setup/addon_readme.py --check  fail if one is out of date
"""

import ast
import sys

from odoo_env import ADDONS, REPO_ROOT

SECTIONS = (
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
)


def render(addon):
    folder = REPO_ROOT / addon
    manifest = ast.literal_eval((folder / "__manifest__.py").read_text())
    parts = [f"# {manifest['name']}\n\n{manifest['summary']}\n"]
    for fragment, title in SECTIONS:
        path = folder / "readme" / fragment
        if path.exists():
            body = path.read_text(encoding="utf-8").strip()
            parts.append(f"## {title}\n\n{body}\n" if title else f"{body}\n")
    parts.append(
        "<!-- Generated from readme/ by setup/addon_readme.py: edit those files. -->\n"
    )
    return "\n".join(parts)


def main(check):
    stale = []
    for addon in ADDONS:
        target = REPO_ROOT / addon / "README.md"
        content = render(addon)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != content:
            stale.append(addon)
            if not check:
                target.write_text(content, encoding="utf-8")
    if check and stale:
        print(
            f"README.md out of date in {', '.join(stale)}: "
            "run .venv/bin/python setup/addon_readme.py"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
