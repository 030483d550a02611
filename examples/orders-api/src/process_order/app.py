"""Consume OrdersQueue: mark the order processed and write its receipt."""
import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
S3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        order_id = json.loads(record["body"])["orderId"]
        TABLE.update_item(
            Key={"orderId": order_id},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": "processed"},
        )
        S3.put_object(Bucket=os.environ["RECEIPTS_BUCKET"], Key=f"receipts/{order_id}.txt", Body=f"receipt for {order_id}\n")
