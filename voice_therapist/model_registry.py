"""The default models, found inside the PyPI packages that ship them. Never a hub."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import yaml

from .resources import data_path

REGISTRY_FILE = data_path("models", "registry.yaml")


class ModelNotFound(RuntimeError):
    """A model file is missing; the message says which package to install."""


@dataclass(frozen=True)
class ModelEntry:
    name: str
    kind: str
    package: str  # the PyPI distribution
    module: str  # the importable module inside it
    path: str  # file or folder relative to the module's directory
    size_bytes: int
    sha256: str  # of the file, or of the main file for a folder (see check_file)
    check_file: str = ""
    license: str = ""  # the model's own licence, as its authors give it

    def location(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise ModelNotFound(f"model {self.name}: package {self.package} is not installed (pip install {self.package})")
        found = Path(next(iter(spec.submodule_search_locations))) / self.path
        if not found.exists():
            raise ModelNotFound(f"model {self.name}: {found} is missing from package {self.package}")
        return found

    def verify(self) -> Path:
        """The location, after checking the file's size and SHA-256 against the registry."""
        where = self.location()
        target = where / self.check_file if self.check_file else where
        size = target.stat().st_size
        if size != self.size_bytes:
            raise ModelNotFound(f"model {self.name}: {target} has {size} bytes, expected {self.size_bytes}")
        digest = hashlib.sha256()
        with target.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != self.sha256:
            raise ModelNotFound(f"model {self.name}: {target} checksum does not match the registry")
        return where


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, ModelEntry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: ModelEntry(name=name, **fields) for name, fields in data.get("models", {}).items()}


def resolve_model_path(name: str, configured: str) -> Path:
    """'default' means the registry's entry; anything else is a path the operator chose."""
    if configured and configured != "default":
        path = Path(configured).expanduser()
        if not path.exists():
            raise ModelNotFound(f"configured model path {path} does not exist")
        return path
    entries = load_registry()
    if name not in entries:
        raise ModelNotFound(f"model {name} is not in {REGISTRY_FILE}")
    return entries[name].location()
