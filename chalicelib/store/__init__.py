"""The only code that touches DynamoDB: keys, the table, repositories, pagination."""
