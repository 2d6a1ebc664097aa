"""The web interface in Russian: pages over the three services, with the user's own token."""
