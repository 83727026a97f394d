"""Run examples and README snippets one after another in this one interpreter (so heavy imports
happen once), each as ``__main__`` with its own captured stdout/stderr; print the results as
JSON. Input on stdin: ``[{"key": ..., "path": ...} | {"key": ..., "code": ...}]``."""

from __future__ import annotations

import io
import json
import runpy
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from typing import Any


def _run(job: dict[str, str]) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            if "path" in job:
                runpy.run_path(job["path"], run_name="__main__")
            else:
                exec(compile(job["code"], f"<{job['key']}>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # report it like an interpreter would, then go on
            traceback.print_exc()
            status = 1
    return {"returncode": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main() -> None:
    """Read the jobs, run them in order, print ``{key: result}``."""
    jobs = json.load(sys.stdin)
    results = {job["key"]: _run(job) for job in jobs}
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
