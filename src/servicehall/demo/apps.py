from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo hall and ``servicehall demo``; no models of its own."""

    name = "servicehall.demo"
    label = "demo"
