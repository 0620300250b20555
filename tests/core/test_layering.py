"""Core knows no domain: nothing under ``servicehall/core`` imports catalog, queueing, appointments,
quality, kiosk, live or the demo. Domains depend on core, never the other way round; the demo, which needs
every domain, is an app of its own. Imports are read with ``ast`` (a comment or a string does not count;
``import x``, ``from x import y``, ``from servicehall import x`` and relative imports all do)."""

import ast
from pathlib import Path

import servicehall

DOMAINS = {
    "catalog",
    "queueing",
    "appointments",
    "quality",
    "kiosk",
    "live",
    "navigation",
    "demo",
    "customers",
    "feedback",
    "consult",
}
ROOT = Path(servicehall.__file__).parent


def _imported_modules(root: Path, path: Path) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every module the file imports, relative imports resolved."""
    package = ["servicehall", *path.relative_to(root).with_suffix("").parts[:-1]]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
            # ``from servicehall import catalog`` imports the package catalog.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _domain_imports(root: Path, app: str) -> list[str]:
    bad = []
    for path in sorted((root / app).rglob("*.py")):
        for line, module in _imported_modules(root, path):
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "servicehall" and parts[1] in DOMAINS:
                bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


def test_core_imports_no_domain_app():
    assert _domain_imports(ROOT, "core") == []


def test_the_check_sees_every_form_of_import(tmp_path):
    fake_root = tmp_path / "servicehall"
    (fake_root / "core" / "sub").mkdir(parents=True)
    (fake_root / "core" / "sub" / "a.py").write_text(
        "import servicehall.queueing.models\n"
        "from servicehall.catalog import services\n"
        "from servicehall import demo\n"
        "from ...live import hub\n"
        "# from servicehall.quality import nothing (a comment)\n"
        "TEXT = 'import servicehall.appointments'\n"
        "from servicehall.core import audit\n"
    )
    bad = _domain_imports(fake_root, "core")
    assert [b.split(" imports ")[1] for b in bad] == [
        "servicehall.queueing.models",
        "servicehall.catalog",
        "servicehall.catalog.services",
        "servicehall.demo",
        "servicehall.live",
        "servicehall.live.hub",
    ]
