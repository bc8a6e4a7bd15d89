"""The ``vraagbaak`` command line: the top floor, over the service, the evaluation and the
benchmark."""
