"""App: the HTTP service (FastAPI) for the intranet chat, and the ``vraagbaak`` CLI."""
