"""Dialog files: reading them as hostile input, and playing pipeline tests through the conversation layer."""
