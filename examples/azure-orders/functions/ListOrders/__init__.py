import json

import azure.functions as func


def main(req: func.HttpRequest, orders: str, audit: func.Out[str]) -> func.HttpResponse:
    audit.set(json.dumps({"path": req.url}))
    return func.HttpResponse(orders, mimetype="application/json")
