"""GET /orders: list every order (the route has no authorizer)."""
import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    items = TABLE.scan(Limit=100).get("Items", [])
    return {"statusCode": 200, "body": json.dumps(items, default=str)}
