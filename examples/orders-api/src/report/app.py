"""Daily totals, served on a public function URL."""
import json
import os
from collections import Counter

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    counts = Counter(item.get("status", "new") for item in TABLE.scan().get("Items", []))
    return {"statusCode": 200, "body": json.dumps(counts)}
