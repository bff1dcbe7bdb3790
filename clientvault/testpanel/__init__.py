"""A local test control panel: a real HTTP server that stands for a hosting control panel."""
