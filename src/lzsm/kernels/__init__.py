"""Compiled numerical kernels (numba). Plain arrays in, plain arrays out; no user objects."""
