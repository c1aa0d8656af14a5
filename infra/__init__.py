"""The AWS CDK app deploying the API: one stack per organisation, or shared stacks (see README)."""
