"""The synthesized stacks: resources, properties, least privilege, alarms, outputs, cfn-lint."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk.assertions import Match, Template  # noqa: E402

from chalicelib.store import table as table_schema  # noqa: E402
from infra import stack as infra_stack  # noqa: E402

from .conftest import DEPLOYMENTS, ROOT, STACKS, cli_env  # noqa: E402

pytestmark = pytest.mark.slow

ALL = list(STACKS.values())


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def one(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = resources(template, kind)
    assert len(found) == 1, (kind, list(found))
    return next(iter(found.items()))


def role_statements(template: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    roles = {n: r for n, r in resources(template, "AWS::IAM::Role").items() if n.startswith(prefix)}
    assert len(roles) == 1, list(roles)
    role = next(iter(roles.values()))
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def templates(assembly) -> dict[str, Template]:
    return {name: Template.from_json(body) for name, body in assembly.templates.items()}


# ---- the table -------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ALL)
def test_table_matches_the_store_definition(assembly, templates, stack):
    definition = table_schema.definition("unused")
    name, table = one(assembly.templates[stack], "AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["KeySchema"] == definition["KeySchema"]
    assert sorted(props["AttributeDefinitions"], key=str) == sorted(definition["AttributeDefinitions"], key=str)
    by_name = {i["IndexName"]: i for i in props["GlobalSecondaryIndexes"]}
    assert by_name == {i["IndexName"]: i for i in definition["GlobalSecondaryIndexes"]}
    assert set(by_name) == set(table_schema.INDEXES) and infra_stack.SWEEP_INDEX in by_name
    templates[stack].has_resource("AWS::DynamoDB::Table", {
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "TimeToLiveSpecification": {"AttributeName": table_schema.TTL_ATTRIBUTE, "Enabled": True},
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS",
                                 "KMSMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^DataKey"), "Arn"]}},
        }),
    })
    assert "TableName" not in props  # CloudFormation names it: stacks never collide


@pytest.mark.parametrize("stack", ALL)
def test_key_secret_bus_and_topics(templates, assembly, stack):
    t = templates[stack]
    t.has_resource("AWS::KMS::Key", {"DeletionPolicy": "Retain",
                                     "Properties": Match.object_like({"EnableKeyRotation": True})})
    t.has_resource("AWS::SecretsManager::Secret", {
        "DeletionPolicy": "Retain",
        "Properties": Match.object_like({
            "GenerateSecretString": Match.object_like({"PasswordLength": 64, "ExcludePunctuation": True}),
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^DataKey"), "Arn"]},
        }),
    })
    t.resource_count_is("AWS::Events::EventBus", 1)
    t.resource_count_is("AWS::SNS::Topic", 2)  # reminders, alarms
    t.has_resource_properties("AWS::SNS::Topic", {
        "DisplayName": "Donor follow-up reminders",
        "KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^DataKey"), "Arn"]}})
    for _, topic in resources(assembly.templates[stack], "AWS::SNS::Topic").items():
        assert "KmsMasterKeyId" in topic["Properties"]
    # CloudWatch may use the key, to publish alarms to the encrypted alarm topic.
    _, key = one(assembly.templates[stack], "AWS::KMS::Key")
    services = [s["Principal"].get("Service") for s in key["Properties"]["KeyPolicy"]["Statement"]]
    assert "cloudwatch.amazonaws.com" in services


def test_two_organisations_get_two_separate_stacks(assembly):
    for name in ALL:
        t = assembly.templates[name]
        for kind in ("AWS::DynamoDB::Table", "AWS::Events::EventBus", "AWS::KMS::Key",
                     "AWS::SecretsManager::Secret", "AWS::Serverless::Api"):
            assert len(resources(t, kind)) == 1, (name, kind)
    buses = {json.dumps(one(assembly.templates[n], "AWS::Events::EventBus")[1]["Properties"]["Name"]) for n in ALL}
    assert len(buses) == len(ALL)
    api_names = {one(assembly.templates[n], "AWS::Serverless::Api")[1]["Properties"]["Name"] for n in ALL}
    assert api_names == {"donor-relations-acme", "donor-relations-kindred", "donor-relations-pilot"}
    environments = {name: assembly.manifest["artifacts"][name]["environment"] for name in ALL}
    assert environments["DonorRelations-acme"] == "aws://111111111111/eu-west-1"
    assert environments["DonorRelations-kindred"] == "aws://unknown-account/unknown-region"


def test_the_shared_stack_says_whom_it_serves(templates, assembly):
    shared = assembly.templates[STACKS["pilot"]]
    assert "shared multi-tenant" in shared["Description"]
    templates[STACKS["pilot"]].has_output("Organisations", {"Value": "tiny-trust, food-bank"})
    templates[STACKS["acme"]].has_output("Organisations", {"Value": "acme"})


# ---- the functions -----------------------------------------------------------------------

@pytest.mark.parametrize("stack", ALL)
def test_functions_get_their_settings_and_own_roles(assembly, stack):
    t = assembly.templates[stack]
    functions = resources(t, "AWS::Serverless::Function")
    assert set(functions) == {"APIHandler", "FollowUpSweep"}
    table, _ = one(t, "AWS::DynamoDB::Table")
    bus, _ = one(t, "AWS::Events::EventBus")
    secret, _ = one(t, "AWS::SecretsManager::Secret")
    topic = next(n for n, r in resources(t, "AWS::SNS::Topic").items() if n.startswith("ReminderTopic"))
    memory = next((s.get("memory_mb") for s in DEPLOYMENTS["stacks"] if s.get("org") == stack.split("-", 1)[1]),
                  None) or 512
    for name, function in functions.items():
        props = function["Properties"]
        assert props["Environment"]["Variables"] == {
            "TABLE_NAME": {"Ref": table}, "EVENT_BUS_NAME": {"Ref": bus},
            "REMINDER_TOPIC_ARN": {"Ref": topic}, "API_KEY_PEPPER_SECRET_ARN": {"Ref": secret},
        }  # the pepper itself is never in the template
        role_prefix = "ApiRole" if name == "APIHandler" else "SweepRole"
        assert props["Role"]["Fn::GetAtt"][0].startswith(role_prefix)
        assert props["MemorySize"] == memory
        assert props["Runtime"] == "python3.11" and props["Architectures"] == ["x86_64"]
        log_group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert log_group.startswith("ApiLogs" if name == "APIHandler" else "SweepLogs")
        assert t["Resources"][log_group]["Properties"]["RetentionInDays"] == (365 if stack.endswith("acme") else 90)
    assert functions["APIHandler"]["Properties"]["Timeout"] == 30
    assert functions["FollowUpSweep"]["Properties"]["Timeout"] == 60
    assert functions["APIHandler"]["Properties"]["Handler"] == "app.app"
    assert functions["FollowUpSweep"]["Properties"]["Handler"] == infra_stack.SWEEP_HANDLER  # see test_package
    # Chalice made no roles or policies of its own: only the two explicit roles exist.
    assert {n.rstrip("0123456789ABCDEF") for n in resources(t, "AWS::IAM::Role")} == {"ApiRole", "SweepRole"}
    assert resources(t, "AWS::IAM::Policy") == {} and resources(t, "AWS::IAM::ManagedPolicy") == {}


def test_the_asset_is_the_package_with_functions(assembly):
    """What the stacks deploy is the package tests/test_package.py checks, functions/ included."""
    function = assembly.templates[STACKS["kindred"]]["Resources"]["FollowUpSweep"]
    key = function["Properties"]["CodeUri"]["Key"]
    names = set(zipfile.ZipFile(assembly.directory / f"asset.{key}").namelist())
    assert {"app.py", "functions/sweep.py", "chalicelib/config.py"} <= names


# ---- least privilege -------------------------------------------------------------------

def _table_arn_refs(statement: dict[str, Any], table: str) -> list[str]:
    """Each resource as 'TABLE' or 'TABLE/index/...': only this template's table, no literals."""
    shapes = []
    for resource in as_list(statement["Resource"]):
        if resource == {"Fn::GetAtt": [table, "Arn"]}:
            shapes.append("TABLE")
        else:
            parts = resource["Fn::Join"][1]
            assert resource["Fn::Join"][0] == "" and parts[0] == {"Fn::GetAtt": [table, "Arn"]}, resource
            assert len(parts) == 2 and isinstance(parts[1], str), resource
            shapes.append("TABLE" + parts[1])
    return shapes


@pytest.mark.parametrize("stack", ALL)
def test_api_role_is_least_privilege(assembly, stack):
    t = assembly.templates[stack]
    table, _ = one(t, "AWS::DynamoDB::Table")
    statements = {s["Sid"]: s for s in role_statements(t, "ApiRole")}
    assert set(statements) == {"OwnTableItems", "OwnTableQueries", "OwnLogGroup", "ReadPepper",
                               "DataKeyThroughItsServices"}
    assert sorted(as_list(statements["OwnTableItems"]["Action"])) == sorted(
        ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
         "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"])
    assert _table_arn_refs(statements["OwnTableItems"], table) == ["TABLE"]
    assert as_list(statements["OwnTableQueries"]["Action"]) == ["dynamodb:Query"]
    assert _table_arn_refs(statements["OwnTableQueries"], table) == ["TABLE", "TABLE/index/*"]
    assert as_list(statements["ReadPepper"]["Action"]) == ["secretsmanager:GetSecretValue"]
    assert statements["ReadPepper"]["Resource"] == {"Ref": one(t, "AWS::SecretsManager::Secret")[0]}
    via = json.dumps(statements["DataKeyThroughItsServices"]["Condition"]["StringEquals"]["kms:ViaService"])
    assert '"dynamodb.' in via and '"secretsmanager.' in via
    assert '"sns.' not in via  # the API publishes nothing


@pytest.mark.parametrize("stack", ALL)
def test_sweep_role_reaches_only_its_index_bus_and_topic(assembly, stack):
    t = assembly.templates[stack]
    table, _ = one(t, "AWS::DynamoDB::Table")
    bus, _ = one(t, "AWS::Events::EventBus")
    topic = next(n for n in resources(t, "AWS::SNS::Topic") if n.startswith("ReminderTopic"))
    statements = {s["Sid"]: s for s in role_statements(t, "SweepRole")}
    via = json.dumps(statements["DataKeyThroughItsServices"]["Condition"]["StringEquals"]["kms:ViaService"])
    assert '"dynamodb.' in via and '"sns.' in via
    assert '"secretsmanager.' not in via and "secretsmanager" not in json.dumps(statements)  # no pepper
    assert set(statements) == {"DueIndexQuery", "ClaimFollowUps", "PutFollowUpEvents", "PublishReminders",
                               "OwnLogGroup", "DataKeyThroughItsServices"}
    assert as_list(statements["DueIndexQuery"]["Action"]) == ["dynamodb:Query"]
    assert _table_arn_refs(statements["DueIndexQuery"], table) == [f"TABLE/index/{infra_stack.SWEEP_INDEX}"]
    assert sorted(as_list(statements["ClaimFollowUps"]["Action"])) == ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    assert _table_arn_refs(statements["ClaimFollowUps"], table) == ["TABLE"]
    assert statements["PutFollowUpEvents"]["Resource"] == {"Fn::GetAtt": [bus, "Arn"]}
    assert as_list(statements["PutFollowUpEvents"]["Action"]) == ["events:PutEvents"]
    assert statements["PublishReminders"]["Resource"] == {"Ref": topic}
    assert as_list(statements["PublishReminders"]["Action"]) == ["sns:Publish"]


@pytest.mark.parametrize("stack", ALL)
def test_no_role_can_scan_administer_or_use_wildcards(assembly, stack):
    t = assembly.templates[stack]
    for prefix in ("ApiRole", "SweepRole"):
        for statement in role_statements(t, prefix):
            actions = as_list(statement["Action"])
            assert statement["Effect"] == "Allow"
            assert "*" not in actions and not any(a.endswith(":*") for a in actions), statement
            assert not any(a in ("dynamodb:Scan", "dynamodb:BatchWriteItem",
                                 "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:PartiQLSelect")
                           for a in actions), statement
            if prefix == "SweepRole":  # it reads only its due index and the entries it claims
                assert "dynamodb:BatchGetItem" not in actions, statement
            for resource in as_list(statement["Resource"]):
                # every resource is an attribute of this template's own resources: another
                # stack's table (or anything named by a literal ARN) is out of reach
                assert isinstance(resource, dict), statement
                assert "*" not in json.dumps(resource).replace("/index/*", ""), statement


# ---- schedule, API, alarms, outputs ----------------------------------------------------

@pytest.mark.parametrize("stack, minutes", [(STACKS["acme"], 10), (STACKS["kindred"], 5), (STACKS["pilot"], 5)])
def test_the_sweep_runs_on_its_schedule(templates, assembly, stack, minutes):
    t = templates[stack]
    rule, _ = one(assembly.templates[stack], "AWS::Events::Rule")
    t.has_resource_properties("AWS::Events::Rule", {
        "ScheduleExpression": f"rate({minutes} minutes)",
        "State": "ENABLED",
        "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": ["FollowUpSweep", "Arn"]},
                                       "RetryPolicy": Match.object_like({"MaximumRetryAttempts": 2})})],
    })
    t.has_resource_properties("AWS::Lambda::Permission", {
        "Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
        "FunctionName": {"Fn::GetAtt": ["FollowUpSweep", "Arn"]},
        "SourceArn": {"Fn::GetAtt": [rule, "Arn"]},
    })


@pytest.mark.parametrize("stack", ALL)
def test_unknown_paths_are_404_problem_json(assembly, stack):
    _, api = one(assembly.templates[stack], "AWS::Serverless::Api")
    responses = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["statusCode"] == 404
    assert missing["responseParameters"] == {"gatewayresponse.header.Content-Type": "'application/problem+json'"}
    assert json.loads(missing["responseTemplates"]["application/json"]) == {
        "type": "urn:problem:not-found", "title": "Not found", "status": 404, "detail": "No such path.", "errors": [],
        "api_version": "1.0", "error": "Not Found", "description": "No such path."}  # readable by LGL's clients too
    assert api["Properties"]["StageName"] == "api"


@pytest.mark.parametrize("stack", ALL)
def test_alarms_on_errors_throttles_5xx_and_table_throttles(assembly, stack):
    t = assembly.templates[stack]
    alarm_topic = next(n for n in resources(t, "AWS::SNS::Topic") if n.startswith("AlarmTopic"))
    alarms = resources(t, "AWS::CloudWatch::Alarm")
    assert len(alarms) == 6
    seen = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": alarm_topic}]
        assert props["TreatMissingData"] == "notBreaching" and props["Threshold"] == 1
        if "MetricName" in props:
            dims = {d["Name"]: d["Value"] for d in props["Dimensions"]}
            seen.add((props["Namespace"], props["MetricName"], json.dumps(dims, sort_keys=True)))
        else:
            used = [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]
            assert {m["MetricName"] for m in used} == {"ThrottledRequests"}
            assert {d["Value"] for m in used for d in m["Dimensions"] if d["Name"] == "Operation"} == set(
                infra_stack.THROTTLE_OPERATIONS)
            seen.add(("AWS/DynamoDB", "ThrottledRequests", ""))
    api_name = one(t, "AWS::Serverless::Api")[1]["Properties"]["Name"]
    expected = {("AWS/Lambda", metric, json.dumps({"FunctionName": {"Ref": fn}}))
                for fn in ("APIHandler", "FollowUpSweep") for metric in ("Errors", "Throttles")}
    expected |= {("AWS/ApiGateway", "5XXError", json.dumps({"ApiName": api_name, "Stage": "api"}, sort_keys=True)),
                 ("AWS/DynamoDB", "ThrottledRequests", "")}
    assert seen == expected


def test_alarm_emails_subscribe_only_where_configured(templates):
    templates[STACKS["acme"]].resource_count_is("AWS::SNS::Subscription", 2)
    templates[STACKS["acme"]].has_resource_properties("AWS::SNS::Subscription", {
        "Protocol": "email", "Endpoint": "ops@acme.example"})
    templates[STACKS["kindred"]].resource_count_is("AWS::SNS::Subscription", 0)


@pytest.mark.parametrize("stack", ALL)
def test_outputs(templates, assembly, stack):
    t = templates[stack]
    body = assembly.templates[stack]
    table, _ = one(body, "AWS::DynamoDB::Table")
    bus, _ = one(body, "AWS::Events::EventBus")
    topic = next(n for n in resources(body, "AWS::SNS::Topic") if n.startswith("ReminderTopic"))
    t.has_output("TableName", {"Value": {"Ref": table}})
    t.has_output("EventBusName", {"Value": {"Ref": bus}})
    t.has_output("ReminderTopicArn", {"Value": {"Ref": topic}})
    t.has_output("ApiKeyPepperSecretArn", {"Value": {"Ref": one(body, "AWS::SecretsManager::Secret")[0]}})
    url = body["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"]
    assert url[0].startswith("https://${Api}.execute-api.") and url[0].endswith("/api/")
    assert url[1] == {"Api": {"Ref": "RestAPI"}}
    assert "AlarmTopicArn" in body["Outputs"]
    t.has_output("SweepFunctionName", {"Value": {"Ref": "FollowUpSweep"}})


# ---- lint ------------------------------------------------------------------------------

def test_cfn_lint_finds_no_errors_or_warnings(assembly):
    """cfn-lint validates the SAM resources against SAM's schemas. No rule is ignored."""
    paths = [str(assembly.directory / f"{name}.template.json") for name in ALL]
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    result = subprocess.run([cfn_lint, "--format", "json", "--", *paths], env=cli_env(),
                            capture_output=True, text=True, timeout=300)
    findings = json.loads(result.stdout or "[]")
    problems = [f"{f['Rule']['Id']} {f['Message']} ({f['Filename']}:{f['Location']['Start']['LineNumber']})"
                for f in findings if f["Level"] in ("Error", "Warning")]
    assert problems == [], "\n".join(problems)
    assert result.returncode in (0, 8), result.stderr  # 8: informational findings only


def test_the_committed_deployments_files_are_valid():
    from infra.deployments import load

    assert [d.stack_name for d in load(ROOT / "infra" / "deployments.json")]
    example = load(ROOT / "infra" / "deployments.example.json")
    assert {d.shared for d in example} == {True, False}


# ---- quotas: what API Gateway and CloudFormation accept ------------------------------------

API_GATEWAY_RESOURCES = 300       # resources per REST API (the default quota)
TEMPLATE_BYTES = 1_000_000        # a template uploaded through S3, as the CDK does past 51,200 bytes
TEMPLATE_RESOURCES = 500


def api_gateway_resources(paths) -> set[str]:
    """The REST API's resources: every path and every prefix of one (`/a/{b}/c` is /a, /a/{b}, /a/{b}/c)."""
    out = set()
    for path in paths:
        parts = [p for p in path.split("/") if p]
        out |= {"/" + "/".join(parts[:n]) for n in range(1, len(parts) + 1)}
    return out


def test_the_resource_counter_counts_prefixes():
    assert api_gateway_resources(["/api/v1/x/{id}", "/api/v1/x.json"]) == {
        "/api", "/api/v1", "/api/v1/x", "/api/v1/x/{id}", "/api/v1/x.json"}


@pytest.mark.parametrize("stack", ALL)
def test_the_stack_stays_within_api_gateway_and_cloudformation_limits(assembly, stack):
    t = assembly.templates[stack]
    _, api = one(t, "AWS::Serverless::Api")
    resources = api_gateway_resources(api["Properties"]["DefinitionBody"]["paths"])
    assert len(resources) <= API_GATEWAY_RESOURCES, len(resources)
    assert len(json.dumps(t)) <= TEMPLATE_BYTES
    assert len(t["Resources"]) <= TEMPLATE_RESOURCES
    # the figures the README quotes (Infrastructure, "Limits"); a change here is a change there
    print(f"{stack}: {len(resources)} API Gateway resources, {len(json.dumps(t))} template bytes, "
          f"{len(t['Resources'])} CloudFormation resources")
