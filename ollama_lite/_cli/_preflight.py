"""Checks before a corpus run: some host answers, and some host that answers has the model."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .. import Client
from .._errors import ModelNotFoundError, OllamaError

__all__ = ["PreflightError", "check_hosts"]


class PreflightError(Exception):
    """No work can start: the message names each host and what is wrong with it."""


def check_hosts(hosts: Sequence[str], model: str, *, timeout: float = 10.0) -> list[str]:
    """The hosts that answer and have `model`; raises `PreflightError` when there is none.

    Hosts that do not answer or lack the model are reported on standard error and left to
    the pool (it rests them and retries them later), as long as one host can do the work.
    """
    ready: list[str] = []
    problems: list[str] = []
    for host in hosts:
        try:
            with Client(host, max_retries=0, timeout=timeout) as client:
                client.version()
                client.show(model)
        except ModelNotFoundError:
            problems.append(f"{host}: does not have {model!r}")
        except OllamaError as exc:
            problems.append(f"{host}: {exc}")
        else:
            ready.append(host)
    if not ready:
        detail = "\n  ".join(problems)
        hint = f"\n(pull it with: ollama-lite pull {model} --hosts {','.join(hosts)})"
        missing_only = all("does not have" in problem for problem in problems)
        raise PreflightError(
            f"no host can embed with {model!r}:\n  {detail}" + (hint if missing_only else "")
        )
    for problem in problems:
        print(f"warning: {problem}; continuing with the other hosts", file=sys.stderr)
    return ready
