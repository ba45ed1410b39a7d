"""Django app registration of the station."""

from django.apps import AppConfig


class StationConfig(AppConfig):
    """The station's models, templates and static files."""

    name = "denialparse.station"
    label = "station"
    default_auto_field = "django.db.models.BigAutoField"
