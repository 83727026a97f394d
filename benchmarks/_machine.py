"""What the numbers were measured on: CPU, cores, Python, package versions, load."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

__all__ = ["PACKAGES", "cpu_model", "load_average", "machine", "versions"]

PACKAGES = (
    "ollama-lite",
    "ollama",
    "langchain-ollama",
    "langchain-core",
    "httpx",
    "httpcore",
    "msgspec",
    "pydantic",
    "anyio",
    "uvicorn",
    "h11",
    "aiohttp",
    "trio",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """Machine facts, for the results file."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "CPU": cpu_model(),
        "Cores": f"{os.cpu_count()} (usable: {affinity or os.cpu_count()})",
        "Python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
    }


def versions() -> dict[str, str]:
    """Installed versions of the measured packages and what they are built on."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
