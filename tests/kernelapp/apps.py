from django.apps import AppConfig


class KernelAppConfig(AppConfig):
    """A small app installed only under test, exercising the kernel as a domain app would."""

    name = "tests.kernelapp"
    label = "kernelapp"

    def ready(self) -> None:
        import tests.kernelapp.messages  # noqa: F401  (declares the test kinds of message)
