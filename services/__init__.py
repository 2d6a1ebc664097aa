"""The Nastavnik services: registry, programs and reporting, and the commands that run them."""
