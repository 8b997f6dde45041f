"""Write each addon's README.rst from its readme/ fragments, as OCA's readme generator does.

The fragments use the subset of Markdown that is also valid reStructuredText (paragraphs,
lists, *emphasis*, **strong**, ``literals``), so they are copied as they are under the
sections DESCRIPTION, CONFIGURE and USAGE, and CONTRIBUTORS and CREDITS under "Credits"
(after the authors, read from the manifest), as in OCA's README template.

Usage: python scripts/addon_readme.py [--check] ADDON_DIR...
(--check: write nothing, exit 1 when a README.rst is not up to date)
"""

import ast
import sys
from pathlib import Path

SECTIONS = [("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage")]
CREDITS_SECTIONS = [("CONTRIBUTORS.md", "Contributors"), ("CREDITS.md", "Other credits")]
BADGES = """\
.. |badge1| image:: https://img.shields.io/badge/maturity-{status}-red.png
    :target: https://odoo-community.org/page/development-status
    :alt: {status}
.. |badge2| image:: https://img.shields.io/badge/license-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3

|badge1| |badge2|
"""


def heading(title, char):
    return f"{title}\n{char * len(title)}\n"


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    readme = addon / "readme"
    name = manifest["name"]
    parts = [
        f"{'=' * len(name)}\n{name}\n{'=' * len(name)}\n",
        BADGES.format(status=manifest.get("development_status", "Beta")),
        (readme / "DESCRIPTION.md").read_text().strip() + "\n",
    ]
    sections = [(f, t) for f, t in SECTIONS if (readme / f).exists()]
    if sections:
        parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for fragment, title in sections:
        parts.append(heading(title, "="))
        parts.append((readme / fragment).read_text().strip() + "\n")
    parts.append(heading("Credits", "="))
    parts.append(heading("Authors", "-"))
    parts.append(f"* {manifest['author']}\n")
    for fragment, title in CREDITS_SECTIONS:
        if (readme / fragment).exists():
            parts.append(heading(title, "-"))
            parts.append((readme / fragment).read_text().strip() + "\n")
    return "\n".join(parts)


def main(args):
    check = "--check" in args
    stale = []
    for path in (arg for arg in args if arg != "--check"):
        addon = Path(path)
        target = addon / "README.rst"
        content = render(addon)
        if check:
            if not target.exists() or target.read_text() != content:
                stale.append(str(target))
        else:
            target.write_text(content)
    for target in stale:
        print(f"{target} is out of date: run make readme", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
