"""sitegen: a static documentary-archive generator.

The pipeline lives in `sitegen.build.build`; modules depend one way, top to bottom, the main ones:
errors → frontmatter → config → dates → schema → markup → model → urls → ui → pages → lunrcompat →
arabic → analysis → render → search → output → session → build → cli (the whole order, and a test that
keeps this line in it: tests/test_layering.py).
"""

__version__ = "0.1.0"
