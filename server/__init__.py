"""LaborPass server. WSGI entry point: ``server:create_app()``."""
from server.app import create_app

__all__ = ["create_app"]
