"""POST /orders: store the order and queue it for processing."""
import json
import os
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SQS = boto3.client("sqs")


def handler(event, context):
    order = json.loads(event.get("body") or "{}")
    order["orderId"] = str(uuid.uuid4())
    order["customer"] = event["requestContext"]["authorizer"]["claims"]["sub"]
    TABLE.put_item(Item=order)
    SQS.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps({"orderId": order["orderId"]}))
    return {"statusCode": 201, "body": json.dumps({"orderId": order["orderId"]})}
