"""Every reliance on another library's private internals, one module per library and trick.

When httpcore or httpx upgrades, look here first:

- `httpcore_linear_pool`: swaps the class of httpcore 1.0.x's fresh connection pool for a
  subclass with a linear request-assignment pass (self-checked; falls back to stock httpcore).
- `httpx_raw_stream`: reads an httpx response's transport stream directly, skipping httpx's
  decoder layers when the body has no Content-Encoding.
"""
