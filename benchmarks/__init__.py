"""Side-by-side benchmarks: ollama_lite against the official `ollama` and `langchain-ollama`.

Run `python benchmarks/run.py` (or `nox -s bench`); see `benchmarks/README.md`.
"""
