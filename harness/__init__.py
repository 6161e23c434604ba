"""Drive a running app from outside: server processes, the chat over HTTP, dialog players — shared by tests and
benchmarks."""
