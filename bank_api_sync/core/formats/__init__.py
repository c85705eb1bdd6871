"""Statement file formats the core writes (MT940 for the sandbox bank)."""
