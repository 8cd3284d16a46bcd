"""Transcripts: the journal every conversation writes, reading, replaying, checking, exporting.

`Journal` is the engine's recorder (one JSONL file per backend session, see `journal`);
`read` takes our JSONL, plain or Markdown chats and ADK replay files (`reader`); `replay.run`
runs a transcript's turns on an engine; `check.compare` says which turn and layer differ;
`export` writes Markdown or normalised JSONL.
"""

from __future__ import annotations

from vidskill.transcripts.check import Difference, compare, mask
from vidskill.transcripts.export import to_jsonl, to_markdown
from vidskill.transcripts.journal import Journal, journal_dir
from vidskill.transcripts.reader import Transcript, Turn, read

__all__ = [
    "Difference",
    "Journal",
    "Transcript",
    "Turn",
    "compare",
    "journal_dir",
    "mask",
    "read",
    "to_jsonl",
    "to_markdown",
]
