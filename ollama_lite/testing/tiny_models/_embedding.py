"""Write the tiny embedding model: a ``bert`` GGUF with mean pooling.

The token embeddings are random from a fixed seed; every attention and feed-forward weight is
zero and every norm is the identity, so a text's vector is the normalized mean of its tokens'
(layer-normalized) embeddings, ``[CLS]`` and ``[SEP]`` included: the same text always gives the
same vector. The vocabulary is
WordPiece: ``[PAD] [UNK] [CLS] [SEP] [MASK]``, then each character of ``ALPHABET`` as a
word-initial piece and as a continuation piece; other characters become ``[UNK]``.
"""

from __future__ import annotations

from pathlib import Path

from ._gguf import import_gguf

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789.,!?;:'\"-()[]{}/@#$%&*+=<>_"
_SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def embedding_vocab() -> list[str]:
    """The WordPiece token texts (``▁`` marks a word-initial piece)."""
    return [*_SPECIAL, *("▁" + c for c in ALPHABET), *ALPHABET]


def write_embedding_gguf(path: Path, *, dimensions: int, context_length: int, seed: int) -> Path:
    """Write the embedding model's GGUF file to ``path`` and return it."""
    gguf, np = import_gguf()
    if dimensions < 8 or dimensions % 4:
        raise ValueError(f"dimensions must be a multiple of 4, at least 8: {dimensions}")
    tokens = embedding_vocab()
    size, ffn, blocks = len(tokens), 16, 2
    rng = np.random.default_rng(seed)
    f32 = np.float32
    writer = gguf.GGUFWriter(str(path), "bert")
    writer.add_name("ollama-lite tiny embedding")
    writer.add_context_length(context_length)
    writer.add_embedding_length(dimensions)
    writer.add_block_count(blocks)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(4)
    writer.add_layer_norm_eps(1e-12)
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.MEAN)
    writer.add_file_type(0)
    writer.add_tokenizer_model("bert")
    writer.add_token_list(tokens)
    writer.add_token_types([3] * len(_SPECIAL) + [1] * (size - len(_SPECIAL)))
    writer.add_token_type_count(2)
    writer.add_pad_token_id(0)
    writer.add_unk_token_id(1)
    writer.add_bos_token_id(2)
    writer.add_uint32("tokenizer.ggml.cls_token_id", 2)
    writer.add_sep_token_id(3)
    writer.add_eos_token_id(3)
    writer.add_mask_token_id(4)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    ones, zeros = np.ones(dimensions, dtype=f32), np.zeros(dimensions, dtype=f32)
    writer.add_tensor("token_embd.weight", rng.standard_normal((size, dimensions)).astype(f32))
    writer.add_tensor("token_types.weight", np.zeros((2, dimensions), dtype=f32))
    writer.add_tensor("position_embd.weight", np.zeros((context_length, dimensions), dtype=f32))
    writer.add_tensor("token_embd_norm.weight", ones)
    writer.add_tensor("token_embd_norm.bias", zeros)
    square = np.zeros((dimensions, dimensions), dtype=f32)
    for block in range(blocks):
        prefix = f"blk.{block}"
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"{prefix}.{name}.weight", square)
            writer.add_tensor(f"{prefix}.{name}.bias", zeros)
        for name in ("attn_output_norm", "layer_output_norm"):
            writer.add_tensor(f"{prefix}.{name}.weight", ones)
            writer.add_tensor(f"{prefix}.{name}.bias", zeros)
        writer.add_tensor(f"{prefix}.ffn_up.weight", np.zeros((ffn, dimensions), dtype=f32))
        writer.add_tensor(f"{prefix}.ffn_up.bias", np.zeros(ffn, dtype=f32))
        writer.add_tensor(f"{prefix}.ffn_down.weight", np.zeros((dimensions, ffn), dtype=f32))
        writer.add_tensor(f"{prefix}.ffn_down.bias", zeros)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
