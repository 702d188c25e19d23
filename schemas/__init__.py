"""The wire format (marshmallow): the single source of truth for requests and responses."""
