from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "servicehall.kiosk"
    verbose_name = "Kiosk"
