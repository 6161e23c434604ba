"""Pictures of pipelines, offline: the picture of a graph, its groups, and its formats."""
