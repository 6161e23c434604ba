"""Dialog files: read as hostile input, played as pipeline tests through the conversation layer, and their coverage."""
