"""What the kernel's ports meet the world with: the PostgreSQL event store and its snapshots, the
key vault and personal-data encryption, JWT, the HTTP error mapping, settings, logging and the
database pools."""
