"""LangChain: OllamaEmbeddings from ollama_lite, batched, sync and async."""

from __future__ import annotations

import asyncio

from _connect import EMBED_MODEL, ollama_host

from ollama_lite.langchain import OllamaEmbeddings

DOCUMENTS = [f"Document number {i} about llamas and alpacas." for i in range(1000)]

with ollama_host() as host:
    embeddings = OllamaEmbeddings(model=EMBED_MODEL, base_url=host, batch_size=256)
    vectors = embeddings.embed_documents(DOCUMENTS)  # 4 requests of 256 documents
    print(f"embed_documents: {len(vectors)} vectors of {len(vectors[0])} dimensions")
    query = embeddings.embed_query("Which animals live in the Andes?")
    print(f"embed_query: {len(query)} dimensions")
    # The async path sends the same requests, several batches in flight at once.
    again = asyncio.run(embeddings.aembed_documents(DOCUMENTS))
    print(f"aembed_documents matches: {again == vectors}")
