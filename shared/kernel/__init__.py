"""The write side's pure core: aggregate and event bases, the actor, domain errors, roles, the
principal and the scope. Nothing here does I/O or knows HTTP; the domains import only this (and
the pure vocabularies `shared.dictionaries` and `shared.indicators`). `make lint` checks it."""
