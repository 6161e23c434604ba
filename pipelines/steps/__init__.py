"""The step kinds, one module each: its model, its own checks and, for a composite, the plain steps it stands for."""
