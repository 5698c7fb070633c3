"""The layers are enforced (issue 7): standards ← registry ← library ← portal ← the rest.

``make test`` runs ``lint-imports`` with the contracts in ``pyproject.toml``. These tests
prove the contracts hold on the code as it is, and that they do fail: a copy of the
package with one deliberately wrong import (the registry reaching up into the portal,
or an app reading another app's models) breaks them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root):
    """Run import-linter on the ``jiyue`` package under ``root``; return (exit code, output)."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def package_copy(tmp_path):
    """A copy of ``jiyue/`` and ``pyproject.toml`` to break on purpose."""
    shutil.copytree(
        ROOT / "jiyue", tmp_path / "jiyue", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_import_contract():
    code, output = lint_imports(ROOT)
    assert code == 0, output
    assert "BROKEN" not in output


def test_registry_importing_the_portal_breaks_the_layers(package_copy):
    module = package_copy / "jiyue" / "registry" / "hosting.py"
    module.write_text(module.read_text() + "\nfrom jiyue.portal.models import HomePage  # noqa\n")
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "jiyue.registry is not allowed to import jiyue.portal" in output
    assert "jiyue.registry.hosting -> jiyue.portal.models" in output


def test_an_import_hidden_in_a_function_breaks_the_layers_too(package_copy):
    module = package_copy / "jiyue" / "library" / "services.py"
    module.write_text(
        module.read_text() + "\n\ndef _sneaky():\n    from jiyue.portal import services\n"
    )
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "jiyue.library is not allowed to import jiyue.portal" in output


def test_reading_another_apps_models_breaks_the_services_contract(package_copy):
    module = package_copy / "jiyue" / "portal" / "feeds.py"
    module.write_text(module.read_text() + "\nfrom jiyue.registry.models import Organization\n")
    code, output = lint_imports(package_copy)
    assert code != 0
    assert "jiyue.portal.feeds -> jiyue.registry.models" in output
