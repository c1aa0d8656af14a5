"""The API key pepper: API_KEY_PEPPER, or a Secrets Manager secret read once per process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from chalicelib import auth, aws, config
from chalicelib.domain import organisations
from chalicelib.errors import ServiceUnavailable

ROOT = Path(__file__).resolve().parents[2]
PEPPER = "secret-pepper-from-secrets-manager-0123456789"


@pytest.fixture
def secret_only(monkeypatch):
    """No API_KEY_PEPPER in the environment; every cache forgotten before and after."""
    monkeypatch.delenv("API_KEY_PEPPER", raising=False)
    monkeypatch.delenv("API_KEY_PEPPER_SECRET_ARN", raising=False)
    config.reset()
    aws.reset_clients()
    yield monkeypatch
    config.reset()
    aws.reset_clients()


def _secret(value: str | bytes, name: str = "pepper") -> str:
    client = boto3.client("secretsmanager")
    if isinstance(value, bytes):
        return client.create_secret(Name=name, SecretBinary=value)["ARN"]
    return client.create_secret(Name=name, SecretString=value)["ARN"]


def _use(monkeypatch, arn: str) -> None:
    monkeypatch.setenv("API_KEY_PEPPER_SECRET_ARN", arn)
    config.reset()


@mock_aws
def test_the_secret_is_read_on_first_use_and_once_per_process(secret_only):
    arn = _secret(PEPPER)
    _use(secret_only, arn)
    assert "secretsmanager" not in aws._clients  # nothing fetched, no client, until a key is checked
    assert config.settings().api_key_pepper == PEPPER.encode()
    assert "secretsmanager" in aws._clients

    boto3.client("secretsmanager").put_secret_value(SecretId=arn, SecretString="another-pepper-0123456789")
    assert config.settings().api_key_pepper == PEPPER.encode()      # cached: no second read
    assert config.settings().cursor_secret == b"cursor:" + PEPPER.encode()
    config.reset()                                                  # a new process reads it again
    assert config.settings().api_key_pepper == b"another-pepper-0123456789"


@mock_aws
def test_api_key_pepper_wins_over_the_secret(secret_only):
    secret_only.setenv("API_KEY_PEPPER", "env-pepper-0123456789")
    _use(secret_only, "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf")
    assert config.settings().api_key_pepper == b"env-pepper-0123456789"
    assert "secretsmanager" not in aws._clients


@mock_aws
def test_a_missing_secret_is_a_configuration_error_naming_it(secret_only):
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf"
    _use(secret_only, arn)
    with pytest.raises(config.ConfigurationError, match="missing-AbCdEf.*ResourceNotFoundException"):
        config.settings().api_key_pepper
    arn = _secret(PEPPER, name="missing")  # created later: a failed read is not cached
    _use(secret_only, arn)
    assert config.settings().api_key_pepper == PEPPER.encode()


@mock_aws
@pytest.mark.parametrize("value, message", [
    ("too-short", "must hold a pepper of at least 16 characters"),
    (b"binary-pepper-0123456789", "holds binary data"),
])
def test_an_unusable_secret_is_a_configuration_error(secret_only, value, message):
    _use(secret_only, _secret(value))
    with pytest.raises(config.ConfigurationError, match=message):
        config.settings().api_key_pepper


def test_without_either_setting_the_error_names_both(secret_only):
    with pytest.raises(config.ConfigurationError, match="API_KEY_PEPPER must be set.*API_KEY_PEPPER_SECRET_ARN"):
        config.settings().api_key_pepper


def test_secrets_manager_throttling_is_a_503_not_a_500(secret_only):
    from botocore.exceptions import ClientError

    class Throttled:
        def get_secret_value(self, **kwargs):
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "GetSecretValue")

    _use(secret_only, "arn:aws:secretsmanager:us-east-1:123456789012:secret:p-AbCdEf")
    secret_only.setitem(aws._clients, "secretsmanager", Throttled())
    with pytest.raises(ServiceUnavailable):
        config.settings().api_key_pepper


def test_keys_made_and_checked_with_the_secret_pepper(aws, secret_only):
    _use(secret_only, _secret(PEPPER))
    auth.clear_cache()
    organisations.create("acme", "Acme")
    key, record = auth.create_key("acme", auth.WRITE, label="secret pepper")
    principal = auth.authenticate(key)
    assert (principal.org, principal.key_id) == ("acme", record["key_id"])


def test_importing_config_does_not_import_boto3():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import chalicelib.config; "
            "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'imported boto3'")
    subprocess.run([sys.executable, "-I", "-c", code, str(ROOT)], check=True, timeout=60)
