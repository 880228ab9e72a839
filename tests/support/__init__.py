"""Helpers the tests share: real servers on loopback, processes, logs, the strings the UI shows.

Fixtures live in the conftest.py files, factories in tests/factories.py. Modules here import
Django only where they need it: `make screenshots` runs ports, processes and mail without settings.
"""
