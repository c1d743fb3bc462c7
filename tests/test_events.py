"""Every audit action another app listens for is recorded somewhere, by name.

Listeners (``accounts.audit.audit_listen``, in the listening apps' ``ready()``) and emitters
(``audit_record(action=...)``…) meet on the constants of the emitting app's ``events`` module
(``suppliers.events``, ``accounts.events``…). The registry says which actions are listened
for; the source says which constants the emitters pass. A listener left waiting for an action
nobody records any more (renamed, or its emitter removed) fails here.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from accounts.audit import audit_listened_actions

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "core", "reference", "suppliers", "exchange")

#: The calls that record the action given to them as ``action=``: the audit functions, and the
#: footprint workflow's and the footprint request workflow's moves, which pass theirs on to
#: ``audit_record`` / ``audit_event``.
RECORDING_CALLS = frozenset(
    {"audit_record", "audit_event", "footprint_move", "FootprintMove", "_request_move"}
)


def source_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def event_constants() -> dict[str, str]:
    """``"suppliers.events.FOOTPRINT_DEPRECATED"`` → ``"footprint.deprecated"``, for every
    ``events`` module of an app."""
    constants: dict[str, str] = {}
    for path in source_files():
        if path.name != "events.py":
            continue
        module = importlib.import_module(module_of(path))
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                constants[f"{module.__name__}.{name}"] = value
    return constants


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name → what it names, for the file's imports (``events`` → ``suppliers.events``)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
    return names


def _qualified(node: ast.expr, names: Mapping[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _qualified(node.value, names)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def recorded_constants(paths: Iterable[Path]) -> set[str]:
    """The event constants passed as ``action=`` to a recording call in ``paths``."""
    recorded: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        names = _imported_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in RECORDING_CALLS:
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        qualified = _qualified(keyword.value, names)
                        if qualified is not None:
                            recorded.add(qualified)
    return recorded


def literal_actions(paths: Iterable[Path], actions: set[str]) -> list[str]:
    """Where one of ``actions`` is spelled as a string in an ``action=`` or ``audit_listen``."""
    found: list[str] = []
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            values = [k.value for k in node.keywords if k.arg == "action"]
            if _call_name(node) == "audit_listen":
                values += node.args
            for value in values:
                if isinstance(value, ast.Constant) and value.value in actions:
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                    found.append(f"{where}:{value.lineno} {value.value!r}")
    return found


def unrecorded(
    listened: Mapping[str, Any], constants: dict[str, str], recorded: set[str]
) -> list[str]:
    """The listened-for actions that no recording call passes by name, each saying why."""
    missing: list[str] = []
    for action in sorted(listened):
        named = sorted(name for name, value in constants.items() if value == action)
        if not named:
            missing.append(f"{action}: no events module names it")
        elif not recorded.intersection(named):
            missing.append(f"{action}: {' / '.join(named)} is recorded nowhere")
    return missing


def test_other_apps_listen_for_the_actions_the_architecture_describes():
    assert sorted(audit_listened_actions()) == [
        "footprint.decision_changed",
        "footprint.deprecated",
        "footprint.published",
        "footprint.validation_passed",
        "footprint.verification_confirmed",
        "footprint.verification_declined",
        "footprint_request.fulfilled",
        "footprint_request.rejected",
        "grant.created",
        "grant.revoked",
        "membership.created",
        "organisation.created",
        "pact_fetched.superseded",
        "reference.version_loaded",
        "signing_key.revoked",
    ]


def test_every_action_someone_listens_for_is_recorded_by_name():
    missing = unrecorded(
        audit_listened_actions(), event_constants(), recorded_constants(source_files())
    )

    assert missing == []


def test_no_emitter_or_listener_spells_a_listened_action_out():
    assert literal_actions(source_files(), set(audit_listened_actions())) == []


def test_the_check_names_an_action_nobody_records(tmp_path):
    emitter = tmp_path / "emitter.py"
    emitter.write_text(
        "from suppliers import events\n"
        "from accounts.events import SIGNING_KEY_REVOKED\n"
        "audit_record(action=events.FOOTPRINT_DEPRECATED)\n"
        "audit_event(action=SIGNING_KEY_REVOKED)\n"
        "audit_record(action='grant.revoked')\n"
    )
    listened = {
        "footprint.deprecated": [],
        "signing_key.revoked": [],
        "grant.revoked": [],
        "nobody.records_this": [],
    }

    recorded = recorded_constants([emitter])

    assert recorded == {
        "suppliers.events.FOOTPRINT_DEPRECATED",
        "accounts.events.SIGNING_KEY_REVOKED",
    }
    assert unrecorded(listened, event_constants(), recorded) == [
        "grant.revoked: exchange.sharing.events.GRANT_REVOKED is recorded nowhere",
        "nobody.records_this: no events module names it",
    ]
    assert literal_actions([emitter], set(listened)) == ["emitter.py:5 'grant.revoked'"]
