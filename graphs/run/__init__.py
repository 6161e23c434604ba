"""Running pipelines: the engine of one process, the runner of one pipeline, inputs, answers, recovery, versions."""
