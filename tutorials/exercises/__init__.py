"""Checkers for the tutorials' exercises: a learner writes a function, then calls the
checker with it, which either says what it verified or raises AssertionError saying
what differs. Worked solutions are in ``tutorials/solutions/``.

Import from a notebook or script in ``tutorials/``: ``from exercises.adagrad import ...``.
"""
