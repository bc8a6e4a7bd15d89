"""App: the HTTP service (FastAPI) behind the intranet chat page."""
