"""`pull(model, progress=True)`: one call shows the download; the display reads well."""

from __future__ import annotations

import io

from ollama_lite import PullProgress
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
