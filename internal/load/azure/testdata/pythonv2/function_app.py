import azure.functions as func
import logging

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orders", methods=["GET"])
@app.table_input(arg_name="rows", table_name="orders", connection="AzureWebJobsStorage")
def list_orders(req: func.HttpRequest, rows: str) -> func.HttpResponse:
    return func.HttpResponse(rows)


@app.function_name(name="AdminReport")
@app.route(route="admin/report", auth_level=func.AuthLevel.ADMIN)
def report(req: func.HttpRequest) -> func.HttpResponse:
    # a decorator in a comment is not one: @app.route(route="nope")
    return func.HttpResponse("ok")


LEVEL = func.AuthLevel.FUNCTION if True else func.AuthLevel.ANONYMOUS


@app.route(route="dynamic", auth_level=LEVEL)
def dynamic(req):
    return "x"


@app.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")
@app.cosmos_db_output(arg_name="doc", database_name="shop", container_name="orders", connection="COSMOS")
async def worker(msg: func.QueueMessage, doc: func.Out[func.Document]) -> None:
    logging.info(msg)


@app.timer_trigger(schedule="0 */5 * * * *", arg_name="timer", run_on_startup=False)
def tick(timer):
    pass


def helper():
    return 1
