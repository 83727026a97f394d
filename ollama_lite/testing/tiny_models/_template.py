"""The chat model's prompt template and the control tokens it uses.

The template decides what the model answers: the prompt always ends with one control token,
and the model's output is fixed by that last token alone (see ``_chat``). Ollama reads the
template to detect capabilities: ``.Tools`` gives ``tools``, ``.Suffix`` gives ``insert`` and
``.Thinking`` inside the message loop gives ``thinking`` (with ``<think>``/``</think>`` as the
tags the server strips).
"""

from __future__ import annotations

USER = "<|user|>"
SYSTEM = "<|system|>"
TOOL = "<|tool|>"
ASSISTANT = "<|assistant|>"
END = "<|end|>"
TOOLS = "<|tools|>"
CALL = "<|call|>"  # prompt ends here: answer with the tool call
REASON = "<|reason|>"  # prompt ends here: think, then answer
REPLY = "<|reply|>"  # prompt ends here: answer with the reply
FIM_PREFIX = "<|fim_prefix|>"
FIM_SUFFIX = "<|fim_suffix|>"
FIM_MIDDLE = "<|fim_middle|>"  # prompt ends here (suffix given): answer with the reply
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

CONTROL_TOKENS = (USER, SYSTEM, TOOL, ASSISTANT, END, TOOLS, CALL, REASON, REPLY)
FIM_TOKENS = (FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE)
THINK_TOKENS = (THINK_OPEN, THINK_CLOSE)

_SUFFIX = f"{FIM_PREFIX}{{{{ .Prompt }}}}{FIM_SUFFIX}{{{{ .Suffix }}}}{FIM_MIDDLE}"

_TOOL_CALLS = (
    '{{ range .ToolCalls }}{"name": "{{ .Function.Name }}", '
    '"arguments": {{ .Function.Arguments }}}{{ end }}'
)


def chat_template(*, thinking: bool) -> str:
    """The Go template for the chat model; with ``thinking`` it renders ``.Thinking`` and
    ends the prompt with the reasoning token when the request has ``think: true``."""
    past_thinking = (
        f"{{{{ if .Thinking }}}}{THINK_OPEN}{{{{ .Thinking }}}}{THINK_CLOSE}{{{{ end }}}}"
        if thinking
        else ""
    )
    reason = f"{{{{- else if $.Think }}}}{REASON}" if thinking else ""
    return (
        f"{{{{- if .Suffix }}}}{_SUFFIX}{{{{- else }}}}"
        f"{{{{- if .Tools }}}}{TOOLS}{{{{ range .Tools }}}}{{{{ json . }}}}{{{{ end }}}}{END}"
        "{{- end }}"
        "{{- range $i, $m := .Messages }}"
        "{{- $last := eq (len (slice $.Messages $i)) 1 }}"
        f'{{{{- if eq .Role "system" }}}}{SYSTEM}{{{{ .Content }}}}{END}'
        f'{{{{- else if eq .Role "tool" }}}}{TOOL}{{{{ .Content }}}}{END}'
        f'{{{{- else if eq .Role "assistant" }}}}{ASSISTANT}{past_thinking}{{{{ .Content }}}}'
        f"{_TOOL_CALLS}{{{{ if not $last }}}}{END}{{{{ end }}}}"
        f"{{{{- else }}}}{USER}{{{{ .Content }}}}{END}"
        "{{- end }}"
        '{{- if and $last (ne .Role "assistant") }}'
        f'{{{{- if and $.Tools (ne .Role "tool") }}}}{CALL}'
        f"{reason}"
        f"{{{{- else }}}}{REPLY}{{{{- end }}}}"
        "{{- end }}"
        "{{- end }}"
        "{{- end }}"
    )
