"""Test helpers shipped with a2icond for users' own tests: a SageMaker flow-definition stand-in
(`a2icond.testing.sagemaker`) speaking the real protocol on 127.0.0.1."""
