from . import notice, recall_export
