"""Every section of the LGL face beyond routes.py's (each registers its routes on the face's
blueprint when imported): app.py imports this module once."""
from ...domain import catalogues, gift_catalogues  # noqa: F401  (gift_catalogues: declares them)
from . import catalogues as listed
from . import appeal_requests, gifts, invitations, volunteer_times  # noqa: F401

for _catalogue in catalogues.CATALOGUES.listed():
    listed.declare(_catalogue)
