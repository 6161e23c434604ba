"""The trained message reader: what a chat message means at a waiting question, or which pipeline it asks for."""

from tools.language.reader.gazetteer import Gazetteer
from tools.language.reader.question import IDLE, Line, Question, Slot
from tools.language.reader.reading import Reader
from tools.language.reader.readings import Command, Reading, Routing, public_kind
from tools.language.reader.spec import PipelineText, ReaderSpec
from tools.language.reader.training import TrainedReader, train

__all__ = [
    "IDLE",
    "Command",
    "Gazetteer",
    "Line",
    "PipelineText",
    "Question",
    "Reader",
    "ReaderSpec",
    "Reading",
    "Routing",
    "Slot",
    "TrainedReader",
    "public_kind",
    "train",
]
