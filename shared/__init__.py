"""What all Nastavnik services share: settings, tenancy, auth, database, event store, logging."""
