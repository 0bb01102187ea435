# TEST DOUBLE for the svox2 package (sxyu/svox2): importable, with the version the double's
# setup.py installs; the real one loads its compiled CUDA extension here.
__version__ = "0.0.1+double"
