"""The house rules that keep five more apps from copying the wrong thing, checked on the code itself:

- no app imports another app's private (underscore) name: what apps share is public, usually in core;
- every status field of every model has its one transition table (``core.transitions.Transitions``);
- every service that changes a status writes an audit row (itself, or every public service that reaches
  it through the module's own helpers does).

They read the source with ``ast`` (not a regex over text), so a comment or a string never counts.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps

import servicehall
from servicehall.core.transitions import Transitions

SRC = Path(servicehall.__file__).parent


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _app_of(dotted: str) -> str | None:
    """``servicehall.quality.services.x`` -> ``quality``; the project package itself has no app."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "servicehall" else None


def _own_app(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else ""


def test_no_app_imports_another_apps_private_name():
    found = []
    for rel, tree in _modules():
        own = _own_app(rel)
        module_aliases: dict[str, str] = {}  # local name -> app of a module imported from another app
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("servicehall"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    app = _app_of(target) if _app_of(node.module) is None else _app_of(node.module)
                    if app and app != own and alias.name.startswith("_"):
                        found.append(f"{rel}: from {node.module} import {alias.name}")
                    if app and app != own:
                        module_aliases[alias.asname or alias.name] = app
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    app = _app_of(alias.name)
                    if app and app != own and alias.asname:
                        module_aliases[alias.asname] = app
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr != "_meta"  # Django's public model API
            ):
                found.append(f"{rel}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, "private names used across apps:\n" + "\n".join(found)


def _tables() -> list[Transitions]:
    tables = []
    for config in apps.get_app_configs():
        if not config.name.startswith("servicehall."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        tables += [v for v in vars(module).values() if isinstance(v, Transitions)]
    return tables


def _status_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("servicehall."):
            continue
        for field in model._meta.concrete_fields:
            if field.name in {"status", "state"} and field.choices:
                yield model, field


def test_every_status_field_has_one_transition_table():
    tables = _tables()
    missing = []
    for model, field in _status_fields():
        values = {value for value, _label in field.choices}
        matching = [t for t in tables if t.field_name == field.name and set(t.status.values) == values]
        if not matching:
            missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, "status fields without a transition table: " + ", ".join(missing)


def test_every_table_leads_only_to_its_own_states_and_every_state_is_reachable_or_initial():
    for table in _tables():
        targets = set(table.edges.values())
        sources = {state for state, _action in table.edges}
        assert targets <= set(table.status.values)
        # a state nobody enters and nobody leaves is a state the table forgot
        forgotten = set(table.status.values) - targets - sources
        assert not forgotten, (table.status.__name__, forgotten)


def _service_modules():
    for rel, tree in _modules():
        parts = rel.parts
        if len(parts) >= 2 and (parts[1] == "services.py" or (len(parts) == 3 and parts[1] == "services")):
            yield rel, tree


def _changes_status(fn: ast.FunctionDef) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "transition":
                return True
            if name == "update" and any(k.arg in {"status", "state"} for k in node.keywords):
                return True
    return False


def _calls(fn: ast.FunctionDef) -> set[str]:
    out = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            func = node.func
            out.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return out


def test_every_service_that_changes_a_status_writes_an_audit_row():
    """A status change inside a helper is covered when every public service reaching it audits."""
    functions: dict[str, tuple[Path, ast.FunctionDef]] = {}
    for rel, tree in _service_modules():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                functions[f"{rel.parts[0]}:{node.name}"] = (rel, node)

    def audits(key: str, seen: frozenset = frozenset()) -> bool:
        """The function writes an audit row itself or through a helper of its app that does."""
        _rel, fn = functions[key]
        called = _calls(fn)
        if "audit_record" in called:
            return True
        app = key.split(":")[0]
        return any(
            f"{app}:{name}" in functions
            and f"{app}:{name}" not in seen
            and audits(f"{app}:{name}", seen | {key})
            for name in called
        )

    def public_callers(key: str) -> list[str]:
        app, name = key.split(":")
        return [k for k, (_r, fn) in functions.items() if k.startswith(app + ":") and name in _calls(fn)]

    def covered(key: str, seen: frozenset) -> bool:
        """Every path from an entry point (a service nobody in the app calls) down to ``key`` audits."""
        callers = [c for c in public_callers(key) if c not in seen]
        if not callers:
            return False  # an entry point that changes a status without an audit row
        return all(audits(c) or covered(c, seen | {c}) for c in callers)

    silent = [
        f"{rel}: {fn.name}"
        for key, (rel, fn) in functions.items()
        if _changes_status(fn) and not audits(key) and not covered(key, frozenset({key}))
    ]
    assert not silent, "status changes without an audit row:\n" + "\n".join(silent)


@pytest.mark.parametrize("package", ["servicehall"])
def test_every_module_stays_under_about_six_hundred_lines(package):
    too_long = []
    for info in pkgutil.walk_packages([str(SRC)], prefix="servicehall."):
        if ".migrations" in info.name:
            continue
        path = SRC.joinpath(*info.name.split(".")[1:])
        path = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 650:
            too_long.append(f"{info.name}: {lines}")
    assert not too_long, too_long
