"""Daily totals, served on a public function URL (as PDF with ?format=pdf)."""
import json
import os
import subprocess
from collections import Counter

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    counts = Counter(item.get("status", "new") for item in TABLE.scan().get("Items", []))
    params = event.get("queryStringParameters") or {}
    if params.get("format") != "pdf":
        return {"statusCode": 200, "body": json.dumps(counts)}
    with open("/tmp/report.html", "w") as fh:
        fh.write("<pre>" + json.dumps(counts) + "</pre>")
    title = params.get("title", "Daily totals")
    # The caller's title goes into a shell command line: a flaw on purpose.
    subprocess.run(f"wkhtmltopdf --title '{title}' /tmp/report.html /tmp/report.pdf", shell=True, check=True)
    with open("/tmp/report.pdf", "rb") as fh:
        return {"statusCode": 200, "isBase64Encoded": True, "body": fh.read().hex()}
