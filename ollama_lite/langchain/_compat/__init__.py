"""Code that depends on the internals of a third-party library (here pydantic and
langchain-core). When one of them upgrades, look here first; each module checks itself at
import and falls back to the public API if the check fails."""
