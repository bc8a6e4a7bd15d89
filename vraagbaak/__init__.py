"""Vraagbaak: cited answers from Dutch government reports.

The shared core: settings, the error tree and logging set-up. The pipeline lives in
``ingest`` (file -> chunks), ``index`` (chunks -> searchable index) and ``app`` (HTTP + CLI).
"""

__version__ = "0.1.0"
