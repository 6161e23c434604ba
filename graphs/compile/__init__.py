"""From a PipelineConfig to a LangGraph graph: the compiler, one node per step, fusion and the Server graphs."""
