"""The demo hall, an app of its own: a realistic district government service centre loaded through every
domain's services (``build``), and the ``servicehall demo`` command. It lives outside ``core`` because it
needs every domain, and core knows none.

``from servicehall.demo import HALL_CODE, DEMO_PASSWORD, load_demo, demo_summary`` works as it always did;
the functions are imported on first use, because Django imports this package before the models are ready.
"""

HALL_CODE = "qingshan"
DEMO_PASSWORD = "servicehall-demo"

_BUILD_NAMES = {"DemoResult", "demo_loaded", "demo_summary", "load_demo"}

__all__ = ["DEMO_PASSWORD", "HALL_CODE", *sorted(_BUILD_NAMES)]


def __getattr__(name: str):
    if name in _BUILD_NAMES:
        from servicehall.demo import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
