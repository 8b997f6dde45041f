from . import lot_recall_notice, mail_mail
