"""The package version, written once: the package metadata reads it too (hatch, pyproject.toml)."""

__version__ = "0.1.0"
