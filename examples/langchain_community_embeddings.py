"""LangChain: moving off the deprecated langchain_community OllamaEmbeddings.

Only the import changes; the requests (legacy /api/embeddings, "passage: "/"query: "
prefixes) and so the vectors stay the same, with several requests in flight.
"""

from __future__ import annotations

import asyncio
import os

from _connect import EMBED_MODEL, ollama_host

# before: from langchain_community.embeddings import OllamaEmbeddings
from ollama_lite.langchain.community import OllamaEmbeddings

DOCUMENTS = [f"Document number {i} about llamas and alpacas." for i in range(100)]

with ollama_host() as host:
    # Like langchain_community's, this class wants a URL string and does not read OLLAMA_HOST.
    base_url = host or os.environ.get("OLLAMA_HOST", "http://localhost:11434")
    embeddings = OllamaEmbeddings(model=EMBED_MODEL, base_url=base_url, max_concurrency=4)
    vectors = embeddings.embed_documents(DOCUMENTS)  # 100 requests, 4 at a time, in order
    print(f"embed_documents: {len(vectors)} vectors of {len(vectors[0])} dimensions")
    query = embeddings.embed_query("Which animals live in the Andes?")  # "query: ..." sent
    print(f"embed_query: {len(query)} dimensions")
    again = asyncio.run(embeddings.aembed_documents(DOCUMENTS))
    print(f"aembed_documents matches: {again == vectors}")
