"""sitegen: a static documentary-archive generator.

The pipeline lives in `sitegen.build.build`; modules depend one way, top to bottom:
errors → config → frontmatter → dates → schema → markup → model → urls → pages → render → search →
output → build → cli.
"""

__version__ = "0.1.0"
