"""vidskill: a runtime for AI video skills."""

from __future__ import annotations

__version__ = "0.1.0"
