"""`make bench`: a synthetic region through the real write path, and what Nastavnik does with it."""
