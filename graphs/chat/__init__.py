"""The chat conversation: which message starts, answers or cancels which run, delivered once and in order."""
