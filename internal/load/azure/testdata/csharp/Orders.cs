using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Shop
{
    public class Orders
    {
        [Function("GetOrders")]
        public static HttpResponseData Run(
            [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{id}")] HttpRequestData req,
            [TableInput("orders", Connection = "AzureWebJobsStorage")] string rows)
        {
            return req.CreateResponse();
        }

        [Function(nameof(Worker))]
        public static OrderOutputs Worker([QueueTrigger("orders", Connection = "AzureWebJobsStorage")] string msg)
        {
            return new OrderOutputs();
        }

        [FunctionName("Legacy")]
        public static void Legacy(
            [HttpTrigger(AuthorizationLevel.Function, "post")] HttpRequest req,
            [Queue("legacy-out"), StorageAccount("AzureWebJobsStorage")] ICollector<string> msg,
            [Blob("uploads/{name}", FileAccess.Read)] Stream blob)
        {
        }
    }

    public class OrderOutputs
    {
        [CosmosDBOutput("shop", "orders", Connection = "COSMOS")]
        public object Doc { get; set; }

        [BlobOutput("archive/{rand-guid}")]
        public string Archive { get; set; }
    }
}
