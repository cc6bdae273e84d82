"""Worked solutions to the tutorials' exercises. Each module defines the functions an
exercise asks for and, run as ``python -m solutions.<topic>`` from ``tutorials/``, calls
each checker with its solution."""
