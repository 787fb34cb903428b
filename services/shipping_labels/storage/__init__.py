"""The service's statements and row mapping, one module per aggregate, as functions taking a session: the use
cases load and save through them and never import SQLAlchemy."""
