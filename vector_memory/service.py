"""Building the application's vector memory from its Config (what `create_app` calls once)."""

from __future__ import annotations

from config import Config
from vector_memory.catalog import CatalogSource, attach_catalog
from vector_memory.embeddings import build_embeddings
from vector_memory.facts import SessionFacts
from vector_memory.store import VectorMemory

VECTORS_SUBDIR = "vectors"


def build_vector_memory(config: Config, source: CatalogSource | None = None) -> VectorMemory:
    """A VectorMemory in `DATA_DIR/vectors` with the configured embeddings, bound to `source` if given.

    Session memories are kept in the business database (`DATABASE_URL`), shared by every process.
    """
    facts = SessionFacts.from_url(config.database_url())
    memory = VectorMemory(config.DATA_DIR / VECTORS_SUBDIR, build_embeddings(config), facts=facts)
    if source is not None:
        attach_catalog(memory, source)
    return memory
