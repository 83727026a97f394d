"""Every reliance on another library's internals, each in a module named after it."""
