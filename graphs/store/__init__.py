"""Durable tables of the run database: checkpointers and the run table, leases, the inbox, pruning."""
