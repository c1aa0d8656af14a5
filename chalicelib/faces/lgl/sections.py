"""Every section of the LGL face beyond routes.py's (each registers its routes on the face's
blueprint when imported): app.py imports this module once."""
from ...domain import catalogues, constituent_catalogues, gift_catalogues  # noqa: F401  (declare them)
from . import catalogues as listed
from . import appeal_requests, gifts, interactions, invitations, keywords, memberships, volunteer_times  # noqa: F401
from . import affiliations, custom_attrs, relationships  # noqa: F401

for _catalogue in catalogues.CATALOGUES.listed():
    listed.declare(_catalogue)
    if _catalogue.lgl_managed:
        listed.declare_managed(_catalogue)
