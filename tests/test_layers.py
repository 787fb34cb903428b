"""The layers hold (issue #20): import-linter checks the contracts in .importlinter — the database
side knows nothing of the bus, contracts import nothing of the project, services don't import each
other, and each service's rules and use cases import neither nameko, SQLAlchemy nor shared.web."""
import configparser
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import ROOT, SERVICES

# The files of the skeleton that meet the outside world (shared/README.md, "A service's files"):
# everything else in a service is its rules and use cases, and is listed in its contract.
EDGE = {"__init__", "__main__", "service", "http", "models", "storage", "schemas"}
EDGE_PACKAGES = {"migrations", "http", "storage"}


def contracts():
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    return parser


def test_import_linter_keeps_every_contract():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def rules_contracts():
    parser = contracts()
    return {name.split(":")[-1][:-len("-rules")]: parser[name] for name in parser.sections()
            if name.endswith("-rules")}


def test_every_service_has_its_rules_contract():
    assert sorted(rules_contracts()) == sorted(SERVICES)


@pytest.mark.parametrize("service", sorted(rules_contracts()))
def test_every_module_of_a_service_is_edge_or_checked_rules(service):
    """A module added to a service is either one of the skeleton's edge files or listed in the
    service's rules contract, so nothing new escapes the check."""
    assert service in SERVICES
    listed = {line.strip() for line in rules_contracts()[service]["source_modules"].split() if line.strip()}
    package = ROOT / "services" / service
    modules = {f"services.{service}.{path.stem}" for path in package.glob("*.py") if path.stem not in EDGE}
    modules |= {f"services.{service}.{path.name}" for path in package.iterdir()
                if path.is_dir() and (path / "__init__.py").exists() and path.name not in EDGE_PACKAGES}
    assert modules == listed, f"not listed: {sorted(modules - listed)}; listed but gone: {sorted(listed - modules)}"
