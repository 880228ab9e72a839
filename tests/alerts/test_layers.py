"""Importing any alerts module first works: the pipeline has no import circle to trip over.

Each module is imported in a fresh interpreter as early as Django allows (once the models are
loaded, before any app's ready() imports the rest of alerts), then the setup completes.
"""

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import alerts

ROOT = Path(__file__).resolve().parents[2]
# The module under test is imported just before the first app's ready() (the admin's imports
# every admin.py, alerts' imports its receivers): only the models, and what they import, are in.
FIRST_IMPORT = """
import importlib, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "settings.test"
import django
from django.apps import AppConfig

create = AppConfig.create.__func__
def create_importing_first(cls, entry):
    config = create(cls, entry)
    ready = config.ready
    def import_first_then_ready():
        importlib.import_module(sys.argv[1])
        ready()
    config.ready = import_first_then_ready
    return config
AppConfig.create = classmethod(create_importing_first)
django.setup()
print("ok")
"""

MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(alerts.__path__, "alerts.")
    if ".migrations" not in module.name
)


def test_every_module_is_found():
    assert {"alerts.recording", "alerts.fanout", "alerts.windows", "alerts.admin"} <= set(MODULES)


def test_every_module_has_its_layer():
    """A module the layers contract does not name may import anything: none is left out."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    top_level = {module.split(".")[1] for module in MODULES}
    assert top_level - layered == set()


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_importing_a_module_first_works(module):
    done = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORT, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
