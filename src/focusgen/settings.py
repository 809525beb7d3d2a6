"""The options of a run, in one frozen object: made once by the command line (from its options and the
environment variables a user may set), passed to build() and to every batch worker, and read by the
code that needs them. No module reads or sets an option through the environment on its own.

To add an option: a field here (with its default, what a library call gets when it passes nothing),
the command-line option or environment variable that sets it in from_environment()/cli.py, and the
code that reads it from the Settings it is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Environment variables a user may set (README): they are read here, once, and nowhere else.
NO_CACHE_ENV = "FOCUSGEN_NO_CACHE"          # 1: the layout cache folder is neither read nor written


@dataclass(frozen=True)
class Settings:
    allow_outside_paths: bool = False       # files an input names may lie outside its folder
    layout_cache: bool = True               # keep and reuse form layouts in the cache folder

    @classmethod
    def from_environment(cls, environ=None, **given) -> "Settings":
        env = os.environ if environ is None else environ
        values = {"layout_cache": env.get(NO_CACHE_ENV, "") in ("", "0")}
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)


DEFAULT = Settings()
