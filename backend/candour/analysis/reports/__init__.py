"""The summary report of a conversation (``docs/analysis.md``, "The summary report").

``figures`` reads every scope's counts as SQL aggregates, ``stats`` derives the rates,
``building`` assembles the live draft (with ``analysis.opinion``'s groups and identity's
suppressed attribute breakdowns) in one snapshot, ``service`` publishes and serves
versions, ``exports`` writes the CSV and JSON downloads.
"""
