from . import lot_recall, res_company, res_config_settings, stock_lot
