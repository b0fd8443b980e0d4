"""The compiled extensions of ipmifast. Everything else is in pyproject.toml."""

from Cython.Build import cythonize
from Cython.Compiler import Options
from setuptools import Extension, setup

Options.warning_errors = True  # STYLE.md §3: Cython warnings are errors

DIRECTIVES = {
    "language_level": "3",
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "initializedcheck": False,
    "embedsignature": True,
}

extensions = [
    Extension("ipmifast.proto._frame_c", ["ipmifast/proto/_frame_c.pyx"]),
    Extension("ipmifast.proto._crypto_c", ["ipmifast/proto/_crypto_c.pyx"], libraries=["crypto"]),
    Extension("ipmifast.proto._sol_c", ["ipmifast/proto/_sol_c.pyx"]),
    Extension("ipmifast.engine._batch_c", ["ipmifast/engine/_batch_c.pyx"]),
    Extension("ipmifast.engine._mmsg_c", ["ipmifast/engine/_mmsg_c.pyx"]),
]

setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES))
