"""The widgets of the Wan Studio window. They never import httpx: the engine talks."""
