const { app, input, output } = require('@azure/functions');

const queueOutput = output.storageQueue({
    queueName: 'orders',
    connection: 'AzureWebJobsStorage',
});

const tableInput = input.table({ tableName: 'orders', connection: 'AzureWebJobsStorage' });

app.http('getOrders', {
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    route: 'orders',
    extraInputs: [tableInput],
    extraOutputs: [queueOutput],
    handler: async (request, context) => {
        const body = { url: `${request.url}` };
        return { jsonBody: body };
    },
});

app.http('health', {
    handler: async () => ({ body: 'ok' }),
});

app.storageQueue('worker', {
    queueName: 'orders',
    connection: 'AzureWebJobsStorage',
    extraOutputs: [output.cosmosDB({ databaseName: 'shop', containerName: 'orders', connection: 'COSMOS' })],
    handler: async (msg, context) => {},
});

app.http('keyed', { methods: ['DELETE'], authLevel: 'function', handler: async () => ({}) });
