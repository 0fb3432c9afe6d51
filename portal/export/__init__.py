"""Exports of anonymized cases: formats, the export gate, signed and encrypted bundles."""
