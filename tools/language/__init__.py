"""Language: the command reader, intent classification and the LLM client and tool kinds."""
