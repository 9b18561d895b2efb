"""sitegen: a static documentary-archive generator.

The pipeline lives in `sitegen.build.build`; modules depend one way, top to bottom:
errors → frontmatter → config → dates → schema → markup → model → urls → ui → pages → lunrcompat →
arabic → analysis → render → search → output → build → cli (see tests/test_layering.py).
"""

__version__ = "0.1.0"
