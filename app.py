"""Composition root: the Chalice app, each face's routes, the error middleware and the
scheduled follow-up sweep (a plain Lambda function; each stack in infra/ schedules it)."""
import logging

from chalice import Chalice

from chalicelib.faces import http, reference_page
from chalicelib.observability import request_ids
from chalicelib.faces.together import routes as together
from chalicelib.faces.givebutter import routes as givebutter
from chalicelib.faces.mpdx import routes as mpdx
from chalicelib.faces.lgl import routes as lgl
from chalicelib.faces.lgl import sections as _lgl_sections  # noqa: F401  (funds, gifts...: on lgl's blueprint)
from chalicelib.faces.together import catalogues as _catalogues  # noqa: F401  (managing them: on together's)
from chalicelib.faces import reference  # noqa: F401  (GET /openapi/{document}, on the Together blueprint)
from functions import sweep

request_ids.install()  # every log line of a request carries its id
app = Chalice(app_name="donor-relations-api")
app.log.setLevel(logging.INFO)
logging.getLogger("donor_api").setLevel(logging.INFO)
app.register_blueprint(together.blueprint)
app.register_blueprint(givebutter.blueprint)
app.register_blueprint(mpdx.blueprint)
app.register_blueprint(lgl.blueprint)
app.register_blueprint(reference_page.blueprint)  # GET /docs: public, no key
http.add_method_fallbacks(app)
app.register_middleware(http.error_middleware(fallback=together.FACE), "http")


@app.lambda_function(name="follow_up_sweep")
def follow_up_sweep(event, context):
    """Chalice names a function's handler after the view (`app.follow_up_sweep`)."""
    return sweep.handler(event, context)
