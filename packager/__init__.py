"""packager: face detection → crop → emotion recognition, packaged for phones and proven
against a Python reference."""

__version__ = "0.1.0"
