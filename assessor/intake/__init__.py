"""Applications in and out: JSON here; spreadsheets in their own modules."""

from .json_file import ApplicationError, Problem, dump_application, load_application, parse_application

__all__ = ["ApplicationError", "Problem", "dump_application", "load_application", "parse_application"]
