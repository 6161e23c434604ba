"""Conversation repair: the message reader of the pipelines, the commands it finds applied to a waiting run."""
