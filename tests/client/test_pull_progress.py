"""`pull(model, progress=True)`: one call shows the download; the display reads well."""

from __future__ import annotations

import io

import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client, PullProgress, RequestError
from ollama_lite.testing import FakeOllama
from ollama_lite.types import ProgressResponse

GB = 1_000_000_000


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def events() -> list[ProgressResponse]:
    parts = [ProgressResponse(status="pulling manifest")]
    # Two layers downloading in parallel, interleaved as a real server reports them.
    for step in range(0, 11):
        parts.append(
            ProgressResponse(
                status="pulling aaa", digest="sha256:a", total=2 * GB, completed=step * GB // 5
            )
        )
        parts.append(
            ProgressResponse(
                status="pulling bbb", digest="sha256:b", total=GB, completed=step * GB // 10
            )
        )
    parts += [
        ProgressResponse(status="verifying sha256 digest"),
        ProgressResponse(status="success"),
    ]
    return parts


def test_a_log_gets_a_line_per_status_and_per_ten_percent() -> None:
    out = io.StringIO()
    display = PullProgress(out)
    for part in events():
        display(part)
    display.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "pulling manifest"
    assert lines[-2:] == ["verifying sha256 digest", "success"]
    layer_lines = lines[1:-2]
    assert layer_lines[-1] == "pulling 2 layers  100%  3.0 GB / 3.0 GB"
    assert 5 <= len(layer_lines) <= 12, layer_lines  # bounded, whatever the event count
    assert all(line.startswith("pulling ") and "%" in line for line in layer_lines)


def test_a_terminal_line_is_redrawn_in_place() -> None:
    out = Terminal()
    display = PullProgress(out)
    for part in events():
        display(part)
    display.close()
    text = out.getvalue()
    assert text.startswith("pulling manifest\n\r")
    assert text.count("\n") == 4  # manifest, the layer line once finished, verifying, success
    assert "\rpulling 2 layers  100%  3.0 GB / 3.0 GB\x1b[K\nverifying sha256 digest\n" in text


def test_pull_with_progress_shows_it_on_stderr_in_one_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeOllama() as fake, Client(fake.url) as client:
        final = client.pull("mistral", progress=True)
    assert final.status == "success"
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "pulling manifest" and lines[-1] == "success"
    assert any(line.startswith("pulling ") and line.endswith(" GB") for line in lines)
    assert "verifying sha256 digest" in lines


def test_pull_progress_can_be_a_callable() -> None:
    seen: list[ProgressResponse] = []
    with FakeOllama() as fake, Client(fake.url) as client:
        final = client.pull("mistral", progress=seen.append)
        assert seen[-1] is final and len(seen) > 5
        assert any(part.digest for part in seen)
        assert fake.last_request is not None and fake.last_request.json["stream"] is True
        with pytest.raises(RequestError, match="without stream=True"):
            client.pull("mistral", stream=True, progress=True)  # type: ignore[call-overload]
        with pytest.raises(RequestError, match="progress must be"):
            client.pull("mistral", progress="yes")  # type: ignore[arg-type]
        with pytest.raises(ollama_lite.ResponseError):
            client.pull("nonexistent-model", progress=seen.append)


@pytest.mark.anyio
async def test_async_pull_with_progress(capsys: pytest.CaptureFixture[str]) -> None:
    async with FakeOllama() as fake, AsyncClient(fake.url) as client:
        final = await client.pull("mistral", progress=True)
    assert final.status == "success"
    assert capsys.readouterr().err.splitlines()[-1] == "success"
