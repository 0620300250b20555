"""ServiceHall: an open platform that runs a public service hall (政务服务中心)."""

__version__ = "0.1.0"
