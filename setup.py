"""Package discovery for the two source roots (metadata lives in pyproject.toml).

The import name ``llmrelay`` maps to ``runtime/`` and ``llmrelay.generated`` to ``generated/``;
setuptools' automatic discovery cannot rename packages, so the list is computed here.
"""

from pathlib import Path

from setuptools import setup

ROOTS = {"llmrelay": Path("runtime"), "llmrelay.generated": Path("generated")}


def _packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for name, root in ROOTS.items():
        for init in sorted(root.rglob("__init__.py")):
            rel = init.parent.relative_to(root)
            if "__pycache__" in rel.parts or (name == "llmrelay" and rel.parts[:1] == ("generated",)):
                continue
            dotted = ".".join((name, *rel.parts)) if rel.parts else name
            packages.append(dotted)
            package_dir[dotted] = str(init.parent)
    return packages, package_dir


_PACKAGES, _PACKAGE_DIR = _packages()
setup(packages=_PACKAGES, package_dir=_PACKAGE_DIR)
