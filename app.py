"""Composition root: the Chalice app, each face's routes, and the error middleware."""
import logging

from chalice import Chalice

from chalicelib.faces import http
from chalicelib.faces.together import routes as together

app = Chalice(app_name="donor-relations-api")
app.log.setLevel(logging.INFO)
logging.getLogger("donor_api").setLevel(logging.INFO)
app.register_blueprint(together.blueprint)
http.add_method_fallbacks(app)
app.register_middleware(http.error_middleware(fallback=together.FACE), "http")
