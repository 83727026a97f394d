# Generated from ollama_lite/_async/catalog.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The endpoints of `Client` about the models on the server: list, show, ps, copy,
delete (a base class, so `client.py` stays about the client itself)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from .. import _protocol as protocol
from .._request_options import call_arguments
from ..types import ListResponse, ProcessResponse, ShowResponse, StatusResponse
from ..types.params import NOT_GIVEN, NotGiven
from .sender import Sender

__all__ = ["CatalogEndpoints"]


class CatalogEndpoints:
    """Endpoints that list, describe, copy and delete the models on the server."""

    _session: Sender

    def list(
        self,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ListResponse:
        """Models stored on the server."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.list_models(), options=options)

    def show(
        self,
        model: str,
        *,
        verbose: bool | None = None,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ShowResponse:
        """Details of a model: parameters, template, capabilities, model_info, ..."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.show(model, verbose=verbose), options=options)

    def ps(
        self,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProcessResponse:
        """Models loaded in memory now."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.ps(), options=options)

    def copy(
        self,
        source: str,
        destination: str,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> StatusResponse:
        """Copy a model under a new name."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.copy(source, destination), options=options)

    def delete(
        self,
        model: str,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> StatusResponse:
        """Delete a model from the server."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.delete(model), options=options)
