"""Reading documents in (and, later, storing and comparing what was found)."""
