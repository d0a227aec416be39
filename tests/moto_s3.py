"""moto's S3 server on 127.0.0.1, in a subprocess, optionally with IAM enforced.

With `auth=True`, `python -m moto.server` runs with `INITIAL_NO_AUTH_ACTION_COUNT=3`: the first
three requests (create a user, give it a policy, make its access key) are not checked; every
later one is, against that user's policy: everything in S3 allowed, except `GetObject` under
`s3://BUCKET/denied/`, so a key is really denied. (moto 5.2's signature check then rejects
list requests whose query carries a `/`, such as `Prefix=dir/`, so tests list that server's
bucket from its root.) Tests talk to either through real boto3 and `AWS_ENDPOINT_URL_S3`,
exactly as a user's environment would point a2icond at S3.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

BUCKET = "a2icond-corpus"
DENIED_PREFIX = "denied/"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str

    def env(self) -> dict[str, str]:
        """The environment a2icond (and its subprocesses) need to reach this server."""
        return {
            "AWS_ENDPOINT_URL_S3": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def running_server(auth: bool = False, timeout: float = 30.0) -> Iterator[S3Server]:
    """Start the server, yield it, stop it (a generator for a pytest fixture)."""
    import boto3

    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("AWS_")
    }  # no real credentials or endpoints leak into the stand-in
    if auth:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
    env.update(
        AWS_ACCESS_KEY_ID="bootstrap",
        AWS_SECRET_ACCESS_KEY="bootstrap",
        AWS_DEFAULT_REGION="us-east-1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        endpoint = f"http://127.0.0.1:{port}"
        if not auth:
            server = S3Server(endpoint, "testing", "testing")
            server.client().create_bucket(Bucket=BUCKET)
            yield server
            return
        iam = boto3.client(
            "iam",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bootstrap",
            aws_secret_access_key="bootstrap",
        )
        iam.create_user(UserName="a2icond")
        iam.put_user_policy(
            UserName="a2icond",
            PolicyName="corpus",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                        {
                            "Effect": "Deny",
                            "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{BUCKET}/{DENIED_PREFIX}*",
                        },
                    ],
                }
            ),
        )
        key = iam.create_access_key(UserName="a2icond")["AccessKey"]
        server = S3Server(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
