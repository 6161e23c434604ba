"""Durable tables of the run database: checkpointers and the run table, events and insights, leases, the inbox, pruning."""
