"""Where the API key lives: the OS keyring, or the AIMLAPI_KEY environment variable."""
