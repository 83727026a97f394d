"""d. Import time, each import in a fresh interpreter.

The core packages are imported whole (`import ollama_lite`, `import ollama`); the LangChain
integrations both as packages and as users use them (`from ... import ChatOllama`):
`ollama_lite.langchain` imports its classes lazily, so the bare package import alone would
flatter it, while `import langchain_ollama` loads its chat model at once.
The child times only the import statement (`perf_counter` around it), so interpreter start
is not counted. Bytecode is cached for every package alike: the children write and read
.pyc files under one prefix in the temp directory (`PYTHONPYCACHEPREFIX`), even when the
environment sets PYTHONDONTWRITEBYTECODE, and an unmeasured first import fills that cache.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .._context import Context, available
from .._harness import LANGCHAIN, OLLAMA, OURS, Row, Target, Variant, interleave, skipped

__all__ = ["import_ms", "run"]

PYCACHE = Path(tempfile.gettempdir()) / "ollama_lite-bench-pycache"
_CHILD = (
    "import time, sys\n"
    "t = time.perf_counter()\n"
    "{statement}\n"
    "sys.stdout.write(repr((time.perf_counter() - t) * 1000))\n"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def import_ms(statement: str) -> float:
    """Milliseconds an import statement takes in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD.format(statement=statement)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    ).stdout
    return float(out.strip().splitlines()[-1])


def imports_ms_in_one_interpreter(statements: list[str]) -> list[float]:
    """Milliseconds of each statement, run one after another in one interpreter (smoke)."""
    code = "import time, sys\n" + "".join(
        f"t = time.perf_counter()\n{statement}\n"
        "sys.stdout.write(repr((time.perf_counter() - t) * 1000) + '\\n')\n"
        for statement in statements
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()
    ).stdout
    return [max(float(line), 1e-3) for line in out.split()]


def run(ctx: Context) -> list[Row]:
    """Three groups: the core package, the LangChain package, and its ChatOllama."""
    rows: list[Row] = []
    groups = [
        ("d. import time, core package",
         [(OURS, "ollama_lite", "import ollama_lite"), (OLLAMA, "ollama", "import ollama")],
         {OURS: Target("<= 0.5x of ollama", vs=OLLAMA, speedup=2.0)}),
        ("d. import time, LangChain package",
         [(OURS, "ollama_lite.langchain", "import ollama_lite.langchain"),
          (LANGCHAIN, "langchain_ollama", "import langchain_ollama")],
         {OURS: Target("<= 0.8x of langchain-ollama", vs=LANGCHAIN, speedup=1.25)}),
        ("d. import time, LangChain ChatOllama",
         [(OURS, "ollama_lite.langchain", "from ollama_lite.langchain import ChatOllama"),
          (LANGCHAIN, "langchain_ollama", "from langchain_ollama import ChatOllama")],
         {OURS: Target("<= 0.8x of langchain-ollama", vs=LANGCHAIN, speedup=1.25)}),
    ]  # fmt: skip
    smoke: dict[str, float] = {}
    if ctx.smoke:  # numbers only need to be sane: one interpreter times every statement
        wanted = [st for _, mods, _ in groups for _, module, st in mods if available(module)]
        smoke = dict(zip(wanted, imports_ms_in_one_interpreter(wanted), strict=True))
    for group, modules, targets in groups:
        variants = []
        missing = []
        statements = {name: statement for name, _, statement in modules}
        for name, module, statement in modules:
            if not available(module):
                missing.append(skipped(group, name, "ms", "lower", f"{module} not importable"))
                continue
            if statement in smoke:
                variants.append(Variant(name, functools.partial(smoke.__getitem__, statement)))
                continue
            import_ms(statement)  # fill the bytecode cache
            variants.append(Variant(name, functools.partial(import_ms, statement)))
        measured = interleave(variants, ctx.sizes.import_rounds, warmup=0)
        found = Row.from_measured(group, "ms", "lower", measured, targets)
        for row in found:
            row.note = f"`{statements[row.variant]}`"
        for row in missing:
            row.target = targets.get(row.variant)
        order = list(statements)
        rows += sorted([*found, *missing], key=lambda r: order.index(r.variant))
    return rows
