"""The cold-start baseline of DESIGN.md §9: Chalice, boto3, pydantic and one table resource."""
import boto3
import pydantic  # noqa: F401
from chalice import Chalice

app = Chalice(app_name="baseline")
table = boto3.resource("dynamodb", region_name="us-east-1").Table("t")


@app.route("/")
def index():
    return {"hello": "world"}
