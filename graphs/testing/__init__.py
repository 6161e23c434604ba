"""Dialog files: reading them as hostile input, playing pipeline tests through the conversation layer, their coverage."""
