"""Memory: the suggest / search / remember / recall tool kinds over vector_memory."""
