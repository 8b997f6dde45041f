from . import controllers, models, reports, wizard
