"""Understanding a story: everything from Arabic text to people, topics and meetings.

- `text/`: the pure core (no I/O): normalization, stemming, story cutting, names and
  people (`actors.py`, `names.py`, `romanize.py`), topics, relevance, meetings, grouping.
- `knowledge.py`: loading the curated base in `seeds/` (actors, states, places, topics).
- `lookup.py`: finding an actor by any spelling, for /who and /follow.
- `pipeline.py`: the analysis of one story; `workers.py`: where it runs (a thread, or
  worker processes for big batches).
- `report.py`, `evaluate.py`, `evaluate_set.py`: `analyze` and `evaluate`, scoring
  against tests/fixtures/eval or a set in the dev-corpus format.
"""
