"""Data: toy datasets drawn at random, the handwritten digits, a train/test split and a
mini-batch loader. Numpy only, one concept per file."""

from .digits import load_digits
from .loader import DataLoader
from .split import train_test_split
from .synthetic import make_blobs, make_circles, make_moons, make_sine, make_spirals, make_xor

__all__ = [
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_xor",
    "make_blobs",
    "make_sine",
    "load_digits",
    "train_test_split",
    "DataLoader",
]
