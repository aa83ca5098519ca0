"""Data access: one module per table, plain functions taking an open ``Tx``.

SQL lives only here and in ``sql/``. Parameters are always bound (``?``); column names that vary
come from allow-lists in the module, never from the caller's text.
"""
