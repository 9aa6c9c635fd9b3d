"""planparse: Japanese municipalities' DX / IT plan documents → one normalized dataset.

Library entry point: ``planparse.pipeline.extract(paths, out)``. CLI: ``planparse --help``.
"""

__version__ = "0.1.0"
