"""Business rules and authorization. Services take a ``Session`` and never touch a widget."""
