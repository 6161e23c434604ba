"""The `flask pipeline`, `flask runs` and `flask nlu` commands."""
