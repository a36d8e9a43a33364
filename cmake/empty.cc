// Intentionally empty: stands in for a module with no sources yet.
