"""The parameter-scan engine: chunked outer-product scans in-process or on Dask, with Zarr
stores that resume after a kill (:mod:`~lzsm.scans.engine`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
