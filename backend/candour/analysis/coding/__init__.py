"""The coding frame, coding, coder agreement and theme suggestions (docs/analysis.md).

Analysts (facilitators and admins) build a hierarchy of codes per conversation
(``frames.py``, every change a numbered version), apply codes to ideas and comments
(``codings.py``), measure how well two analysts agree (``agreement.py``, Cohen's kappa)
and have the machine propose candidate themes from the text (``themes.py`` and
``clustering.py``), which a person accepts as a code or rejects. The summary report reads
``models.py``: a code's ``state``, its ``parent_id``, and codings' ``status``.
"""
