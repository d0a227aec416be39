"""Everything that knows about AWS: request validation against botocore's service model
(`validation`), public-workforce prices (`prices`) and the SageMaker calls (`submit`).

Nothing here imports boto3 or botocore at import time; they load when a request is validated or
sent, so the rest of the CLI starts fast.
"""
