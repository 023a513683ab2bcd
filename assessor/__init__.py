"""Call-site approval assessor: may a P&C insurer open a new telemarketing call site?

    from assessor import assess, load_application, load_rulebook
    assessment = assess(load_application("examples/01-eligible-two-sites.json"), load_rulebook(), as_of=date(2026, 6, 30))
"""

from .core.engine import AsOfError, Assessment, Finding, ReadingError, Status, Verdict, assess
from .intake import ApplicationError, load_application, parse_application
from .core.model import Application
from .core.rulebook import Rulebook, RulebookError, load_rulebook

__version__ = "0.3.0"

__all__ = [
    "Application",
    "ApplicationError",
    "AsOfError",
    "Assessment",
    "Finding",
    "ReadingError",
    "Rulebook",
    "RulebookError",
    "Status",
    "Verdict",
    "assess",
    "load_application",
    "load_rulebook",
    "parse_application",
]
