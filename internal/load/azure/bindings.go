package azure

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// bindingKind describes one Azure Functions binding type: the store it
// touches and how that store is named in the binding's settings.
type bindingKind struct {
	// store is the kind of store; "" for bindings that touch none (HTTP
	// responses, timers, orchestration).
	store model.StoreKind
	// service prefixes store IDs ("queue", "blob", "cosmosdb", …).
	service string
	// name returns the store's name from the binding's settings.
	name func(b *model.Value) *model.Value
	// trigger is the trigger kind when the type is a trigger.
	trigger model.TriggerKind
}

func key(names ...string) func(b *model.Value) *model.Value {
	return func(b *model.Value) *model.Value {
		for _, n := range names {
			if v := b.GetFold(n); v.IsSet() {
				return v
			}
		}
		return nil
	}
}

// container returns the container of a blob path ("uploads/{name}" →
// "uploads").
func container(b *model.Value) *model.Value {
	p := b.GetFold("path")
	if p == nil {
		p = b.GetFold("blobPath")
	}
	if !p.IsSet() || p.Kind != model.String {
		return p
	}
	c, _, _ := strings.Cut(p.Str, "/")
	v := *p
	v.Str = c
	return &v
}

// cosmos names a Cosmos DB container database/container.
func cosmos(b *model.Value) *model.Value {
	db := b.GetFold("databaseName")
	c := key("containerName", "collectionName")(b)
	if !db.IsSet() {
		return c
	}
	if !c.IsSet() {
		return db
	}
	v := *db
	v.Kind = model.String
	v.Str = db.String() + "/" + c.String()
	v.Unresolved = db.Unresolved || c.Unresolved
	return &v
}

// serviceBus names a Service Bus queue, or a topic's subscription.
func serviceBus(b *model.Value) *model.Value { return key("queueName", "topicName")(b) }

// bindingKinds maps lower-case binding types to what they touch. Types not
// here are kept as generic accesses with a note.
var bindingKinds = map[string]bindingKind{
	"httptrigger":           {trigger: "http"},
	"http":                  {},
	"timertrigger":          {trigger: model.TriggerTimer},
	"queuetrigger":          {store: model.StoreQueue, service: "queue", name: key("queueName"), trigger: model.TriggerQueue},
	"queue":                 {store: model.StoreQueue, service: "queue", name: key("queueName")},
	"blobtrigger":           {store: model.StoreBucket, service: "blob", name: container, trigger: model.TriggerBlob},
	"blob":                  {store: model.StoreBucket, service: "blob", name: container},
	"table":                 {store: model.StoreTable, service: "table", name: key("tableName")},
	"cosmosdbtrigger":       {store: model.StoreDatabase, service: "cosmosdb", name: cosmos, trigger: model.TriggerOther},
	"cosmosdb":              {store: model.StoreDatabase, service: "cosmosdb", name: cosmos},
	"documentdb":            {store: model.StoreDatabase, service: "cosmosdb", name: cosmos},
	"servicebustrigger":     {store: model.StoreQueue, service: "servicebus", name: serviceBus, trigger: model.TriggerQueue},
	"servicebus":            {store: model.StoreQueue, service: "servicebus", name: serviceBus},
	"eventhubtrigger":       {store: model.StoreStream, service: "eventhub", name: key("eventHubName", "path"), trigger: model.TriggerOther},
	"eventhub":              {store: model.StoreStream, service: "eventhub", name: key("eventHubName", "path")},
	"eventgridtrigger":      {trigger: model.TriggerOther},
	"eventgrid":             {store: model.StoreTopic, service: "eventgrid", name: key("topicEndpointUri")},
	"sqltrigger":            {store: model.StoreDatabase, service: "sql", name: key("tableName"), trigger: model.TriggerOther},
	"sql":                   {store: model.StoreDatabase, service: "sql", name: key("commandText")},
	"kafkatrigger":          {store: model.StoreStream, service: "kafka", name: key("topic"), trigger: model.TriggerKafka},
	"kafka":                 {store: model.StoreStream, service: "kafka", name: key("topic")},
	"rabbitmqtrigger":       {store: model.StoreQueue, service: "rabbitmq", name: key("queueName"), trigger: model.TriggerQueue},
	"rabbitmq":              {store: model.StoreQueue, service: "rabbitmq", name: key("queueName")},
	"sendgrid":              {store: model.StoreOther, service: "sendgrid", name: key("to", "from")},
	"twiliosms":             {store: model.StoreOther, service: "twilio", name: key("from")},
	"signalr":               {store: model.StoreOther, service: "signalr", name: key("hubName")},
	"signalrconnectioninfo": {},
	"orchestrationtrigger":  {trigger: model.TriggerOther},
	"activitytrigger":       {trigger: model.TriggerOther},
	"entitytrigger":         {trigger: model.TriggerOther},
	"durableclient":         {},
	"orchestrationclient":   {},
	"warmuptrigger":         {},
}
