"""Record models: ``common`` (the SCHEMA.md tables), ``base`` (what parsers return) and one
module of format records per format."""
