"""Routes that move model data: blobs, ``/api/create``, ``/api/pull``, ``/api/push``."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from typing import Any

from ._asgi import Exchange
from ._models import KNOWN_CAPABILITIES, FakeModel, spec_for_pull
from ._names import ModelName, parse_name
from ._state import ModelEntry, State
from ._validate import Fields, check_messages, fail
from ._wire import encode, go_quote

_DIGEST_RE = re.compile(r"sha256[:-][0-9a-fA-F]{64}")
_BLOBS_PREFIX = "/api/blobs/"
_SUCCESS = {"status": "success"}
PULL_FAILS_PREFIX = "nonexistent"
_BLOBS_DIR = "/root/.ollama/models/blobs"  # where show's modelfile says blobs live
_NO_MANIFEST = "pull model manifest: file does not exist"
_NOT_AUTHORIZED = (
    "you are not authorized to push to this namespace, create the model under a namespace you own"
)


def _blob_key(digest: str) -> str:
    return "sha256:" + digest[7:].lower()


def _transfer(verb: str, layers: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Per-layer progress, interleaved across layers like concurrent downloads."""
    lines: list[dict[str, Any]] = [
        {"status": f"{verb} {digest[7:19]}", "digest": digest, "total": size}
        for digest, size in layers
    ]
    for step in (1, 2, 3):
        lines.extend(
            {
                "status": f"{verb} {digest[7:19]}",
                "digest": digest,
                "total": size,
                "completed": max(size * step // 3, 1),
            }
            for digest, size in layers
        )
    return lines


class Transfer:
    """Handlers for blobs and for the progress-streaming model operations."""

    def __init__(self, state: State) -> None:
        self.state = state

    async def _progress(
        self,
        ex: Exchange,
        stream: bool,
        lines: list[dict[str, Any]],
        commit: Callable[[], None] | None,
        error: tuple[int, str] | None = None,
    ) -> None:
        """Stream progress lines then success (``commit`` runs first) or an in-stream error."""
        if not stream:
            if error is not None:
                fail(*error)
            if commit is not None:
                commit()
            await ex.unary(encode(_SUCCESS), 0, 0.0)
            return

        def final() -> bytes:
            if error is not None:
                return encode({"error": error[1]}) + b"\n"
            if commit is not None:
                commit()
            return encode(_SUCCESS) + b"\n"

        last = lines[-1] if lines else {"status": "waiting"}
        encoded = [encode(line) + b"\n" for line in lines]
        await ex.stream(encoded, final, lambda _n: encode(last) + b"\n", 0.0)

    # -- blobs -----------------------------------------------------------------------------
    async def blob_head(self, ex: Exchange) -> None:
        digest = ex.path[len(_BLOBS_PREFIX) :]
        if not _DIGEST_RE.fullmatch(digest):
            fail(400, "invalid digest format")
        if _blob_key(digest) not in self.state.blobs:
            fail(404, f"blob {go_quote(digest)} not found")
        await ex.respond(200, b"", None)

    async def blob_post(self, ex: Exchange) -> None:
        """Stream-hash the upload; 201 when stored, 200 when already present (body unread)."""
        digest = ex.path[len(_BLOBS_PREFIX) :]
        if not _DIGEST_RE.fullmatch(digest):
            ex.record(b"", 0)
            fail(400, "invalid digest format")
        if _blob_key(digest) in self.state.blobs:
            ex.record(b"", 0)
            await ex.respond(200, b"", None)
            return
        hasher = hashlib.sha256()
        limit = self.state.settings.record_body_limit
        kept = bytearray()
        size = 0
        while True:
            message = await ex.receive()
            if message["type"] == "http.disconnect":
                ex.gone_away()
            chunk = message.get("body", b"")
            hasher.update(chunk)
            size += len(chunk)
            if len(kept) < limit:
                kept += chunk[: limit - len(kept)]
            if not message.get("more_body", False):
                break
        ex.record(bytes(kept), size)
        got = "sha256:" + hasher.hexdigest()
        if got != digest:
            fail(400, f"digest mismatch, expected {go_quote(digest)}, got {go_quote(got)}")
        with self.state.lock:
            self.state.blobs[got] = (size, bytes(kept[:4]))
        await ex.respond(201, b"", None)

    # -- pull / push -----------------------------------------------------------------------
    def _pulled_entry(self, name: ModelName) -> ModelEntry:
        with self.state.lock:
            existing = self.state.models.get(name.key)
            known = [e.spec for e in self.state.models.values()] + self.state.initial_models
        spec = existing.spec if existing else spec_for_pull(name, known)
        return ModelEntry(name, spec)

    def _pull_lines(self, name: ModelName) -> tuple[list[dict[str, Any]], ModelEntry | None]:
        lines: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        if name.model.lower().startswith(PULL_FAILS_PREFIX):
            return lines, None
        entry = self._pulled_entry(name)
        lines += _transfer("pulling", entry.layers())
        lines += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"}]
        return lines, entry

    async def pull(self, ex: Exchange) -> None:
        req = Fields(ex.json_object("PullRequest"), "PullRequest")
        model = req.string("model") or req.string("name")
        req.boolean("insecure")
        stream = req.stream()
        name = parse_name(model)
        if name is None:
            fail(400, "invalid model name")
        lines, entry = self._pull_lines(name)
        if entry is None:
            await self._progress(ex, stream, lines, None, (500, _NO_MANIFEST))
            return
        await self._progress(ex, stream, lines, lambda: self.state.put(entry))

    async def push(self, ex: Exchange) -> None:
        req = Fields(ex.json_object("PushRequest"), "PushRequest")
        model = req.string("model") or req.string("name")
        req.boolean("insecure")
        stream = req.stream()
        if not model:
            fail(400, "model is required")
        name = parse_name(model)
        if name is None:
            fail(400, "invalid model name")
        lines: list[dict[str, Any]] = [{"status": "retrieving manifest"}]
        entry = self.state.models.get(name.key)
        if entry is None:
            lines.append({"status": "couldn't retrieve manifest"})
            await self._progress(ex, stream, lines, None, (500, f"model '{model}' not found"))
            return
        if not name.has_namespace:
            await self._progress(ex, stream, lines, None, (500, _NOT_AUTHORIZED))
            return
        lines += _transfer("pushing", entry.layers())
        lines.append({"status": "pushing manifest"})
        await self._progress(ex, stream, lines, None)

    # -- create ----------------------------------------------------------------------------
    async def create(self, ex: Exchange) -> None:
        req = Fields(ex.json_object("CreateRequest"), "CreateRequest")
        model = req.string("model") or req.string("name")
        source = req.string("from")
        files = self._file_map(req, "files")
        adapters = self._file_map(req, "adapters")
        template, system = req.string("template"), req.string("system")
        parameters = req.mapping("parameters") or {}
        messages = req.array("messages", "[]api.Message") or []
        check_messages(messages)
        license_text = self._license(req.data.get("license"))
        quantize = req.string("quantize") or req.string("quantization")
        info = req.mapping("info") or {}
        stream = req.stream()
        capabilities = self._capabilities(info)
        name = parse_name(model)
        if name is None:
            fail(400, "invalid model name")
        if not source and not files:
            fail(400, "neither 'from' or 'files' was specified")
        for digest in {**files, **adapters}.values():
            if _blob_key(digest) not in self.state.blobs:
                # Ollama fails opening the blob inside the create job: 500, or an error line
                missing = f"{_BLOBS_DIR}/sha256-{_blob_key(digest)[7:]}"
                error = (500, f"open {missing}: no such file or directory")
                await self._progress(ex, stream, [], None, error)
                return

        lines: list[dict[str, Any]] = []
        base: FakeModel
        parent = ""
        if source:
            from_name = parse_name(source)
            if from_name is None:
                fail(400, "invalid model name")
            found = self.state.models.get(from_name.key)
            if found is None:
                pull_lines, found = self._pull_lines(from_name)
                lines += pull_lines
                if found is None:
                    await self._progress(ex, stream, lines, None, (500, _NO_MANIFEST))
                    return
                self.state.put(found)
            base = found.spec
            parent = found.display
            messages = messages or list(found.messages)
            lines += [{"status": f"using existing layer {d}"} for d, _ in found.layers()[:1]]
        else:
            base = self._spec_from_files(name, files, info)
            for path, digest in files.items():
                if self._kind(path, digest) == "gguf":
                    lines.append({"status": "parsing GGUF"})
                lines.append({"status": f"using existing layer {_blob_key(digest)}"})
        spec = dataclasses.replace(
            base,
            name=name.display if not source else base.name,
            template=template or base.template,
            system=system or base.system,
            license=license_text or base.license,
            parameters={**base.parameters, **parameters},
            capabilities=capabilities or base.capabilities,
            quantization_level=quantize.upper() if quantize else base.quantization_level,
        )
        for kind, value in (
            ("template", template),
            ("system", system),
            ("license", license_text),
            ("params", parameters),
            ("messages", messages if messages else None),
        ):
            if value:
                layer = hashlib.sha256(f"{kind}|{value}".encode()).hexdigest()
                lines.append({"status": f"creating new layer sha256:{layer}"})
        if quantize:
            lines.append(
                {
                    "status": f"quantizing F16 model to {quantize.upper()}",
                    "digest": "0000000000000000000",
                    "total": base.size,
                    "completed": base.size,
                }
            )
        lines.append({"status": "writing manifest"})
        entry = ModelEntry(name, spec, messages=list(messages), parent_model=parent)
        await self._progress(ex, stream, lines, lambda: self.state.put(entry))

    @staticmethod
    def _file_map(req: Fields, key: str) -> dict[str, str]:
        files = req.mapping(key, "map[string]string") or {}
        for path, digest in files.items():
            if not isinstance(digest, str):
                fail(
                    400,
                    f"json: cannot unmarshal {type(digest).__name__} into Go struct field "
                    f"CreateRequest.{key} of type string",
                )
            parts = path.split("/")
            if (
                path in ("", ".")
                or path.startswith("/")
                or ".." in parts
                or any(c in path for c in "\\:")
            ):
                fail(400, f"file path must be relative: {path}")
            if not digest:
                fail(400, "invalid digest format")
            if not _DIGEST_RE.fullmatch(digest):
                fail(400, f"invalid digest for {path}: invalid digest format")
        return files

    @staticmethod
    def _license(value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "\n".join(value)
        fail(400, "license must be a string or an array of strings")

    @staticmethod
    def _capabilities(info: dict[str, Any]) -> tuple[str, ...]:
        caps = info.get("capabilities")
        if caps is None:
            return ()
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            fail(400, 'info field "capabilities" must be an array of strings')
        for cap in caps:
            if cap not in KNOWN_CAPABILITIES:
                fail(400, f"unknown capability: {go_quote(cap)}")
        return tuple(caps)

    def _kind(self, path: str, digest: str) -> str:
        if path.endswith(".safetensors"):
            return "safetensors"
        if path.endswith(".gguf"):
            return "gguf"
        head = self.state.blobs.get(_blob_key(digest), (0, b""))[1]
        return "gguf" if head in (b"GGUF", b"FUGG") else ""

    def _spec_from_files(
        self, name: ModelName, files: dict[str, str], info: dict[str, Any]
    ) -> FakeModel:
        kinds = {self._kind(path, digest) for path, digest in files.items()} - {""}
        if not kinds:
            fail(400, "unknown type")
        if len(kinds) > 1:
            fail(400, "mixed model file types: found both gguf and safetensors inputs")
        size = sum(self.state.blobs[_blob_key(d)][0] for d in files.values())
        family = info.get("model_family")
        parameter_size = info.get("parameter_size")
        context = info.get("context_length")
        return FakeModel(
            name=name.display,
            family=family if isinstance(family, str) and family else "llama",
            parameter_size=parameter_size if isinstance(parameter_size, str) else "1.0B",
            quantization_level="F16",
            size=max(size, 1),
            format=kinds.pop(),
            context_length=context if isinstance(context, int) and context > 0 else 4096,
        )
