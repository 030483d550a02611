package kit

import (
	"regexp"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// azureKeyRE finds a literal key in an Azure connection string: the key's
// name and text.
var azureKeyRE = regexp.MustCompile(`(?i)(AccountKey|SharedAccessKey|AccessKey)=([A-Za-z0-9+/=]{20,})`)

// azureEmulatorKey is the storage emulator's published account key.
const azureEmulatorKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// AzureConnectionKey returns the name and text of a literal account or
// shared access key in an Azure connection string (storage, Service Bus,
// Event Hubs, Cosmos DB, SignalR), and false when s holds none or only the
// storage emulator's published key. NL4120 reports these; the generic
// secret rules leave them to it.
func AzureConnectionKey(s string) (name, key string, ok bool) {
	m := azureKeyRE.FindStringSubmatch(s)
	if m == nil || m[2] == azureEmulatorKey || strings.Contains(strings.ToLower(s), "devstoreaccount1") {
		return "", "", false
	}
	return m[1], m[2], true
}

// InternalOnly reports whether a Google function or Cloud Run service
// accepts traffic only from inside its VPC network (ingress settings
// ALLOW_INTERNAL_ONLY / INGRESS_TRAFFIC_INTERNAL_ONLY), so that an
// allUsers invoker does not put it on the Internet, and the setting's
// value.
func InternalOnly(f *model.Function) (*model.Value, bool) {
	if f == nil {
		return nil, false
	}
	for _, k := range []string{"ingress_settings", "ingress"} {
		v := f.Settings.Get(k)
		if v.IsResolved() && strings.Contains(strings.ToUpper(v.String()), "INTERNAL_ONLY") {
			return v, true
		}
	}
	return nil, false
}
