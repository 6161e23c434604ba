"""Vector memory: LangChain embeddings (offline n-grams, OpenAI, local) over FAISS collections."""

from vector_memory.catalog import (
    CUSTOMERS,
    PIPELINE_EXAMPLES,
    PRODUCTS,
    CatalogSource,
    attach_catalog,
    content_version,
    customer_items,
    product_items,
)
from vector_memory.embeddings import (
    EmbeddingsUnavailable,
    LocalEmbeddings,
    build_embeddings,
    build_openai_embeddings,
    embed_query,
    embed_texts,
    fingerprint,
)
from vector_memory.ngram import NgramEmbeddings, normalise
from vector_memory.service import build_vector_memory
from vector_memory.store import MEMORY_PREFIX, Hit, VectorMemory, memory_collection

__all__ = [
    "CUSTOMERS",
    "MEMORY_PREFIX",
    "PIPELINE_EXAMPLES",
    "PRODUCTS",
    "CatalogSource",
    "EmbeddingsUnavailable",
    "Hit",
    "LocalEmbeddings",
    "NgramEmbeddings",
    "VectorMemory",
    "attach_catalog",
    "build_embeddings",
    "build_openai_embeddings",
    "build_vector_memory",
    "content_version",
    "customer_items",
    "embed_query",
    "embed_texts",
    "fingerprint",
    "memory_collection",
    "normalise",
    "product_items",
]
