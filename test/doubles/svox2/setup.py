# TEST DOUBLE for svox2's setup.py (sxyu/svox2), which builds the `svox2.csrc` CUDA extension
# with torch's CUDAExtension and nvcc. This one builds nothing: it installs the pure-Python
# `svox2` package beside it, so `cluster-tool setup svox2` can make its virtualenv on a machine
# without a GPU.
from setuptools import setup

setup(name="svox2", version="0.0.1+double", packages=["svox2"])
