"""Where the program finds its reviewed data: protocols/, config/ and models/.

They stay at the repository's top level, and `voice_therapist/data/` links to them, so an
editable install reads them in place and a wheel carries a copy as package data
(pyproject.toml's package-data). Every module asks here instead of counting parent folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


class DataMissing(FileNotFoundError):
    """The package was installed without its data; the message says what is missing."""


def data_path(*parts: str) -> Path:
    """A file or folder under protocols/, config/ or models/, e.g. data_path("protocols", "cbt.yaml")."""
    root = files("voice_therapist") / "data"
    if not isinstance(root, Path):  # a zipped install: the YAML loaders and onnxruntime need real files
        raise DataMissing("voice_therapist must be installed as files, not from a zip archive")
    path = root.joinpath(*parts).resolve()
    if not (root / parts[0]).exists():
        raise DataMissing(f"{root / parts[0]} is missing: reinstall voice-therapist (pip install .)")
    return path


def source_tree() -> Path:
    """The checkout the package runs from: benchmarks and training scripts read tests/data and
    ../shared/datasets beside it, which no wheel carries."""
    return Path(__file__).resolve().parent.parent
