"""One process's assembled parts: configuration, logging and the Runtime."""
