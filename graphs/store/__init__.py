"""Durable tables of the run database: checkpointers, the run table, events and insights, leases, the inbox, pruning."""
