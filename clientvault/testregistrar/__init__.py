"""A local test registrar: a real HTTP server that stands for a domain registrar."""
