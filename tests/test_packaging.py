"""What `pip install .` gives a newcomer: every import declared, test tools kept out of the
runtime, the lock covering both, and a wheel that runs from outside the checkout."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEST_ONLY = {"pytest", "pytest-asyncio", "hypothesis", "playwright", "ruff"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    return {normalized(Requirement(r).name) for r in requirements}


RUNTIME = declared(PYPROJECT["project"]["dependencies"])
TEST_EXTRA = declared(PYPROJECT["project"]["optional-dependencies"]["test"])


def imported_modules(package: Path) -> dict[str, Path]:
    """Top-level modules imported anywhere in the package, outside the standard library."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "voice_therapist":
                    found.setdefault(top, path.relative_to(ROOT))
    return found


def test_every_module_the_program_imports_is_a_declared_dependency():
    providers = packages_distributions()
    undeclared = []
    for module, where in imported_modules(ROOT / "voice_therapist").items():
        dists = {normalized(d) for d in providers.get(module, [])}
        if not dists & RUNTIME:
            undeclared.append(f"{module} ({where}; installed by {sorted(dists) or 'nothing'})")
    assert not undeclared, "imported but not in pyproject.toml's dependencies: " + ", ".join(undeclared)


def test_test_tools_are_an_extra_and_not_runtime_dependencies():
    assert TEST_ONLY <= TEST_EXTRA
    assert not TEST_ONLY & RUNTIME


def test_the_lock_pins_every_runtime_and_test_dependency():
    pinned = {normalized(line.split("==")[0]) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if line and not line.startswith("#")}
    assert not (RUNTIME | TEST_EXTRA) - pinned, "add them to requirements.lock"


def source_copy(destination: Path) -> Path:
    """The files a clone would have (tracked, plus new files not yet committed), links kept as links."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, destination / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """The wheel built from a clean copy, installed alone in a fresh virtual environment whose
    dependencies come from this one (a .pth line), so it needs no index and installs in seconds."""
    base = tmp_path_factory.mktemp("wheel")
    source = source_copy(base / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(base / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((base / "dist").glob("voice_therapist-*.whl"))
    fresh = base / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "project-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True)
    return fresh, base


def run_installed(fresh: Path, base: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICE_THERAPIST_DATA_DIR": str(base / "data")}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(fresh / "bin" / "voice-therapist"), *args], cwd=base, env=env, input=stdin,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_wheel_carries_the_data_and_its_dependencies_are_installed(installed_wheel):
    fresh, base = installed_wheel
    probe = ("import json, voice_therapist.resources as r; from importlib.metadata import requires, distribution\n"
             "from packaging.requirements import Requirement\n"
             "missing = []\n"
             "for line in requires('voice-therapist'):\n"
             "    req = Requirement(line)\n"
             "    if req.marker and not req.marker.evaluate({'extra': ''}): continue\n"
             "    try: distribution(req.name)\n"
             "    except Exception: missing.append(req.name)\n"
             "print(json.dumps({'module': r.__file__, 'protocols': str(r.data_path('protocols')),\n"
             "    'tuned': r.data_path('models', 'crisis_tuned', 'weights.safetensors').is_file(), 'missing': missing}))")
    done = subprocess.run([str(fresh / "bin" / "python"), "-c", probe], cwd=base, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["module"].startswith(str(fresh)), "the module came from the checkout, not the wheel"
    assert found["protocols"].startswith(str(fresh)) and found["tuned"]
    assert not found["missing"]


@pytest.mark.slow
def test_the_installed_command_checks_and_classifies_from_outside_the_checkout(installed_wheel):
    fresh, base = installed_wheel
    check = run_installed(fresh, base, "check")
    assert check.returncode == 0, check.stderr[-2000:]
    assert "configuration, protocols and models are ready" in check.stdout

    lines = "I wish I could sleep and not wake up\nWe had a lovely walk by the river on Sunday\n"
    classify = run_installed(fresh, base, "classify", "crisis", stdin=lines)
    assert classify.returncode == 0, classify.stderr[-2000:]
    levels = [json.loads(line)["level"] for line in classify.stdout.splitlines()]
    assert levels[0] not in ("none", "watch") and levels[1] == "none", levels
