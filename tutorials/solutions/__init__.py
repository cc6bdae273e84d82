"""Worked solutions of the tutorials' exercises; run one as ``python -m solutions.<topic>``
from tutorials/ to check it."""
