"""Use cases: plain functions that own a transaction step and raise ``DomainError``."""
