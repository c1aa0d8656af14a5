"""Everything the Lambda functions import: faces -> domain -> store."""
