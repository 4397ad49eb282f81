"""koptrain: training programmes for cooperatives, from selection to mentoring."""

__version__ = "0.1.0"
