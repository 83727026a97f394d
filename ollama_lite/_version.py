"""The package version at runtime; `pyproject.toml` repeats it, so change both together."""

__version__ = "0.1.0"
