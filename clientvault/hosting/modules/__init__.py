"""Server modules: the control panels on which hosting services are created and run."""
