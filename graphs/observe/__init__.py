"""Watching runs: Prometheus metrics, JSON logs, live progress of a turn, and fault injection for tests."""
