"""Models of the registry, split by domain and re-exported here."""
