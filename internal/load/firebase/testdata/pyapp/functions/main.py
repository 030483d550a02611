from firebase_functions import https_fn, firestore_fn, scheduler_fn
from firebase_admin import initialize_app, firestore

initialize_app()


@https_fn.on_request()
def orders(req: https_fn.Request) -> https_fn.Response:
    db = firestore.client()
    docs = db.collection("orders").stream()
    return https_fn.Response("ok")


@https_fn.on_call()
def place(req: https_fn.CallableRequest):
    firestore.client().collection("orders").add(req.data)


@firestore_fn.on_document_written(document="orders/{id}")
def audit(event):
    pass


@scheduler_fn.on_schedule(schedule="every day 00:00")
def nightly(event):
    pass
