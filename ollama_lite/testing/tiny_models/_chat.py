"""Write the tiny chat model: a one-block ``llama`` GGUF whose next token depends only on the
previous token.

How: ``n_embd == n_vocab``, the token embedding is the identity (one-hot), every attention and
feed-forward weight is zero and the norms are one, so the last hidden state is the previous
token's one-hot vector (times ``sqrt(n_embd)`` after the final RMS norm). ``output.weight`` is
then a table of logits indexed by (previous token, next token):

- a *designed successor* (very large logit) spells the chains: ``<|reply|>`` -> reply pieces
  -> ``</s>``; ``<|call|>`` -> the tool-call JSON -> ``</s>``; ``<|reason|>`` -> ``<think>`` ->
  thinking pieces -> ``</think>`` -> reply pieces; ``<|fim_middle|>`` -> reply pieces;
- a *fallback ranking* (smaller, spaced logits) decides what wins when a grammar (``format``)
  masks the designed successor: end of text first, then ``"`` ``a`` ``}`` ``]`` ``,`` ``:``
  ``0`` ``1`` ``{`` ``[`` ``f`` ``t`` ``n`` ``-`` ``.`` and a space; after ``{`` the ``}``
  comes first and after ``[`` the ``]``. So a schema gets its smallest valid document: empty
  objects and arrays where allowed, required properties only, ``""``, ``0``, ``false``.

The gaps survive a temperature up to 2 and the default repeat penalty of 1.1.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

from . import _template as tpl
from ._gguf import import_gguf
from ._vocab import BOS, EOS, UNK, Vocab, base_vocab, pad

_RANKED = [EOS, '"', "a", "}", "]", ",", ":", "0", "1", "{", "[", "f", "t", "n", "-", ".", " "]
_GAP = 30.0  # smallest gap between ranked logits, after a 1.1 repeat penalty
_PENALTY = 1.1


def _ranked_logits(count: int) -> list[float]:
    """Decreasing logits where each stays ``_GAP`` above the next even after a penalty."""
    values = [40.0]
    while len(values) < count:
        values.append(_PENALTY * (values[-1] + _GAP))
    return values[::-1]


def _token(vocab: Vocab, text: str) -> int:
    """Token id for a control token, or for a single character via its byte token."""
    if len(text) == 1:
        return vocab.id(f"<0x{ord(text):02X}>")
    return vocab.id(text)


def tool_call_text(name: str, arguments: dict[str, Any]) -> str:
    """The exact text the model emits for its tool call (the template's format)."""
    return json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)


LOOP = ("▁tick", "▁tock")  # an endless model says these in turn after its reply


def build_chat_vocab(
    reply: str, thinking: str | None, tool_call: str, *, endless: bool = False
) -> tuple[Vocab, list[int], list[int], int]:
    """The vocabulary plus the reply chain, the thinking chain and the tool-call token; an
    endless model's reply chain ends with the two loop pieces."""
    vocab = base_vocab(thinking=thinking is not None)
    reply_ids = vocab.add_chain(reply)
    if endless:
        reply_ids += [vocab.add(piece, 1) for piece in LOOP]
    thinking_ids = vocab.add_chain(thinking) if thinking is not None else []
    call_id = vocab.add(tool_call, 1)
    pad(vocab, 32)
    return vocab, reply_ids, thinking_ids, call_id


def logit_table(
    vocab: Vocab,
    reply_ids: list[int],
    thinking_ids: list[int],
    call_id: int,
    *,
    endless: bool = False,
) -> list[list[float]]:
    """``table[prev][next]``: the logit of ``next`` after ``prev`` (see the module docstring)."""
    size = len(vocab.texts)
    ranked = [_token(vocab, t) for t in _RANKED]
    top = _ranked_logits(len(ranked) + 1)
    designed = _PENALTY * (top[0] + _GAP) * 2
    table = [[0.0] * size for _ in range(size)]
    for prev in range(size):
        order = list(ranked)
        if vocab.texts[prev] in ("<0x7B>", "<0x5B>"):  # after { or [, close it first
            closer = _token(vocab, "}" if vocab.texts[prev] == "<0x7B>" else "]")
            order.remove(closer)
            order.insert(1, closer)
        for rank, token in enumerate(order):
            table[prev][token] = top[rank + 1]

    def chain(start: int, ids: list[int], end: int) -> None:
        path = [start, *ids, end]
        for prev, nxt in itertools.pairwise(path):
            table[prev][nxt] = designed

    eos = vocab.id(EOS)
    # endless: the two loop pieces follow each other (Ollama aborts on 30 identical tokens)
    eos = reply_ids[-2] if endless else eos
    chain(vocab.id(tpl.REPLY), reply_ids, eos)
    chain(vocab.id(tpl.FIM_MIDDLE), reply_ids, eos)
    chain(vocab.id(tpl.CALL), [call_id], vocab.id(EOS))
    if thinking_ids:
        think = [vocab.id(tpl.THINK_OPEN), *thinking_ids, vocab.id(tpl.THINK_CLOSE)]
        chain(vocab.id(tpl.REASON), [*think, *reply_ids], eos)
    return table


def write_chat_gguf(
    path: Path,
    *,
    reply: str,
    thinking: str | None,
    tool_call: str,
    context_length: int,
    endless: bool = False,
) -> Path:
    """Write the chat model's GGUF file to ``path`` and return it."""
    gguf, np = import_gguf()
    vocab, reply_ids, thinking_ids, call_id = build_chat_vocab(
        reply, thinking, tool_call, endless=endless
    )
    size = len(vocab.texts)
    table = np.asarray(
        logit_table(vocab, reply_ids, thinking_ids, call_id, endless=endless), dtype=np.float32
    )
    # output[next, e] * h[e] with h = sqrt(size) * onehot(prev): divide to get the table back.
    output = np.ascontiguousarray(table.T / math.sqrt(size), dtype=np.float32)
    heads, ffn = 4, 32
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("ollama-lite tiny chat")
    writer.add_context_length(context_length)
    writer.add_embedding_length(size)
    writer.add_block_count(1)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_dimension_count(size // heads)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(0)  # all F32
    writer.add_tokenizer_model("llama")
    writer.add_token_list(vocab.texts)
    writer.add_token_scores([0.0] * size)
    writer.add_token_types(vocab.types)
    writer.add_bos_token_id(vocab.id(BOS))
    writer.add_eos_token_id(vocab.id(EOS))
    writer.add_unk_token_id(vocab.id(UNK))
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    zeros = np.zeros
    ones = np.ones(size, dtype=np.float32)
    writer.add_tensor("token_embd.weight", np.eye(size, dtype=np.float32))
    writer.add_tensor("output_norm.weight", ones)
    writer.add_tensor("output.weight", output)
    writer.add_tensor("blk.0.attn_norm.weight", ones)
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"blk.0.{name}.weight", zeros((size, size), dtype=np.float32))
    writer.add_tensor("blk.0.ffn_norm.weight", ones)
    writer.add_tensor("blk.0.ffn_gate.weight", zeros((ffn, size), dtype=np.float32))
    writer.add_tensor("blk.0.ffn_up.weight", zeros((ffn, size), dtype=np.float32))
    writer.add_tensor("blk.0.ffn_down.weight", zeros((size, ffn), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
