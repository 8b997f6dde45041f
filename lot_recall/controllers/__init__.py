from . import notice
