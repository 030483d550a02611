import json

import azure.functions as func


def main(msg: func.QueueMessage, saved: func.Out[str], receipt: func.Out[str]) -> None:
    order = json.loads(msg.get_body())
    saved.set(json.dumps({"PartitionKey": "orders", "RowKey": order["id"], **order}))
    receipt.set(json.dumps(order))
