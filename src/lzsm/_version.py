"""The version of lzsm, in one place (read by the build backend and by ``lzsm.__version__``)."""

__version__ = "0.2.0.dev0"
