"""One organisation's stack (or one shared multi-tenant stack): everything the API needs.

- a customer-managed KMS key (see `_data_key` for why) encrypting the table, both topics
  and the pepper secret;
- the DynamoDB table, built from `chalicelib.store.table.definition()` so a new index there
  is a new index here: on-demand, point-in-time recovery, deletion protection, TTL on
  `TTL_ATTRIBUTE`, retained when the stack goes;
- the API key pepper: a generated Secrets Manager secret, passed by ARN (never by value);
- the Chalice app (`chalice.cdk.Chalice`): the API handler behind API Gateway and the
  `follow_up_sweep` function, each with its own role (Chalice manages no IAM here);
- an EventBridge rule running the sweep every `sweep_minutes`, the event bus it puts
  `FollowUpDue` events on, and the SNS topic staff subscribe to for reminders;
- CloudWatch alarms (Lambda errors and throttles, API Gateway 5XX, DynamoDB throttles) on an
  alarm topic, with e-mail subscriptions when the deployment names addresses;
- API Gateway's answer to an unknown path turned into a 404 problem+json.
"""
from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    aws_cloudwatch as cloudwatch,
    aws_cloudwatch_actions as cw_actions,
    aws_dynamodb as dynamodb,
    aws_events as events,
    aws_events_targets as targets,
    aws_iam as iam,
    aws_kms as kms,
    aws_lambda as lambda_,
    aws_logs as logs,
    aws_secretsmanager as secretsmanager,
    aws_sns as sns,
    aws_sns_subscriptions as subscriptions,
)
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.faces import unknown_path
from chalicelib.store import table as table_schema

from .deployments import Deployment

APP_NAME = "donor-relations"
API_STAGE = "api"                       # the API Gateway stage (as in .chalice/config.json)
API_FUNCTION = "APIHandler"             # the logical ids `chalice package` gives them:
SWEEP_FUNCTION = "FollowUpSweep"        # app.lambda_function(name="follow_up_sweep")
# The sweep's Lambda starts at functions/sweep.py, not at app.py (Chalice's `app.follow_up_sweep`):
# its cold start then skips importing the API's faces. functions/ is at the zip's root.
SWEEP_HANDLER = "functions.sweep.handler"
REST_API = "RestAPI"
SWEEP_INDEX = "GSI3"                    # the sparse due-follow-ups index the sweep queries
API_TIMEOUT_SECONDS = 30                # API Gateway gives up at 29 s anyway
SWEEP_TIMEOUT_SECONDS = 60              # the sweep stops early and the next run carries on

# What the API handler calls. TransactWriteItems has no IAM action of its own: DynamoDB
# authorises each Put/Update/Delete/ConditionCheck inside it, so these cover it. No Scan,
# BatchGetItem reads a page of records whose keys a search found (the search index's rows)
# and a constituent's contact points by the keys its facets name. No Scan, no BatchWriteItem,
# no PartiQL, no table administration.
API_ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
SWEEP_ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
# The operations the functions call, whose DynamoDB ThrottledRequests the throttle alarm sums.
THROTTLE_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "TransactWriteItems")
# The stack's KMS key, used by DynamoDB, SNS or Secrets Manager on a function's behalf (what
# CDK's own table grants give for a customer-managed key; DescribeKey is metadata only).
KMS_USE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]

NOT_FOUND_BODY = unknown_path.body()  # both the native face's problem and LGL's error


class AppPackagingError(RuntimeError):
    """The Chalice app does not have what the stack wires (e.g. the sweep function)."""


def _attribute_type(name: str) -> dynamodb.AttributeType:
    return {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER,
            "B": dynamodb.AttributeType.BINARY}[name]


class DonorRelationsStack(cdk.Stack):
    def __init__(self, scope: Construct, deployment: Deployment, *, source_dir: str, **kwargs: Any) -> None:
        env = None
        if deployment.account or deployment.region:
            env = cdk.Environment(account=deployment.account, region=deployment.region)
        kind = "shared multi-tenant stack" if deployment.shared else "organisation stack"
        description = f"Donor-relations API, {kind} for: {', '.join(deployment.orgs)}"
        if len(description) > 1000:  # CloudFormation's limit is 1024
            description = f"Donor-relations API, {kind} for {len(deployment.orgs)} organisations"
        super().__init__(scope, deployment.stack_name, env=env, description=description, **kwargs)
        self.deployment = deployment
        cdk.Tags.of(self).add("app", APP_NAME)
        cdk.Tags.of(self).add("deployment", deployment.name)
        if not deployment.shared:
            cdk.Tags.of(self).add("org", deployment.name)

        self.key = self._data_key()
        self.table = self._table()
        self.pepper = secretsmanager.Secret(
            self, "ApiKeyPepper",
            description=f"HMAC pepper of the API key digests of {deployment.stack_name}. "
                        "Changing it invalidates every API key and cursor of the stack.",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True, include_space=False),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.bus = events.EventBus(self, "FollowUpBus")
        self.reminders = sns.Topic(self, "ReminderTopic", display_name="Donor follow-up reminders",
                                   master_key=self.key, enforce_ssl=True)
        self.alarm_topic = sns.Topic(self, "AlarmTopic", display_name=f"{APP_NAME} alarms",
                                     master_key=self.key, enforce_ssl=True)
        for address in deployment.alarm_emails:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(address))

        self.api_logs = self._log_group("ApiLogs")
        self.sweep_logs = self._log_group("SweepLogs")
        self.api_role = self._api_role()
        self.sweep_role = self._sweep_role()
        self.chalice = self._chalice_app(source_dir)
        self.api_function = self._resource(API_FUNCTION)
        self.sweep_function = self._resource(SWEEP_FUNCTION)
        self.rest_api = self._resource(REST_API)
        self._configure_functions()
        self._not_found_response()
        self.schedule = self._sweep_schedule()
        self._alarms()
        self._outputs()

    # ---- data ----------------------------------------------------------------------------

    def _data_key(self) -> kms.Key:
        """One customer-managed key per stack rather than the AWS-managed keys, because:
        - it is the tenant's boundary: an organisation that leaves can be crypto-shredded
          (schedule the key's deletion and the table, its PITR history and backups become
          unreadable), which deleting items cannot do for backups;
        - CloudWatch can publish alarms to an encrypted topic only with a key whose policy
          lets it (the AWS-managed `aws/sns` key's policy cannot be changed);
        - every use is in CloudTrail under this stack's key, and access to the data needs a
          grant on it besides the DynamoDB permission.
        Cost: about 1 USD a month per stack plus requests (DynamoDB caches its table key).
        """
        key = kms.Key(self, "DataKey", enable_key_rotation=True, removal_policy=cdk.RemovalPolicy.RETAIN,
                      description=f"Encrypts the data of {self.deployment.stack_name} "
                                  "(table, pepper secret, topics)")
        key.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchAlarmsPublishToEncryptedTopics",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": self.account}},
        ))
        return key

    def _table(self) -> dynamodb.Table:
        """The table exactly as `chalicelib.store.table.definition()` describes it."""
        definition = table_schema.definition("unused")
        types = {a["AttributeName"]: a["AttributeType"] for a in definition["AttributeDefinitions"]}

        def keys(schema: list[dict[str, str]]) -> dict[str, dynamodb.Attribute]:
            return {k["KeyType"]: dynamodb.Attribute(name=k["AttributeName"],
                                                     type=_attribute_type(types[k["AttributeName"]]))
                    for k in schema}

        if definition.get("BillingMode", "PAY_PER_REQUEST") != "PAY_PER_REQUEST":
            raise AppPackagingError("chalicelib.store.table.definition() is not on-demand")
        table_keys = keys(definition["KeySchema"])
        table = dynamodb.Table(
            self, "Table",
            partition_key=table_keys["HASH"],
            sort_key=table_keys.get("RANGE"),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=True,
            time_to_live_attribute=table_schema.TTL_ATTRIBUTE,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        for index in definition.get("GlobalSecondaryIndexes", []):
            index_keys = keys(index["KeySchema"])
            projection = index.get("Projection", {"ProjectionType": "ALL"})
            table.add_global_secondary_index(
                index_name=index["IndexName"],
                partition_key=index_keys["HASH"],
                sort_key=index_keys.get("RANGE"),
                projection_type=dynamodb.ProjectionType(projection["ProjectionType"]),
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
        if SWEEP_INDEX not in table_schema.INDEXES:
            raise AppPackagingError(f"the sweep's index {SWEEP_INDEX} is not in chalicelib.store.table.INDEXES")
        self.index_names = [i["IndexName"] for i in definition.get("GlobalSecondaryIndexes", [])]
        return table

    def _log_group(self, name: str) -> logs.LogGroup:
        group = logs.LogGroup(self, name, removal_policy=cdk.RemovalPolicy.RETAIN)
        # RetentionDays' members are names, not numbers: set the validated number directly.
        group.node.default_child.add_property_override("RetentionInDays", self.deployment.log_retention_days)
        return group

    # ---- least-privilege roles -----------------------------------------------------------

    def _kms_via(self, *services: str) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid="DataKeyThroughItsServices",
            actions=KMS_USE,
            resources=[self.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": [f"{s}.{self.region}.amazonaws.com" for s in services]}},
        )

    def _own_log_group(self, log_group: logs.LogGroup) -> iam.PolicyStatement:
        return iam.PolicyStatement(sid="OwnLogGroup", actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                                   resources=[log_group.log_group_arn])

    def _role(self, name: str, description: str, statements: list[iam.PolicyStatement]) -> iam.Role:
        return iam.Role(self, name, description=description,
                        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        inline_policies={"LeastPrivilege": iam.PolicyDocument(statements=statements)})

    def _api_role(self) -> iam.Role:
        table_arn = self.table.table_arn
        return self._role("ApiRole", "The API handler: keyed item calls and Query on its own table", [
            iam.PolicyStatement(sid="OwnTableItems", actions=API_ITEM_ACTIONS, resources=[table_arn]),
            iam.PolicyStatement(sid="OwnTableQueries", actions=["dynamodb:Query"],
                                resources=[table_arn, f"{table_arn}/index/*"]),
            iam.PolicyStatement(sid="ReadPepper", actions=["secretsmanager:GetSecretValue"],
                                resources=[self.pepper.secret_arn]),
            self._own_log_group(self.api_logs),
            self._kms_via("dynamodb", "secretsmanager"),
        ])

    def _sweep_role(self) -> iam.Role:
        table_arn = self.table.table_arn
        return self._role("SweepRole", "The follow-up sweep: its due index, claims, its bus and topic", [
            iam.PolicyStatement(sid="DueIndexQuery", actions=["dynamodb:Query"],
                                resources=[f"{table_arn}/index/{SWEEP_INDEX}"]),
            iam.PolicyStatement(sid="ClaimFollowUps", actions=SWEEP_ITEM_ACTIONS, resources=[table_arn]),
            iam.PolicyStatement(sid="PutFollowUpEvents", actions=["events:PutEvents"],
                                resources=[self.bus.event_bus_arn]),
            iam.PolicyStatement(sid="PublishReminders", actions=["sns:Publish"],
                                resources=[self.reminders.topic_arn]),
            # No pepper: the sweep checks no keys and signs no cursors.
            self._own_log_group(self.sweep_logs),
            self._kms_via("dynamodb", "sns"),
        ])

    # ---- the Chalice app -----------------------------------------------------------------

    def _chalice_app(self, source_dir: str) -> Chalice:
        stage_config = {
            "api_gateway_stage": API_STAGE,
            "autogen_policy": False,
            "manage_iam_role": False,
            "iam_role_arn": self.api_role.role_arn,      # the sweep's is overridden below
            "lambda_memory_size": self.deployment.memory_mb,
            "lambda_timeout": API_TIMEOUT_SECONDS,
            "environment_variables": {
                "TABLE_NAME": self.table.table_name,
                "EVENT_BUS_NAME": self.bus.event_bus_name,
                "REMINDER_TOPIC_ARN": self.reminders.topic_arn,
                "API_KEY_PEPPER_SECRET_ARN": self.pepper.secret_arn,
            },
        }
        return Chalice(self, "Api", source_dir=source_dir, stage_config=stage_config)

    def _resource(self, logical_id: str) -> cdk.CfnResource:
        try:
            return self.chalice.get_resource(logical_id)
        except Exception as exc:  # jsii reports a missing logical id as a RuntimeError
            hint = (" (app.py must register @app.lambda_function(name=\"follow_up_sweep\"))"
                    if logical_id == SWEEP_FUNCTION else "")
            raise AppPackagingError(f"the packaged Chalice app has no resource {logical_id}{hint}: {exc}") from exc

    def _configure_functions(self) -> None:
        self.api_function.add_property_override("LoggingConfig", {"LogGroup": self.api_logs.log_group_name})
        self.sweep_function.add_property_override("LoggingConfig", {"LogGroup": self.sweep_logs.log_group_name})
        self.sweep_function.add_property_override("Role", self.sweep_role.role_arn)
        self.sweep_function.add_property_override("Timeout", SWEEP_TIMEOUT_SECONDS)
        self.sweep_function.add_property_override("Handler", SWEEP_HANDLER)
        # A name of its own, so the API Gateway metrics (by ApiName) are this stack's only.
        self.rest_api.add_property_override("Name", f"{APP_NAME}-{self.deployment.name}")

    def _not_found_response(self) -> None:
        """API Gateway answers an unknown path with MISSING_AUTHENTICATION_TOKEN (403 and its
        own JSON); make it a 404 problem+json like the app's own. It goes into the API's
        OpenAPI body (x-amazon-apigateway-gateway-responses) rather than a separate
        AWS::ApiGateway::GatewayResponse, which only takes effect at the *next* deployment of
        the stage; in the body it is part of the deployment SAM makes."""
        self.rest_api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses",
            {"MISSING_AUTHENTICATION_TOKEN": {
                "statusCode": 404,
                "responseParameters": {"gatewayresponse.header.Content-Type": f"'{unknown_path.CONTENT_TYPE}'"},
                "responseTemplates": {"application/json": json.dumps(NOT_FOUND_BODY, separators=(",", ":"))},
            }},
        )

    def _sweep_schedule(self) -> events.Rule:
        minutes = self.deployment.sweep_minutes
        function = lambda_.Function.from_function_attributes(
            self, "SweepFunctionRef", function_arn=self.sweep_function.get_att("Arn").to_string(),
            same_environment=True,  # so CDK adds the permission letting EventBridge invoke it
        )
        return events.Rule(
            self, "SweepSchedule",
            description=f"Runs the follow-up sweep every {minutes} minute(s)",
            schedule=events.Schedule.rate(cdk.Duration.minutes(minutes)),
            targets=[targets.LambdaFunction(
                function, retry_attempts=2,
                # a run that could not start before the next one is due is not worth retrying
                max_event_age=cdk.Duration.minutes(max(minutes, 1)),
            )],
        )

    # ---- alarms and outputs --------------------------------------------------------------

    def _alarm(self, name: str, description: str, metric: cloudwatch.IMetric) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self, name, alarm_description=description, metric=metric,
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))
        return alarm

    def _alarms(self) -> None:
        five = cdk.Duration.minutes(5)
        for label, function in (("Api", self.api_function), ("Sweep", self.sweep_function)):
            for metric_name in ("Errors", "Throttles"):
                self._alarm(f"{label}{metric_name}Alarm", f"{label} Lambda {metric_name.lower()} in 5 minutes",
                            cloudwatch.Metric(namespace="AWS/Lambda", metric_name=metric_name,
                                              dimensions_map={"FunctionName": function.ref},
                                              statistic="Sum", period=five))
        self._alarm("Api5xxAlarm", "API Gateway 5XX responses in 5 minutes",
                    cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name="5XXError",
                                      dimensions_map={"ApiName": f"{APP_NAME}-{self.deployment.name}",
                                                      "Stage": API_STAGE},
                                      statistic="Sum", period=five))
        # Every request DynamoDB throttled, by the operations the functions call (an index's
        # throttling shows up on the request that caused it). At most 10 metrics per alarm.
        throttled = {
            f"m{i}": cloudwatch.Metric(namespace="AWS/DynamoDB", metric_name="ThrottledRequests",
                                       dimensions_map={"TableName": self.table.table_name, "Operation": op},
                                       statistic="Sum", period=five)
            for i, op in enumerate(THROTTLE_OPERATIONS)
        }
        self._alarm("TableThrottleAlarm", "DynamoDB requests throttled in 5 minutes",
                    cloudwatch.MathExpression(expression=" + ".join(f"FILL({k}, 0)" for k in throttled),
                                              using_metrics=throttled, label="Throttled requests", period=five))

    def _outputs(self) -> None:
        outputs = {
            "ApiUrl": (cdk.Fn.sub(f"https://${{Api}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{API_STAGE}/",
                                  {"Api": self.rest_api.ref}), "The API's base URL"),
            "TableName": (self.table.table_name, "TABLE_NAME for the operator CLI"),
            "EventBusName": (self.bus.event_bus_name, "Where FollowUpDue events go"),
            "ReminderTopicArn": (self.reminders.topic_arn, "Subscribe staff here for follow-up reminders"),
            "AlarmTopicArn": (self.alarm_topic.topic_arn, "Subscribe on-call here for the alarms"),
            "ApiKeyPepperSecretArn": (self.pepper.secret_arn, "API_KEY_PEPPER_SECRET_ARN for the operator CLI"),
            "SweepFunctionName": (self.sweep_function.ref, "The follow-up sweep's Lambda function"),
            "Organisations": (", ".join(self.deployment.orgs), "The organisations this stack serves"),
        }
        for name, (value, description) in outputs.items():
            cdk.CfnOutput(self, name, value=value, description=description)
